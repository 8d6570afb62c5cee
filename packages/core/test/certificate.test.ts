import { strict as assert } from "node:assert";

import { validationOptionFor } from "../src/certificate";

const option = (domainName: string) => ({
  domainName,
  resourceRecordName: `_x.${domainName}.`,
  resourceRecordType: "CNAME",
  resourceRecordValue: `_y.acm-validations.aws.`,
});

describe("dnsValidatedCertificate: the validation option of each name", () => {
  it("picks each name's validation option by name, whatever ACM's order", () => {
    const options = [option("api.example.com"), option("example.com")];
    assert.equal(validationOptionFor(options, "example.com"), options[1]);
    assert.equal(validationOptionFor(options, "api.example.com"), options[0]);
  });

  it("fails plainly when ACM lists no option for a name", () => {
    assert.throws(
      () => validationOptionFor([option("example.com")], "api.example.com"),
      /ACM returned no DNS validation option for api\.example\.com/,
    );
  });
});
