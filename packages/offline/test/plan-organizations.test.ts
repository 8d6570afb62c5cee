import { strict as assert } from "node:assert";

import { organizationsMarkdown } from "../src/plan";

describe("the plan's Markdown: organizations", () => {
  it("prints one table per organization, sorted by slug, with the outputs it has", () => {
    const lines = organizationsMarkdown({
      organizations: {
        zeta: { keyArn: "arn:aws:kms:us-east-1:111111111111:key/z", workgroup: "ts-athena-production-zeta" },
        alpha: {
          keyArn: "arn:aws:kms:us-east-1:111111111111:key/a",
          roleAlias: "ts-datahub-production-alpha",
        },
      },
    });
    const text = lines.join("\n");
    assert.ok(text.startsWith("## Organizations"));
    assert.ok(text.indexOf("### `alpha`") < text.indexOf("### `zeta`"));
    assert.match(text, /\| IoT role alias \| `ts-datahub-production-alpha` \|/);
    assert.match(text, /\| Athena workgroup \| `ts-athena-production-zeta` \|/);
    assert.doesNotMatch(text.split("### `zeta`")[1]!, /IoT role alias/);
  });

  it("prints nothing for a stack without organizations", () => {
    assert.deepEqual(organizationsMarkdown({}), []);
    assert.deepEqual(organizationsMarkdown({ organizations: {} }), []);
  });
});
