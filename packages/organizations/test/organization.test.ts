import { strict as assert } from "node:assert";

import { Naming } from "@tdp/core";
import type { Recording } from "@tdp/offline";
import { offline } from "@tdp/offline";

import type { OrganizationArgs } from "../src";
import { DATAHUB_TOPIC_ROOT, Organization, validateOrganizationArgs } from "../src";

const naming = new Naming({ infrastructureName: "acme-tdp", iamRolePrefix: "tdp-" });
const ACCOUNT = "111111111111";
const BOUNDARY = "arn:aws:iam::111111111111:policy/boundary";

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: { AWS?: string | string[]; Service?: string | string[] };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

function policy(rec: Recording, type: string, name: string): Statement[] {
  return (JSON.parse(rec.one(type, name).inputs["policy"] as string) as { Statement: Statement[] }).Statement;
}

function args(extra: Partial<OrganizationArgs> = {}): OrganizationArgs {
  return {
    orgSlug: "exampleco",
    naming,
    iam: { rolePrefix: "tdp-", permissionsBoundaryArn: BOUNDARY },
    region: "us-east-1",
    accountId: ACCOUNT,
    buckets: {
      datalake: "acme-tdp-production-datalake",
      athenaResults: "acme-tdp-production-athena-results",
    },
    ...extra,
  };
}

