import { strict as assert } from "node:assert";

import type * as pulumi from "@pulumi/pulumi";

import { iamRoleTransformation, validateIamSettings, validateServiceRoleArgs } from "../src/iam";
import { Naming } from "../src/naming";

const naming = new Naming({ infrastructureName: "acme-tdp" });

function transform(
  settings: Parameters<typeof iamRoleTransformation>[0],
  type: string,
  props: pulumi.Inputs,
) {
  return iamRoleTransformation(settings)({
    type,
    name: "r",
    props,
    opts: {},
    resource: undefined as unknown as pulumi.Resource,
  });
}

describe("IAM helpers", () => {
  it("validateServiceRoleArgs wants exactly one trust source and real service principals", () => {
    assert.throws(
      () => validateServiceRoleArgs({ naming, purpose: "x", iam: {} }),
      /ServiceRole "x": give exactly one of services or assumeRolePolicy/,
    );
    assert.throws(
      () => validateServiceRoleArgs({ naming, purpose: "x", iam: {}, services: ["lambda"] }),
      /"lambda" is not an AWS service principal/,
    );
    validateServiceRoleArgs({ naming, purpose: "x", iam: {}, services: ["lambda.amazonaws.com"] });
  });

  it("validateIamSettings rejects a boundary that is not a policy ARN", () => {
    assert.throws(
      () => validateIamSettings({ permissionsBoundaryArn: "arn:aws:iam::111111111111:role/x" }),
      /iamBoundaryPolicyArn "arn:aws:iam::111111111111:role\/x" is invalid: expected an IAM policy ARN/,
    );
    validateIamSettings({ permissionsBoundaryArn: "arn:aws:iam::111111111111:policy/boundary" });
  });

  it("the role transformation adds the boundary to roles that lack it", () => {
    const boundary = "arn:aws:iam::111111111111:policy/boundary";
    const result = transform({ permissionsBoundaryArn: boundary }, "aws:iam/role:Role", {
      assumeRolePolicy: "{}",
    });
    assert.equal(result?.props["permissionsBoundary"], boundary);
    assert.equal(transform({ permissionsBoundaryArn: boundary }, "aws:s3/bucket:Bucket", {}), undefined);
  });

  it("the role transformation prefixes auto-named roles and refuses explicit names without the prefix", () => {
    const result = transform({ rolePrefix: "Cust-" }, "aws:iam/role:Role", {});
    assert.equal(result?.props["namePrefix"], "Cust-");
    assert.throws(
      () => transform({ rolePrefix: "Cust-" }, "aws:iam/role:Role", { name: "other-role" }),
      /IAM role "r" is named "other-role", which lacks the iamRolePrefix "Cust-"/,
    );
  });
});
