import { strict as assert } from "node:assert";

import { Naming } from "../src/naming";
import { defaultTags, validateTags } from "../src/tags";

describe("tags", () => {
  it("every deployment carries project, name, environment and manager tags plus extras", () => {
    const tags = defaultTags(new Naming({ infrastructureName: "acme-tdp", environment: "dr" }), {
      CostCenter: "rd",
    });
    assert.deepEqual(tags, {
      Project: "tdp",
      InfrastructureName: "acme-tdp",
      Environment: "dr",
      ManagedBy: "pulumi",
      CostCenter: "rd",
    });
  });

  it("rejects reserved and oversized tags", () => {
    assert.throws(
      () => validateTags({ "aws:owner": "x" }),
      /tag key "aws:owner" is invalid: the aws: prefix is reserved/,
    );
    assert.throws(
      () => validateTags({ k: "v".repeat(257) }),
      /tag "k" is invalid: tag values are at most 256 characters \(got 257\)/,
    );
    assert.throws(() => validateTags({ ["k".repeat(129)]: "v" }), /tag keys are 1 to 128 characters/);
  });
});