describe("Organization", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.record(() => {
      new Organization("org-exampleco", args());
    });
  });

  it("is a tdp:organizations:Organization whose children are its own", () => {
    const component = rec.one("tdp:organizations:Organization", "org-exampleco");
    for (const child of rec.childrenOf(component)) {
      assert.ok(child.name.startsWith("org-exampleco-"), child.name);
    }
  });

  it("has its own protected AES-256-GCM key, rotating yearly, with an alias", () => {
    const key = rec.one("aws:kms/key:Key", "org-exampleco-key");
    assert.equal(key.inputs["customerMasterKeySpec"], "SYMMETRIC_DEFAULT");
    assert.equal(key.inputs["enableKeyRotation"], true);
    assert.equal(key.inputs["rotationPeriodInDays"], 365);
    assert.equal(key.protect, true);
    assert.equal(key.retainOnDelete, true);
    assert.equal(
      rec.one("aws:kms/alias:Alias", "org-exampleco-key-alias").inputs["name"],
      "alias/ts-org-production-exampleco",
    );
  });

  it("lets the account use the key only through S3, SSM and Glue, and the Data Hub role encrypt", () => {
    const statements = policy(rec, "aws:kms/key:Key", "org-exampleco-key");
    const via = statements.find((s) => s.Sid === "AccountPrincipalsUseTheKeyThroughServices")!;
    assert.deepEqual(via.Condition?.["StringEquals"]?.["kms:ViaService"], [
      "s3.us-east-1.amazonaws.com",
      "ssm.us-east-1.amazonaws.com",
      "glue.us-east-1.amazonaws.com",
    ]);
    const dataHub = statements.find((s) => s.Sid === "DataHubRoleEncrypts")!;
    assert.equal(
      dataHub.Principal?.AWS,
      "arn:aws:iam::111111111111:role/tdp-acme-tdp-production-org-exampleco-datahub",
    );
    assert.deepEqual(dataHub.Action, ["kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]);
    const admin = statements.find((s) => s.Sid === "AccountAdministersTheKey")!;
    assert.ok(!(admin.Action as string[]).some((a) => /Encrypt|Decrypt|GenerateDataKey|CreateGrant/.test(a)));
  });

  it("names the Athena policy exactly as the seed does, replacing it delete-first", () => {
    const athena = rec.one("aws:iam/policy:Policy", "org-exampleco-athena-policy");
    assert.equal(athena.inputs["name"], "ts-athena-us-east-1-production-exampleco-policy");
    assert.equal(athena.options?.deleteBeforeReplace, true);
  });

  it("scopes the Athena policy to the org's prefixes, key, workgroup and Glue database", () => {
    const statements = policy(rec, "aws:iam/policy:Policy", "org-exampleco-athena-policy");
    const sid = (s: string) => statements.find((x) => x.Sid === s)!;
    assert.equal(sid("S3Access").Resource, "arn:aws:s3:::acme-tdp-production-datalake/exampleco/*");
    assert.equal(
      sid("S3ResultsAccess").Resource,
      "arn:aws:s3:::acme-tdp-production-athena-results/exampleco/*",
    );
    assert.deepEqual(sid("S3ListOwnPrefix").Condition, {
      StringLike: { "s3:prefix": ["exampleco/", "exampleco/*"] },
    });
    assert.equal(
      sid("AthenaWorkgroup").Resource,
      "arn:aws:athena:us-east-1:111111111111:workgroup/ts-athena-production-exampleco",
    );
    assert.deepEqual(sid("GluePermissions").Resource, [
      "arn:aws:glue:us-east-1:111111111111:catalog",
      "arn:aws:glue:us-east-1:111111111111:database/ts_production_exampleco",
      "arn:aws:glue:us-east-1:111111111111:table/ts_production_exampleco/*",
    ]);
    for (const s of statements) {
      assert.notEqual(s.Resource, "*", `${s.Sid} reaches every resource`);
    }
  });

  it("keeps the Glue database (protected) and enforces the workgroup's encrypted results folder", () => {
    const database = rec.one("aws:glue/catalogDatabase:CatalogDatabase", "org-exampleco-glue-database");
    assert.equal(database.inputs["name"], "ts_production_exampleco");
    assert.equal(database.protect, true);
    const workgroup = rec.one("aws:athena/workgroup:Workgroup", "org-exampleco-workgroup");
    assert.equal(workgroup.inputs["name"], "ts-athena-production-exampleco");
    assert.equal(workgroup.options?.deleteBeforeReplace, true);
    const configuration = workgroup.inputs["configuration"] as Record<string, Record<string, unknown>>;
    assert.equal(configuration["enforceWorkgroupConfiguration"], true);
    const result = configuration["resultConfiguration"] as Record<string, unknown>;
    assert.equal(result["outputLocation"], "s3://acme-tdp-production-athena-results/exampleco/");
    const encryption = result["encryptionConfiguration"] as { encryptionOption: string; kmsKeyArn: string };
    assert.equal(encryption.encryptionOption, "SSE_KMS");
    const dataHubKey = policy(rec, "aws:iam/rolePolicy:RolePolicy", "org-exampleco-datahub-policy").find(
      (x) => x.Sid === "AccessKMSKey",
    )!.Resource;
    assert.match(encryption.kmsKeyArn, /^arn:aws:kms:us-east-1:111111111111:key\//);
    assert.equal(encryption.kmsKeyArn, dataHubKey, "the results are encrypted with the org's own key");
  });

  it("gives the Data Hub role the IoT credentials provider's trust for its role alias only, with prefix and boundary", () => {
    const role = rec.one("aws:iam/role:Role", "org-exampleco-datahub-role");
    assert.equal(role.inputs["name"], "tdp-acme-tdp-production-org-exampleco-datahub");
    assert.equal(role.inputs["permissionsBoundary"], BOUNDARY);
    const [statement] = (JSON.parse(role.inputs["assumeRolePolicy"] as string) as { Statement: Statement[] })
      .Statement;
    assert.equal(statement?.Principal?.Service, "credentials.iot.amazonaws.com");
    assert.deepEqual(statement?.Condition, {
      StringEquals: { "aws:SourceAccount": ACCOUNT },
      ArnEquals: {
        "aws:SourceArn": "arn:aws:iot:us-east-1:111111111111:rolealias/ts-datahub-production-exampleco",
      },
    });
  });

  it("lets the Data Hub upload under its prefix only, use its key and pull data-connector images", () => {
    const statements = policy(rec, "aws:iam/rolePolicy:RolePolicy", "org-exampleco-datahub-policy");
    const sid = (s: string) => statements.find((x) => x.Sid === s)!;
    assert.equal(sid("UploadToS3").Resource, "arn:aws:s3:::acme-tdp-production-datalake/exampleco/*");
    assert.deepEqual(sid("AccessKMSKey").Action, ["kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]);
    assert.equal(
      sid("DownloadDataConnectorImages").Resource,
      "arn:aws:ecr:us-east-1:111111111111:repository/data-connector-*",
    );
    assert.deepEqual(sid("ReadConnectorSecrets").Resource, [
      "arn:aws:ssm:us-east-1:111111111111:parameter/tetrascience/production/orgs/exampleco",
      "arn:aws:ssm:us-east-1:111111111111:parameter/tetrascience/production/orgs/exampleco/*",
    ]);
  });

  it("gives the role alias a one-hour credential duration, replaced delete-first", () => {
    const alias = rec.one("aws:iot/roleAlias:RoleAlias", "org-exampleco-role-alias");
    assert.equal(alias.inputs["alias"], "ts-datahub-production-exampleco");
    assert.equal(alias.inputs["credentialDuration"], 3600);
    assert.equal(alias.options?.deleteBeforeReplace, true);
  });

  it("limits the IoT policy to its role alias and to the thing's own client id and topics", () => {
    const iot = rec.one("aws:iot/policy:Policy", "org-exampleco-iot-policy");
    assert.equal(iot.inputs["name"], "ts-datahub-production-exampleco-policy");
    assert.equal(iot.options?.deleteBeforeReplace, true);
    const statements = policy(rec, "aws:iot/policy:Policy", "org-exampleco-iot-policy");
    const sid = (s: string) => statements.find((x) => x.Sid === s)!;
    assert.equal(
      sid("AssumeRoleWithCertificate").Resource,
      "arn:aws:iot:us-east-1:111111111111:rolealias/ts-datahub-production-exampleco",
    );
    assert.equal(
      sid("ConnectAsItsOwnThing").Resource,
      "arn:aws:iot:us-east-1:111111111111:client/${iot:Connection.Thing.ThingName}",
    );
    for (const resource of [
      ...(sid("PublishOwnTopics").Resource as string[]),
      ...(sid("SubscribeOwnTopics").Resource as string[]),
    ]) {
      assert.ok(
        resource.includes(`/${DATAHUB_TOPIC_ROOT}/exampleco/\${iot:Connection.Thing.ThingName}`),
        resource,
      );
    }
  });

  it("gives the SSM hybrid-activation role the managed-instance actions without every parameter", () => {
    const role = rec.one("aws:iam/role:Role", "org-exampleco-ssm-role");
    const [trust] = (JSON.parse(role.inputs["assumeRolePolicy"] as string) as { Statement: Statement[] })
      .Statement;
    assert.equal(trust?.Principal?.Service, "ssm.amazonaws.com");
    const statements = policy(rec, "aws:iam/rolePolicy:RolePolicy", "org-exampleco-ssm-policy");
    const core = statements.find((s) => s.Sid === "ManagedInstanceCore")!;
    assert.ok(!(core.Action as string[]).some((a) => a.startsWith("ssm:GetParameter")));
    assert.equal(rec.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
  });

  it("creates no IAM user by default (seed 000)", () => {
    assert.equal(rec.ofType("aws:iam/user:User").length, 0);
  });
});

describe("Organization options", () => {
  it("without a Data Hub, creates no roles, role alias or IoT policy, and its key names no role", async () => {
    const rec = await offline.record(() => {
      new Organization("org-a", args({ orgSlug: "a-lab", dataHub: false }));
    });
    for (const type of ["aws:iam/role:Role", "aws:iot/roleAlias:RoleAlias", "aws:iot/policy:Policy"]) {
      assert.equal(rec.ofType(type).length, 0, type);
    }
    assert.ok(!policy(rec, "aws:kms/key:Key", "org-a-key").some((s) => s.Sid === "DataHubRoleEncrypts"));
    rec.one("aws:iam/policy:Policy", "org-a-athena-policy");
  });

  it("with athenaCreateIamUser, creates a user holding only the Athena policy, with the boundary", async () => {
    const rec = await offline.record(() => {
      new Organization("org-u", args({ orgSlug: "u-lab", athenaCreateIamUser: true }));
    });
    const user = rec.one("aws:iam/user:User", "org-u-athena-user");
    assert.equal(user.inputs["name"], "ts-athena-production-u-lab");
    assert.equal(user.inputs["permissionsBoundary"], BOUNDARY);
    const attachment = rec.one(
      "aws:iam/userPolicyAttachment:UserPolicyAttachment",
      "org-u-athena-user-policy",
    );
    assert.match(
      String(attachment.inputs["policyArn"]),
      /policy\/ts-athena-us-east-1-production-u-lab-policy$/,
    );
    assert.equal(rec.ofType("aws:iam/userPolicyAttachment:UserPolicyAttachment").length, 1);
    assert.equal(rec.ofType("aws:iam/userPolicy:UserPolicy").length, 0);
  });

  it("throws before registering anything when its arguments are invalid", async () => {
    await assert.rejects(
      offline.record(() => {
        new Organization("org-bad", args({ orgSlug: "Bad_Slug" }));
      }),
      /orgSlug "Bad_Slug" must be lowercase letters/,
    );
  });
});

describe("validateOrganizationArgs", () => {
  it("takes a credential duration from 900 to 3600 seconds only", () => {
    assert.doesNotThrow(() => validateOrganizationArgs(args({ credentialDurationSeconds: 900 })));
    assert.throws(
      () => validateOrganizationArgs(args({ credentialDurationSeconds: 7200 })),
      /credentialDurationSeconds 7200 must be a whole number from 900 to 3600/,
    );
    assert.throws(
      () => validateOrganizationArgs(args({ credentialDurationSeconds: 600 })),
      /from 900 to 3600/,
    );
  });

  it("takes KMS's rotation and deletion-window ranges only", () => {
    assert.throws(
      () => validateOrganizationArgs(args({ keyRotationPeriodInDays: 30 })),
      /keyRotationPeriodInDays 30/,
    );
    assert.throws(
      () => validateOrganizationArgs(args({ keyDeletionWindowInDays: 3 })),
      /keyDeletionWindowInDays 3/,
    );
  });

  it("checks the IAM user's name length only when the user is asked for", () => {
    const slug = `a${"b".repeat(45)}`;
    assert.doesNotThrow(() => validateOrganizationArgs(args({ orgSlug: slug })));
    assert.throws(
      () => validateOrganizationArgs(args({ orgSlug: slug, athenaCreateIamUser: true })),
      /IAM user name "ts-athena-production-a.*" 67 characters long, over AWS's limit of 64; shorten the slug by 3/,
    );
  });
});
