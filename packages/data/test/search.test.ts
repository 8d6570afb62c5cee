import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import { Naming } from "@tdp/core";
import { offline } from "@tdp/offline";

import type { SearchDomainArgs } from "../src";
import { SEARCH_TLS_POLICY, SearchDomain, snapshotFunctionCode } from "../src";
import { readSnapshotSettings } from "../src/snapshot/settings";
import {
  ACCOUNT,
  BACKUP_KEY_ARN,
  KEY_ARN,
  REGION,
  byName,
  naming,
  ofType,
  policyOf,
  statement,
} from "./helpers";
import { DEFAULT_LOG_ENVIRONMENT } from "./snapshot-fixtures";

const LOGS_KEY = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000003";
const MESSAGING_KEY = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000004";
const SECRETS_KEY = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000005";
const TOPIC = "arn:aws:sns:us-east-1:111111111111:acme-tdp-production-alerts";
const BUCKET = "acme-tdp-production-backup";
const DOMAIN_ARN = "arn:aws:es:us-east-1:111111111111:domain/acme-tdp-production-search";
const TINY_CODE = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler=async()=>{}"),
});

function args(overrides: Partial<SearchDomainArgs> = {}): SearchDomainArgs {
  return {
    naming,
    iam: {},
    region: REGION,
    accountId: ACCOUNT,
    vpcId: "vpc-0123456789abcdef0",
    privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    availabilityZoneCount: 3,
    kmsKeyArn: KEY_ARN,
    logsKmsKeyArn: LOGS_KEY,
    clientSecurityGroupIds: ["sg-services"],
    snapshots: {
      bucketName: BUCKET,
      bucketArn: `arn:aws:s3:::${BUCKET}`,
      bucketKmsKeyArn: BACKUP_KEY_ARN,
      deadLetterQueueKmsKeyArn: MESSAGING_KEY,
      environmentKmsKeyArn: SECRETS_KEY,
      code: TINY_CODE,
    },
    alarms: { topicArn: TOPIC, naming },
    ...overrides,
  };
}

type Rec = Awaited<ReturnType<typeof offline.record>>;

