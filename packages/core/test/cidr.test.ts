import { strict as assert } from "node:assert";

import {
  allocateSubnets,
  cidrContains,
  cidrsOverlap,
  formatCidr,
  isCidr,
  isPrivateCidr,
  parseCidr,
} from "../src/cidr";

describe("CIDR helpers", () => {
  it("parses and formats blocks", () => {
    assert.equal(formatCidr(parseCidr("10.40.0.0/16")), "10.40.0.0/16");
    assert.equal(parseCidr("10.40.0.0/16").prefixLength, 16);
  });

  it("rejects text that is not a CIDR and blocks with host bits set", () => {
    assert.throws(() => parseCidr("10.0.0.0"), /is not an IPv4 CIDR block/);
    assert.throws(() => parseCidr("10.0.0.300/24"), /octets are 0-255/);
    assert.throws(
      () => parseCidr("10.0.0.1/24"),
      /has host bits set: the network address for \/24 is 10.0.0.0/,
    );
    assert.equal(isCidr("10.0.0.0/33"), false);
  });

  it("knows containment, overlap and the private ranges", () => {
    const vpc = parseCidr("10.40.0.0/16");
    assert.ok(cidrContains(vpc, parseCidr("10.40.3.0/24")));
    assert.ok(!cidrContains(vpc, parseCidr("10.41.0.0/24")));
    assert.ok(cidrsOverlap(vpc, parseCidr("10.0.0.0/8")));
    assert.ok(!cidrsOverlap(vpc, parseCidr("10.41.0.0/16")));
    assert.ok(isPrivateCidr(vpc));
    assert.ok(!isPrivateCidr(parseCidr("8.8.0.0/16")));
  });

  it("allocates aligned consecutive subnets and refuses what does not fit", () => {
    const blocks = allocateSubnets(parseCidr("10.40.0.0/16"), [24, 24, 28, 20]).map(formatCidr);
    assert.deepEqual(blocks, ["10.40.0.0/24", "10.40.1.0/24", "10.40.2.0/28", "10.40.16.0/20"]);
    assert.throws(
      () => allocateSubnets(parseCidr("10.40.0.0/24"), [25, 25, 25]),
      /do not fit in 10.40.0.0\/24/,
    );
  });
});
