import { strict as assert } from "node:assert";

import {
  KEY_ADMIN_ACTIONS,
  KEY_USE_OR_GRANT_ACTIONS,
  actionMatches,
  keyAdministrationStatement,
} from "../src";

describe("KEY_ADMIN_ACTIONS", () => {
  it("matches IAM action wildcards as IAM does", () => {
    assert.ok(actionMatches("kms:Create*", "kms:CreateGrant"));
    assert.ok(actionMatches("kms:*", "kms:Decrypt"));
    assert.ok(actionMatches("*", "kms:Encrypt"));
    assert.ok(actionMatches("KMS:reencrypt*", "kms:ReEncryptFrom"));
    assert.ok(actionMatches("kms:Get?eyPolicy", "kms:GetKeyPolicy"));
    assert.ok(!actionMatches("kms:List*", "kms:CreateGrant"));
    assert.ok(!actionMatches("kms:Decrypt", "kms:DecryptX"));
  });

  it("neither uses the key nor grants its use, through a wildcard or by name", () => {
    for (const action of KEY_USE_OR_GRANT_ACTIONS) {
      const covering = KEY_ADMIN_ACTIONS.filter((pattern) => actionMatches(pattern, action));
      assert.deepEqual(covering, [], `${action} is allowed by ${covering.join(", ")}`);
    }
  });

  it("still lets the account manage the key, its policy, aliases, rotation, tags and deletion", () => {
    for (const action of [
      "kms:PutKeyPolicy",
      "kms:GetKeyPolicy",
      "kms:DescribeKey",
      "kms:CreateAlias",
      "kms:DeleteAlias",
      "kms:EnableKey",
      "kms:DisableKey",
      "kms:EnableKeyRotation",
      "kms:DisableKeyRotation",
      "kms:GetKeyRotationStatus",
      "kms:RotateKeyOnDemand",
      "kms:ListGrants",
      "kms:ListResourceTags",
      "kms:RevokeGrant",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateKeyDescription",
      "kms:ScheduleKeyDeletion",
      "kms:CancelKeyDeletion",
    ]) {
      assert.ok(
        KEY_ADMIN_ACTIONS.some((pattern) => actionMatches(pattern, action)),
        `${action} is missing: the account could not administer the key`,
      );
    }
  });
});

describe("keyAdministrationStatement", () => {
  it("lets the account administer the key and nothing else", () => {
    assert.deepEqual(keyAdministrationStatement("arn:aws:iam::111111111111:root"), {
      Sid: "AccountAdministersTheKey",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:root" },
      Action: KEY_ADMIN_ACTIONS,
      Resource: "*",
    });
  });
});