describe("SearchDomain", () => {
  let rec: Rec;
  let search: SearchDomain;
  before(async () => {
    rec = await offline.record(() => {
      search = new SearchDomain("search", args());
    });
  });

  const domain = () => byName(rec, "search-domain");

  it("is a tdp:data:SearchDomain whose children are named after it", () => {
    const component = byName(rec, "search");
    assert.equal(component.type, "tdp:data:SearchDomain");
    for (const r of rec.resources.filter((r) => r.name !== "search" && r.parent === component.urn)) {
      assert.match(r.name, /^search-/);
    }
  });

  it("runs a current OpenSearch with dedicated masters and zone awareness over the network's zones", () => {
    const d = domain();
    assert.equal(d.type, "aws:opensearch/domain:Domain");
    assert.equal(d.inputs["domainName"], "acme-tdp-production-search");
    assert.equal(d.inputs["engineVersion"], "OpenSearch_2.19");
    assert.deepEqual(d.inputs["clusterConfig"], {
      instanceType: "m6g.large.search",
      instanceCount: 3,
      dedicatedMasterEnabled: true,
      dedicatedMasterType: "m6g.large.search",
      dedicatedMasterCount: 3,
      zoneAwarenessEnabled: true,
      zoneAwarenessConfig: { availabilityZoneCount: 3 },
    });
    assert.deepEqual(d.inputs["ebsOptions"], { ebsEnabled: true, volumeType: "gp3", volumeSize: 100 });
  });

  it("is protected and retained (statefulResourceOptions) and waits for the log resource policy", () => {
    const d = domain();
    assert.equal(d.protect, true);
    assert.equal(d.retainOnDelete, true);
    assert.ok(d.dependencies?.includes(byName(rec, "search-log-policy").urn));
  });

  it("lives in one private subnet per zone behind its own security group", () => {
    const vpc = domain().inputs["vpcOptions"] as { subnetIds: string[]; securityGroupIds: string[] };
    assert.deepEqual(vpc.subnetIds, ["subnet-a", "subnet-b", "subnet-c"]);
    assert.equal(vpc.securityGroupIds.length, 1);
    const sg = byName(rec, "search-sg");
    assert.equal(sg.inputs["vpcId"], "vpc-0123456789abcdef0");
    assert.equal(sg.inputs["namePrefix"], "acme-tdp-production-search-");
    assert.equal(sg.inputs["ingress"], undefined, "no inline rules: each admitted group is its own rule");
  });

  it("encrypts at rest with the search key and between nodes, and enforces HTTPS with TLS 1.2+", () => {
    const d = domain();
    assert.deepEqual(d.inputs["encryptAtRest"], { enabled: true, kmsKeyId: KEY_ARN });
    assert.deepEqual(d.inputs["nodeToNodeEncryption"], { enabled: true });
    assert.deepEqual(d.inputs["domainEndpointOptions"], {
      enforceHttps: true,
      tlsSecurityPolicy: SEARCH_TLS_POLICY,
    });
    assert.equal(SEARCH_TLS_POLICY, "Policy-Min-TLS-1-2-PFS-2023-10");
  });

  it("enables fine-grained access control with the IAM master role, no internal users, no anonymous access", async () => {
    const security = domain().inputs["advancedSecurityOptions"] as Record<string, unknown>;
    const masterArn = await offline.outputValue(search.masterRoleArn);
    assert.deepEqual(security, {
      enabled: true,
      anonymousAuthEnabled: false,
      internalUserDatabaseEnabled: false,
      masterUserOptions: { masterUserArn: masterArn },
    });
    const role = byName(rec, "search-master-role-role");
    assert.equal(role.inputs["name"], "acme-tdp-production-search-master");
    const trust = policyOf(role, "assumeRolePolicy").Statement;
    assert.deepEqual(
      trust.map((s) => s.Principal),
      [{ Service: "lambda.amazonaws.com" }],
    );
    assert.deepEqual(trust[0]!.Condition, { StringEquals: { "aws:SourceAccount": ACCOUNT } });
  });

  it("admits only this account's principals in the access policy", () => {
    const policy = policyOf(domain(), "accessPolicies");
    assert.deepEqual(policy.Statement, [
      {
        Sid: "AccountPrincipalsOnly",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: "es:ESHttp*",
        Resource: `${DOMAIN_ARN}/*`,
      },
    ]);
  });

  it("publishes its four log types to encrypted log groups with retention", () => {
    const options = domain().inputs["logPublishingOptions"] as {
      logType: string;
      enabled: boolean;
      cloudwatchLogGroupArn: string;
    }[];
    assert.deepEqual(
      options.map((o) => [o.logType, o.enabled]),
      [
        ["ES_APPLICATION_LOGS", true],
        ["INDEX_SLOW_LOGS", true],
        ["SEARCH_SLOW_LOGS", true],
        ["AUDIT_LOGS", true],
      ],
    );
    for (const [short, o] of ["application", "index-slow", "search-slow", "audit"].map(
      (s, i) => [s, options[i]!] as const,
    )) {
      const group = byName(rec, `search-logs-${short}`);
      assert.equal(group.inputs["name"], `/tdp/acme-tdp-production/opensearch/${short}`);
      assert.equal(group.inputs["retentionInDays"], 90);
      assert.equal(group.inputs["kmsKeyId"], LOGS_KEY);
      assert.equal(
        o.cloudwatchLogGroupArn,
        `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${group.inputs["name"]}`,
      );
    }
  });

  it("lets es.amazonaws.com write only those four log groups, for this account's domain", () => {
    const policy = byName(rec, "search-log-policy");
    assert.equal(policy.type, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy");
    const doc = policyOf(policy, "policyDocument");
    assert.equal(doc.Statement.length, 1);
    const s = doc.Statement[0]!;
    assert.deepEqual(s.Principal, { Service: "es.amazonaws.com" });
    assert.deepEqual(s.Action, ["logs:CreateLogStream", "logs:PutLogEvents"]);
    assert.deepEqual(
      s.Resource,
      ["application", "index-slow", "search-slow", "audit"].map(
        (short) =>
          `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/tdp/acme-tdp-production/opensearch/${short}:*`,
      ),
    );
    assert.deepEqual(s.Condition, {
      StringEquals: { "aws:SourceAccount": ACCOUNT },
      ArnLike: { "aws:SourceArn": DOMAIN_ARN },
    });
  });

  it("tunes itself and takes service software updates in the off-peak window", () => {
    const d = domain();
    assert.deepEqual(d.inputs["autoTuneOptions"], {
      desiredState: "ENABLED",
      rollbackOnDisable: "NO_ROLLBACK",
      useOffPeakWindow: true,
    });
    assert.deepEqual(d.inputs["offPeakWindowOptions"], {
      enabled: true,
      offPeakWindow: { windowStartTime: { hours: 2, minutes: 0 } },
    });
    assert.deepEqual(d.inputs["softwareUpdateOptions"], { autoSoftwareUpdateEnabled: true });
  });

  it("admits the client groups and the snapshot function on 443, nothing else", async () => {
    const sgId = await offline.outputValue(search.securityGroupId);
    const rules = ofType(rec, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    assert.equal(rules.length, 2);
    for (const r of rules) {
      assert.equal(r.inputs["securityGroupId"], sgId);
      assert.equal(r.inputs["ipProtocol"], "tcp");
      assert.equal(r.inputs["fromPort"], 443);
      assert.equal(r.inputs["toPort"], 443);
      assert.equal(r.inputs["cidrIpv4"], undefined);
    }
    assert.equal(byName(rec, "search-from-client-1").inputs["referencedSecurityGroupId"], "sg-services");
    const fnSg = byName(rec, "search-snapshot-sg");
    const egress = byName(rec, "search-snapshot-to-domain");
    assert.equal(egress.inputs["referencedSecurityGroupId"], sgId);
    assert.equal(egress.inputs["fromPort"], 443);
    assert.equal(ofType(rec, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").length, 1);
    assert.equal(fnSg.inputs["egress"], undefined);
  });

  it("gives OpenSearch a snapshot role scoped to the repository's prefix and the bucket key through S3", () => {
    const role = byName(rec, "search-snapshot-role-role");
    assert.equal(role.inputs["name"], "acme-tdp-production-search-snapshots");
    const trust = policyOf(role, "assumeRolePolicy").Statement[0]!;
    assert.deepEqual(trust.Principal, { Service: "es.amazonaws.com" });
    assert.deepEqual(trust.Condition, { StringEquals: { "aws:SourceAccount": ACCOUNT } });
    const policy = policyOf(byName(rec, "search-snapshot-role-snapshot-bucket")).Statement;
    assert.deepEqual(policy, [
      {
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: `arn:aws:s3:::${BUCKET}`,
        Condition: { StringLike: { "s3:prefix": ["opensearch", "opensearch/*"] } },
      },
      {
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource: `arn:aws:s3:::${BUCKET}/opensearch/*`,
      },
      {
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: BACKUP_KEY_ARN,
        Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
      },
    ]);
  });

  it("lets the function role sign requests to this domain only and pass the snapshot role to OpenSearch only", async () => {
    const snapshotRoleArn = await offline.outputValue(search.snapshotRoleArn);
    const policy = policyOf(byName(rec, "search-master-role-domain-http")).Statement;
    assert.deepEqual(policy, [
      {
        Effect: "Allow",
        Action: ["es:ESHttpGet", "es:ESHttpPut", "es:ESHttpPost", "es:ESHttpDelete"],
        Resource: [DOMAIN_ARN, `${DOMAIN_ARN}/*`],
      },
      {
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: snapshotRoleArn,
        Condition: { StringEquals: { "iam:PassedToService": "es.amazonaws.com" } },
      },
    ]);
    const logs = policyOf(byName(rec, "search-master-role-own-logs")).Statement[0]!;
    assert.equal(
      logs.Resource,
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/tdp/acme-tdp-production/opensearch/snapshot-function:*`,
    );
    const dlq = policyOf(byName(rec, "search-master-role-dead-letter-queue")).Statement;
    assert.equal(dlq[0]!.Action, "sqs:SendMessage");
  });

  it("runs the snapshot function on nodejs22.x in the private subnets, one at a time, with a DLQ and encrypted environment", async () => {
    const fn = byName(rec, "search-snapshot-function");
    const i = fn.inputs;
    assert.equal(i["runtime"], "nodejs22.x");
    assert.equal(i["handler"], "index.handler");
    assert.equal(i["name"], "acme-tdp-production-search-snapshots");
    assert.equal(i["reservedConcurrentExecutions"], 1);
    assert.equal(i["kmsKeyArn"], SECRETS_KEY);
    assert.equal(i["role"], await offline.outputValue(search.masterRoleArn));
    const dlq = byName(rec, "search-snapshot-dlq");
    assert.equal(dlq.inputs["kmsMasterKeyId"], MESSAGING_KEY);
    assert.deepEqual(i["deadLetterConfig"], {
      targetArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:acme-tdp-production-search-snapshot-dlq`,
    });
    const vpc = i["vpcConfig"] as { subnetIds: string[]; securityGroupIds: string[] };
    assert.deepEqual(vpc.subnetIds, ["subnet-a", "subnet-b", "subnet-c"]);
    assert.deepEqual(vpc.securityGroupIds, [
      await offline.outputValue(search.snapshotFunctionSecurityGroupId),
    ]);
    assert.deepEqual(i["loggingConfig"], {
      logFormat: "Text",
      logGroup: "/tdp/acme-tdp-production/opensearch/snapshot-function",
    });
    const logGroup = byName(rec, "search-snapshot-logs");
    assert.equal(logGroup.inputs["retentionInDays"], 90);
    assert.equal(logGroup.inputs["kmsKeyId"], LOGS_KEY);
    const env = (i["environment"] as { variables: Record<string, string> }).variables;
    const endpoint = await offline.outputValue(search.endpoint);
    assert.deepEqual(env, {
      DOMAIN_ENDPOINT: `https://${endpoint}`,
      REPOSITORY: "tdp-s3",
      BUCKET,
      BASE_PATH: "opensearch",
      SNAPSHOT_ROLE_ARN: await offline.outputValue(search.snapshotRoleArn),
      SNAPSHOT_PREFIX: "tdp",
      RETENTION_DAYS: "14",
      MINIMUM_SNAPSHOTS: "4",
      // Audit logging and slow-log thresholds inside OpenSearch, kept by the function.
      ...DEFAULT_LOG_ENVIRONMENT,
    });
    // The function reads back exactly what the component wrote.
    const read = readSnapshotSettings({ ...env, AWS_REGION: REGION });
    assert.deepEqual(read.auditLogging, {
      rest: true,
      transport: true,
      disabledRestCategories: ["AUTHENTICATED", "GRANTED_PRIVILEGES"],
      disabledTransportCategories: ["AUTHENTICATED", "GRANTED_PRIVILEGES"],
      compliance: true,
    });
    assert.equal(Object.keys(read.slowLogThresholds ?? {}).length, 5);
  });

  it("is invoked every 6 hours by an EventBridge rule, with a permission naming the rule and the account", () => {
    const rule = byName(rec, "search-snapshot-schedule");
    assert.equal(rule.inputs["scheduleExpression"], "cron(0 0/6 * * ? *)");
    const permission = byName(rec, "search-snapshot-from-schedule");
    assert.equal(permission.inputs["principal"], "events.amazonaws.com");
    assert.equal(permission.inputs["sourceAccount"], ACCOUNT);
    assert.match(String(permission.inputs["sourceArn"]), /:rule\/acme-tdp-production-search-snapshots$/);
    const target = byName(rec, "search-snapshot-target");
    assert.match(String(target.inputs["arn"]), /:function:acme-tdp-production-search-snapshots$/);
  });

  it("alarms on red and yellow status, free storage, JVM pressure, blocked writes, the key and failed snapshots", () => {
    const alarms = ofType(rec, "aws:cloudwatch/metricAlarm:MetricAlarm");
    const byMetric = Object.fromEntries(alarms.map((a) => [a.inputs["metricName"], a.inputs]));
    assert.deepEqual(Object.keys(byMetric).sort(), [
      "AutomatedSnapshotFailure",
      "ClusterIndexWritesBlocked",
      "ClusterStatus.red",
      "ClusterStatus.yellow",
      "Errors",
      "FreeStorageSpace",
      "JVMMemoryPressure",
      "KMSKeyInaccessible",
    ]);
    for (const a of alarms) {
      assert.deepEqual(a.inputs["alarmActions"], [TOPIC]);
    }
    const es = alarms.filter((a) => a.inputs["namespace"] === "AWS/ES");
    assert.equal(es.length, 7);
    for (const a of es) {
      assert.deepEqual(a.inputs["dimensions"], {
        DomainName: "acme-tdp-production-search",
        ClientId: ACCOUNT,
      });
    }
    assert.equal(byMetric["ClusterStatus.red"]!["comparisonOperator"], "GreaterThanOrEqualToThreshold");
    assert.equal(byMetric["ClusterStatus.red"]!["threshold"], 1);
    assert.equal(byMetric["ClusterStatus.yellow"]!["evaluationPeriods"], 5);
    assert.equal(byMetric["FreeStorageSpace"]!["comparisonOperator"], "LessThanOrEqualToThreshold");
    assert.equal(byMetric["FreeStorageSpace"]!["threshold"], 25600, "25% of 100 GiB in MiB");
    assert.equal(byMetric["FreeStorageSpace"]!["statistic"], "Minimum");
    assert.equal(byMetric["JVMMemoryPressure"]!["threshold"], 95);
    assert.equal(byMetric["JVMMemoryPressure"]!["evaluationPeriods"], 3);
    assert.equal(byMetric["AutomatedSnapshotFailure"]!["threshold"], 1);
    assert.equal(byMetric["Errors"]!["namespace"], "AWS/Lambda");
    assert.deepEqual(byMetric["Errors"]!["dimensions"], {
      FunctionName: "acme-tdp-production-search-snapshots",
    });
  });

  it("exposes its outputs", async () => {
    assert.equal(await offline.outputValue(search.domainArn), DOMAIN_ARN);
    assert.match(
      await offline.outputValue(search.endpoint),
      /^vpc-acme-tdp-production-search-.*\.es\.amazonaws\.com$/,
    );
    assert.match(await offline.outputValue(search.securityGroupId), /^sg-/);
    assert.equal(
      await offline.outputValue(search.snapshotFunctionName),
      "acme-tdp-production-search-snapshots",
    );
    assert.equal(search.snapshotRepository, "tdp-s3");
    assert.equal(search.alarmNames.length, 8);
  });
});

describe("SearchDomain variants", () => {
  it("maps the seed's .elasticsearch names, spans 2 zones, and turns Auto-Tune off on burstable data nodes", async () => {
    const rec = await offline.record(() => {
      new SearchDomain(
        "search",
        args({
          availabilityZoneCount: 2,
          masterInstanceType: "t3.medium.elasticsearch",
          dataInstanceType: "t3.medium.elasticsearch",
          dataInstanceCount: 4,
          volumeSizeGiB: 200,
          alarms: undefined,
          snapshots: { ...args().snapshots, intervalHours: 24, deadLetterQueueKmsKeyArn: undefined },
        }),
      );
    });
    const d = byName(rec, "search-domain");
    const cluster = d.inputs["clusterConfig"] as Record<string, unknown>;
    assert.equal(cluster["instanceType"], "t3.medium.search");
    assert.equal(cluster["dedicatedMasterType"], "t3.medium.search");
    assert.equal(cluster["instanceCount"], 4);
    assert.deepEqual(cluster["zoneAwarenessConfig"], { availabilityZoneCount: 2 });
    assert.deepEqual((d.inputs["vpcOptions"] as { subnetIds: string[] }).subnetIds, ["subnet-a", "subnet-b"]);
    assert.equal((d.inputs["autoTuneOptions"] as Record<string, unknown>)["desiredState"], "DISABLED");
    assert.equal(ofType(rec, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
    assert.equal(ofType(rec, "aws:sqs/queue:Queue").length, 0);
    assert.equal(byName(rec, "search-snapshot-function").inputs["deadLetterConfig"], undefined);
    assert.equal(byName(rec, "search-snapshot-schedule").inputs["scheduleExpression"], "cron(0 0 * * ? *)");
  });

  it("lets named operators assume the master role and applies the IAM prefix and boundary", async () => {
    const rec = await offline.record(() => {
      new SearchDomain(
        "search",
        args({
          iam: { rolePrefix: "tdp-", permissionsBoundaryArn: "arn:aws:iam::111111111111:policy/boundary" },
          naming: new Naming({ infrastructureName: "acme-tdp", iamRolePrefix: "tdp-" }),
          adminPrincipalArns: ["arn:aws:iam::111111111111:role/platform-admins"],
        }),
      );
    });
    const role = byName(rec, "search-master-role-role");
    assert.equal(role.inputs["name"], "tdp-acme-tdp-production-search-master");
    assert.equal(role.inputs["permissionsBoundary"], "arn:aws:iam::111111111111:policy/boundary");
    const operators = statement(role, "Operators", "assumeRolePolicy");
    assert.deepEqual(operators.Principal, { AWS: ["arn:aws:iam::111111111111:role/platform-admins"] });
  });

  it("with roleMappings: the function gets the parameter, the allowed roles, GetParameter on it alone and egress to the endpoints", async () => {
    let domain: SearchDomain | undefined;
    const rec = await offline.record(() => {
      domain = new SearchDomain(
        "search",
        args({
          roleMappings: {
            parameterName: "/tetrascience/production/search/role-mappings",
            endpointSecurityGroupId: "sg-endpoints",
          },
        }),
      );
    });
    const env = (
      byName(rec, "search-snapshot-function").inputs["environment"] as { variables: Record<string, string> }
    ).variables;
    assert.equal(env["ROLE_MAPPINGS_PARAMETER"], "/tetrascience/production/search/role-mappings");
    assert.equal(env["ROLE_MAPPINGS_ALLOWED_ROLES"], "readall,readall_and_monitor,tdp_platform");
    assert.equal(env["MASTER_ROLE_ARN"], await offline.outputValue(domain!.masterRoleArn));
    assert.deepEqual(policyOf(byName(rec, "search-master-role-role-mappings-parameter")).Statement, [
      {
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/tetrascience/production/search/role-mappings`,
      },
    ]);
    const egress = byName(rec, "search-snapshot-to-endpoints").inputs;
    assert.equal(egress["referencedSecurityGroupId"], "sg-endpoints");
    assert.equal(egress["fromPort"], 443);
    assert.equal(
      egress["securityGroupId"],
      await offline.outputValue(domain!.snapshotFunctionSecurityGroupId),
    );
    // Writing the parameter runs the function at once, through its own rule and permission.
    const change = byName(rec, "search-role-mappings-change");
    assert.deepEqual(JSON.parse(String(change.inputs["eventPattern"])), {
      source: ["aws.ssm"],
      "detail-type": ["Parameter Store Change"],
      detail: { name: ["/tetrascience/production/search/role-mappings"], operation: ["Create", "Update"] },
    });
    assert.equal(change.inputs["name"], "acme-tdp-production-search-role-mappings");
    const permission = byName(rec, "search-snapshot-from-role-mappings-change").inputs;
    assert.match(String(permission["sourceArn"]), /:rule\/acme-tdp-production-search-role-mappings$/);
    assert.equal(permission["principal"], "events.amazonaws.com");
    assert.equal(permission["sourceAccount"], ACCOUNT);
    const target = byName(rec, "search-role-mappings-change-target").inputs;
    assert.equal(target["rule"], "acme-tdp-production-search-role-mappings");
    assert.match(String(target["arn"]), /:function:acme-tdp-production-search-snapshots$/);
  });

  it("without roleMappings: no parameter access, no endpoint egress, no mapping environment", async () => {
    const rec = await offline.record(() => {
      new SearchDomain("search", args());
    });
    assert.equal(
      rec.resources.filter((r) => r.name === "search-master-role-role-mappings-parameter").length,
      0,
    );
    assert.equal(rec.resources.filter((r) => r.name === "search-snapshot-to-endpoints").length, 0);
    assert.equal(rec.resources.filter((r) => r.name === "search-role-mappings-change").length, 0);
  });

  it("refuses a bad role mapping parameter or role", () => {
    assert.throws(
      () => new SearchDomain("bad1", args({ roleMappings: { parameterName: "role-mappings" } })),
      /roleMappings.parameterName "role-mappings" must be an SSM parameter path/,
    );
    assert.throws(
      () =>
        new SearchDomain(
          "bad2",
          args({ roleMappings: { parameterName: "/x", allowedRoles: ["all_access"] } }),
        ),
      /roleMappings.allowedRoles: "all_access" administers the domain and is never mapped automatically/,
    );
    assert.throws(
      () => new SearchDomain("bad3", args({ roleMappings: { parameterName: "/x", allowedRoles: [] } })),
      /roleMappings.allowedRoles is empty/,
    );
  });

  it("passes auditLogging and slowLogs to the function's environment, or leaves both out when disabled", async () => {
    const envOf = async (overrides: Partial<SearchDomainArgs>) => {
      const rec = await offline.record(() => {
        new SearchDomain("search", args(overrides));
      });
      return (
        byName(rec, "search-snapshot-function").inputs["environment"] as { variables: Record<string, string> }
      ).variables;
    };
    const custom = await envOf({
      auditLogging: {
        transport: false,
        disabledRestCategories: [],
        ignoreUsers: ["arn:aws:iam::111111111111:role/bulk-loader"],
        compliance: false,
      },
      slowLogs: { thresholds: { searchQueryWarn: "10s", searchFetchInfo: "500ms", indexingInfo: "-1" } },
    });
    assert.equal(custom["AUDIT_LOGGING"], "true");
    assert.equal(custom["AUDIT_TRANSPORT"], "false");
    assert.equal(custom["AUDIT_DISABLED_REST_CATEGORIES"], "NONE");
    assert.equal(custom["AUDIT_DISABLED_TRANSPORT_CATEGORIES"], "AUTHENTICATED,GRANTED_PRIVILEGES");
    assert.equal(custom["AUDIT_IGNORE_USERS"], "arn:aws:iam::111111111111:role/bulk-loader");
    assert.equal(custom["AUDIT_COMPLIANCE"], "false");
    assert.deepEqual(JSON.parse(custom["SLOW_LOG_THRESHOLDS"]!), {
      "index.search.slowlog.threshold.query.warn": "10s",
      "index.search.slowlog.threshold.query.info": "2s",
      "index.search.slowlog.threshold.fetch.warn": "1s",
      "index.search.slowlog.threshold.fetch.info": "500ms",
      "index.indexing.slowlog.threshold.index.warn": "5s",
      "index.indexing.slowlog.threshold.index.info": "-1",
    });
    const read = readSnapshotSettings({ ...custom, AWS_REGION: REGION });
    assert.deepEqual(read.auditLogging?.disabledRestCategories, []);
    assert.deepEqual(read.auditLogging?.ignoreUsers, ["arn:aws:iam::111111111111:role/bulk-loader"]);
    const off = await envOf({ auditLogging: { enabled: false }, slowLogs: { enabled: false } });
    assert.deepEqual(
      Object.keys(off).filter((k) => k.startsWith("AUDIT_") || k.startsWith("SLOW_LOG")),
      [],
    );
  });

  it("refuses bad audit categories, users and slow-log thresholds, naming the field", () => {
    const cases: [Partial<SearchDomainArgs>, RegExp][] = [
      [
        { auditLogging: { disabledRestCategories: ["INDEX_EVENT"] } },
        /auditLogging.disabledRestCategories: "INDEX_EVENT" is not an audit category of this layer \(allowed: BAD_HEADERS, /,
      ],
      [{ auditLogging: { ignoreUsers: ["*"] } }, /auditLogging.ignoreUsers: "\*" would ignore every user/],
      [
        { auditLogging: { rest: false, transport: false } },
        /auditLogging.rest and transport are both false: nothing would be audited/,
      ],
      [
        { slowLogs: { thresholds: { searchQueryWarn: "5 seconds" } } },
        /slowLogs.thresholds.searchQueryWarn "5 seconds" must be a duration from 1ms to 1h/,
      ],
      [
        { slowLogs: { thresholds: { searchQueryInfo: "6s" } } },
        /slowLogs.thresholds.searchQueryInfo 6s must not exceed searchQueryWarn 5s/,
      ],
      [
        { slowLogs: { thresholds: { queryWarn: "5s" } as never } },
        /slowLogs.thresholds.queryWarn is not a slow-log threshold \(known: searchQueryWarn, /,
      ],
    ];
    for (const [overrides, message] of cases) {
      assert.throws(() => new SearchDomain("bad", args(overrides)), message, JSON.stringify(overrides));
    }
  });

  it("with restore: invokes the function once, after the domain and the function, with the setting as input and triggers", async () => {
    const rec = await offline.record(() => {
      new SearchDomain("search", args({ restore: { indices: "documents*" } }));
    });
    const invocation = byName(rec, "search-restore");
    assert.equal(invocation.type, "aws:lambda/invocation:Invocation");
    assert.equal(invocation.parent, byName(rec, "search").urn);
    assert.deepEqual(JSON.parse(String(invocation.inputs["input"])), {
      action: "restore",
      snapshot: "latest",
      indices: "documents*",
    });
    assert.deepEqual(invocation.inputs["triggers"], { snapshot: "latest", indices: "documents*" });
    assert.equal(invocation.inputs["functionName"], byName(rec, "search-snapshot-function").inputs["name"]);
    for (const before of ["search-domain", "search-snapshot-function"]) {
      assert.ok((invocation.dependencies ?? []).includes(byName(rec, before).urn), before);
    }
  });

  it("without restore: no invocation", async () => {
    const rec = await offline.record(() => {
      new SearchDomain("search", args());
    });
    assert.equal(ofType(rec, "aws:lambda/invocation:Invocation").length, 0);
  });

  it("refuses a bad restore setting, naming the field", () => {
    assert.throws(
      () => new SearchDomain("bad", args({ restore: { snapshot: "Snap 1" } })),
      /^Error: restore.snapshot "Snap 1" must be "latest" or a snapshot name/,
    );
    assert.throws(
      () => new SearchDomain("bad", args({ restore: { indices: ".opendistro_security" } })),
      /restore.indices ".opendistro_security": ".opendistro_security" names system indices/,
    );
  });

  it("fails before any child when a setting breaks a rule", async () => {
    const rec = await offline.record(() => {
      assert.throws(
        () => new SearchDomain("search", args({ dataInstanceCount: 4 })),
        /dataInstanceCount 4 is not a multiple of the 3 availability zones the domain spans; use 3 or 6/,
      );
    });
    assert.equal(rec.resources.filter((r) => r.name.startsWith("search")).length, 0);
  });

  it("bundles the real handler as the default code", async () => {
    const archive = snapshotFunctionCode();
    assert.ok(archive instanceof pulumi.asset.FileArchive);
    const dir = await archive.path;
    assert.deepEqual(readdirSync(dir), ["index.js"]);
    const code = readFileSync(path.join(dir, "index.js"), "utf8");
    assert.match(code, /__export\(handler_exports, \{[^}]*handler: \(\) => handler/);
    assert.match(code, /AWS4-HMAC-SHA256/, "the signer is inside");
    assert.match(code, /repository-registered/);
    assert.match(code, /AmazonSSM\.GetParameter/, "the role mapping step is inside");
    assert.match(code, /_plugins\/_security\/api\/audit/, "the audit logging step is inside");
    assert.match(code, /slow-logs-updated/, "the slow-log step is inside");
  });
});
