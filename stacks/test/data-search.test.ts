import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { ConfigError, formatProblem } from "@tdp/core";
import type { Recording } from "@tdp/offline";
import { offline } from "@tdp/offline";
import { parse, stringify } from "yaml";

import { loadStackConfig } from "../src/config/load";
import { runConfigProblems } from "./fixtures/config-problems";

const PROD_FILE = path.join(__dirname, "..", "..", "Pulumi.prod.yaml");

/** A copy of Pulumi.prod.yaml changed by `edit`, written to a temporary file. */
function prodWith(edit: (config: Record<string, Record<string, unknown>>) => void): string {
  const document = parse(fs.readFileSync(PROD_FILE, "utf8")) as {
    config: Record<string, Record<string, unknown>>;
  };
  const config = structuredClone(document.config);
  edit(config);
  document.config = config;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tdp-search-"));
  const file = path.join(dir, "Pulumi.prod.yaml");
  fs.writeFileSync(file, stringify(document));
  return file;
}

const search = (config: Record<string, Record<string, unknown>>) =>
  config["tdp:data"]!["search"] as Record<string, unknown>;

/** The config problems a prod run with the stack file `file` stops with. */
function configProblems(file: string): Promise<string[]> {
  return runConfigProblems(offline.runStack({ stack: "prod", configFile: file }));
}

/** `tdp:data.search` problems of a config map with this search block (no stack run). */
function schemaProblems(block: Record<string, unknown>): string[] {
  try {
    loadStackConfig({
      "aws:region": "us-east-1",
      "tdp:platform": JSON.stringify({ infrastructureName: "acme-tdp" }),
      "tdp:data": JSON.stringify({ search: block }),
    });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems.map(formatProblem).filter((p) => p.startsWith("tdp:data.search"));
  }
  return [];
}

describe("the search domain in the prod stack", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.runStackShared("prod");
  });
  after(() => offline.reset());

  it("creates one SearchDomain with the stack's provider, from Pulumi.prod.yaml's tdp:data.search", () => {
    rec.one("tdp:data:SearchDomain");
    const domain = rec.one("aws:opensearch/domain:Domain");
    assert.equal(domain.provider, rec.one("pulumi:providers:aws").urn);
    const cluster = domain.inputs["clusterConfig"] as Record<string, unknown>;
    assert.equal(cluster["instanceType"], "m6g.large.search");
    assert.equal(cluster["instanceCount"], 3);
    assert.equal(cluster["dedicatedMasterCount"], 3);
    assert.deepEqual(cluster["zoneAwarenessConfig"], { availabilityZoneCount: 3 });
    assert.equal(domain.inputs["engineVersion"], "OpenSearch_2.19");
    assert.deepEqual(domain.inputs["ebsOptions"], { ebsEnabled: true, volumeType: "gp3", volumeSize: 100 });
    assert.equal(domain.protect, true);
    const linkedRole = rec
      .ofType("aws:iam/serviceLinkedRole:ServiceLinkedRole")
      .find((r) => r.inputs["awsServiceName"] === "opensearchservice.amazonaws.com");
    assert.ok(linkedRole);
    assert.ok(
      domain.dependencies?.includes(linkedRole.urn) ||
        domain.dependencies?.includes(rec.one("tdp:data:ServiceLinkedRoles").urn),
      "the domain waits for the OpenSearch service-linked role",
    );
  });

  it("sits in the network's private subnets and uses the data layer's search and logs keys", () => {
    const network = rec.outputs["network"] as { privateSubnetIds: string[]; vpcId: string };
    const domain = rec.one("aws:opensearch/domain:Domain");
    assert.deepEqual(
      (domain.inputs["vpcOptions"] as { subnetIds: string[] }).subnetIds,
      network.privateSubnetIds.slice(0, 3),
    );
    assert.equal(rec.one("aws:ec2/securityGroup:SecurityGroup", "search-sg").inputs["vpcId"], network.vpcId);
    const keyArns = (rec.outputs["data"] as { keyArns: Record<string, string> }).keyArns;
    assert.equal((domain.inputs["encryptAtRest"] as { kmsKeyId: string }).kmsKeyId, keyArns["search"]);
    for (const group of rec
      .ofType("aws:cloudwatch/logGroup:LogGroup")
      .filter((g) => g.name.startsWith("search-"))) {
      assert.equal(group.inputs["kmsKeyId"], keyArns["logs"], group.name);
      assert.equal(group.inputs["retentionInDays"], 90, group.name);
    }
  });

  it("snapshots to the backup bucket every 6 hours and alarms to the alert topic", () => {
    const data = rec.outputs["data"] as {
      buckets: Record<string, { name: string; kmsKeyArn: string }>;
      alertTopicArn: string;
      keyArns: Record<string, string>;
    };
    const fn = rec.one("aws:lambda/function:Function", "search-snapshot-function");
    const env = (fn.inputs["environment"] as { variables: Record<string, string> }).variables;
    assert.equal(env["BUCKET"], data.buckets["backup"]!.name);
    assert.equal(fn.inputs["kmsKeyArn"], data.keyArns["secrets"]);
    assert.equal(
      rec.one("aws:cloudwatch/eventRule:EventRule", "search-snapshot-schedule").inputs["scheduleExpression"],
      "cron(0 0/6 * * ? *)",
    );
    const kms = rec.one("aws:iam/rolePolicy:RolePolicy", "search-snapshot-role-snapshot-bucket").inputs[
      "policy"
    ] as string;
    assert.ok(kms.includes(data.buckets["backup"]!.kmsKeyArn));
    const alarms = rec
      .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
      .filter((a) => a.name.startsWith("search-alarm-"));
    assert.equal(alarms.length, 8);
    for (const alarm of alarms) {
      assert.deepEqual(alarm.inputs["alarmActions"], [data.alertTopicArn]);
    }
  });

  it("keeps audit logging and the default slow-log thresholds on through the snapshot function", () => {
    const fn = rec.one("aws:lambda/function:Function", "search-snapshot-function");
    const env = (fn.inputs["environment"] as { variables: Record<string, string> }).variables;
    assert.equal(env["AUDIT_LOGGING"], "true");
    assert.equal(env["AUDIT_DISABLED_REST_CATEGORIES"], "AUTHENTICATED,GRANTED_PRIVILEGES");
    assert.equal(env["AUDIT_IGNORE_USERS"], undefined, "the domain's ignored users are kept");
    assert.deepEqual(JSON.parse(env["SLOW_LOG_THRESHOLDS"]!), {
      "index.search.slowlog.threshold.query.warn": "5s",
      "index.search.slowlog.threshold.query.info": "2s",
      "index.search.slowlog.threshold.fetch.warn": "1s",
      "index.indexing.slowlog.threshold.index.warn": "5s",
      "index.indexing.slowlog.threshold.index.info": "2s",
    });
  });

  it("lets the configured admin role assume the master role", () => {
    const role = rec.one("aws:iam/role:Role", "search-master-role-role");
    assert.ok(
      String(role.inputs["assumeRolePolicy"]).includes("arn:aws:iam::111111111111:role/tdp-platform-admins"),
    );
  });

  it("exports what the service layer and operators need", () => {
    const out = rec.outputs["search"] as Record<string, unknown>;
    assert.deepEqual(Object.keys(out).sort(), [
      "domainArn",
      "domainName",
      "endpoint",
      "masterRoleArn",
      "securityGroupId",
      "snapshotFunctionName",
      "snapshotRepository",
      "snapshotRoleArn",
    ]);
    assert.equal(out["domainName"], "acme-tdp-production-search");
    assert.match(String(out["securityGroupId"]), /^sg-/);
  });
});

describe("tdp:data.search config", () => {
  after(() => offline.reset());

  it("applies the defaults when the block is absent", () => {
    const { sections } = loadStackConfig({
      "aws:region": "us-east-1",
      "tdp:platform": JSON.stringify({ infrastructureName: "acme-tdp" }),
    });
    assert.deepEqual(sections.data.search, {
      masterInstanceType: "m6g.large.search",
      masterInstanceCount: 3,
      dataInstanceType: "m6g.large.search",
      dataInstanceCount: 3,
      volumeSizeGiB: 100,
      engineVersion: "OpenSearch_2.19",
      snapshotIntervalHours: 6,
      snapshotRetentionDays: 14,
      minimumSnapshots: 4,
      snapshotBasePath: "opensearch",
      adminRoleArns: [],
      offPeakWindowStartHourUtc: 2,
      auditLogging: { enabled: true, rest: true, transport: true, compliance: true },
      slowLogs: { enabled: true, thresholds: {} },
    });
  });

  it("passes tdp:data.search.auditLogging and .slowLogs to the function", async () => {
    const file = prodWith((config) => {
      search(config)["auditLogging"] = {
        transport: false,
        ignoreUsers: ["arn:aws:iam::111111111111:role/loader"],
      };
      search(config)["slowLogs"] = { thresholds: { searchQueryWarn: "10s", indexingInfo: -1 } };
    });
    const rec = await offline.runStack({ stack: "prod", configFile: file });
    const env = (
      rec.one("aws:lambda/function:Function", "search-snapshot-function").inputs["environment"] as {
        variables: Record<string, string>;
      }
    ).variables;
    assert.equal(env["AUDIT_TRANSPORT"], "false");
    assert.equal(env["AUDIT_IGNORE_USERS"], "arn:aws:iam::111111111111:role/loader");
    const thresholds = JSON.parse(env["SLOW_LOG_THRESHOLDS"]!) as Record<string, string>;
    assert.equal(thresholds["index.search.slowlog.threshold.query.warn"], "10s");
    assert.equal(thresholds["index.indexing.slowlog.threshold.index.info"], "-1");
    const off = prodWith((config) => {
      search(config)["auditLogging"] = { enabled: false };
      search(config)["slowLogs"] = { enabled: false };
    });
    const offEnv = (
      (await offline.runStack({ stack: "prod", configFile: off })).one(
        "aws:lambda/function:Function",
        "search-snapshot-function",
      ).inputs["environment"] as { variables: Record<string, string> }
    ).variables;
    assert.equal(offEnv["AUDIT_LOGGING"], undefined);
    assert.equal(offEnv["SLOW_LOG_THRESHOLDS"], undefined);
  });

  it("reports bad audit and slow-log settings with their keys", () => {
    const unknown = "unknown setting (misspelt?); see docs/parameters.md for the settings this section takes";
    assert.deepEqual(
      schemaProblems({
        auditLogging: { disabledRestCategories: ["INDEX_EVENT"], ignoreUsers: ["*"], verbose: true },
        slowLogs: { thresholds: { searchQueryInfo: "6s", indexingWarn: "5 seconds", fetchWarn: "1s" } },
      }),
      [
        `tdp:data.search.auditLogging.verbose: true — ${unknown}`,
        'tdp:data.search.auditLogging.disabledRestCategories: ["INDEX_EVENT"] — disabledRestCategories: "INDEX_EVENT" is not an audit category of this layer (allowed: BAD_HEADERS, SSL_EXCEPTION, AUTHENTICATED, FAILED_LOGIN, GRANTED_PRIVILEGES, MISSING_PRIVILEGES)',
        'tdp:data.search.auditLogging.ignoreUsers: ["*"] — ignoreUsers: "*" would ignore every user, which turns audit logging off',
        `tdp:data.search.slowLogs.thresholds.fetchWarn: "1s" — ${unknown}`,
        'tdp:data.search.slowLogs.thresholds.indexingWarn: "5 seconds" — indexingWarn "5 seconds" must be a duration from 1ms to 1h such as 500ms, 2s or 1m, or -1 (that level off)',
        'tdp:data.search.slowLogs.thresholds.searchQueryInfo: "6s" — searchQueryInfo 6s must not exceed searchQueryWarn 5s (info logs requests slower than it, warn the slowest)',
      ],
    );
  });

  it("reports each bad value with its key and rule", () => {
    assert.deepEqual(
      schemaProblems({
        dataInstanceType: "m4.large.elasticsearch",
        masterInstanceType: "t3.huge.search",
        snapshotIntervalHours: 5,
        masterInstanceCount: 4,
      }),
      [
        'tdp:data.search.masterInstanceType: "t3.huge.search" — masterInstanceType "t3.huge.search": t3 has no size "huge" in OpenSearch Service; sizes: small, medium',
        "tdp:data.search.masterInstanceCount: 4 — masterInstanceCount 4 must be 3 or 5 dedicated master nodes (an odd quorum that survives a zone; FSBP ES.7 asks for at least 3)",
        'tdp:data.search.dataInstanceType: "m4.large.elasticsearch" — dataInstanceType "m4.large.elasticsearch": m4 is a previous-generation OpenSearch family without gp3 volumes; use m5.large.search (or m6g.large.search on Graviton)',
        "tdp:data.search.snapshotIntervalHours: 5 — snapshotIntervalHours 5 must be a whole number of hours dividing 24 (1, 2, 3, 4, 6, 8, 12 or 24), so the snapshots fall at the same times each day",
      ],
    );
  });

  it("checks the volume against the data node type and the seed's 2 data nodes against FSBP", () => {
    assert.deepEqual(
      schemaProblems({ dataInstanceType: "t3.small.search", volumeSizeGiB: 150, dataInstanceCount: 2 }),
      [
        "tdp:data.search.dataInstanceCount: 2 — dataInstanceCount 2 must be a whole number from 3 to 80 (FSBP Opensearch.6 asks for at least 3 data nodes)",
        "tdp:data.search.volumeSizeGiB: 150 — volumeSizeGiB 150 must be a whole number of GiB from 10 to 100 (the EBS quota per t3.small.search node)",
      ],
    );
  });

  it("rejects unknown keys, an admin that is not a role and Elasticsearch engines", () => {
    const problems = schemaProblems({
      enableElasticsearch: true,
      adminRoleArns: ["arn:aws:iam::111111111111:user/alice"],
      engineVersion: "Elasticsearch_7.10",
    });
    assert.equal(problems.length, 3, problems.join("\n"));
    assert.match(problems.join("\n"), /tdp:data\.search\.enableElasticsearch: true — unknown setting/);
    assert.match(
      problems.join("\n"),
      /tdp:data\.search\.adminRoleArns\[0\]: "arn:aws:iam::111111111111:user\/alice" — must be an IAM role ARN/,
    );
    assert.match(
      problems.join("\n"),
      /tdp:data\.search\.engineVersion: "Elasticsearch_7\.10" — .*2\.x or later/,
    );
  });

  it("stops the stack before any resource when the data nodes do not divide among the network's zones", async () => {
    const file = prodWith((config) => {
      search(config)["dataInstanceCount"] = 4;
    });
    assert.deepEqual(await configProblems(file), [
      "tdp:data.search.dataInstanceCount: 4 — dataInstanceCount 4 is not a multiple of the 3 availability zones the domain spans; use 3 or 6",
    ]);
  });

  it("spans two zones on a two-zone network, with an even data node count", async () => {
    const twoZones = (count: number) =>
      prodWith((config) => {
        config["tdp:network"]!["availabilityZoneCount"] = 2;
        search(config)["dataInstanceCount"] = count;
      });
    assert.deepEqual(await configProblems(twoZones(3)), [
      "tdp:data.search.dataInstanceCount: 3 — dataInstanceCount 3 is not a multiple of the 2 availability zones the domain spans; use 4",
    ]);
    const rec = await offline.runStack({ stack: "prod", configFile: twoZones(4) });
    const domain = rec.one("aws:opensearch/domain:Domain");
    assert.deepEqual((domain.inputs["clusterConfig"] as Record<string, unknown>)["zoneAwarenessConfig"], {
      availabilityZoneCount: 2,
    });
    assert.equal((domain.inputs["vpcOptions"] as { subnetIds: string[] }).subnetIds.length, 2);
  });
  it("counts the zones of an adopted network by its private subnets", async () => {
    const file = prodWith((config) => {
      config["tdp:network"] = {
        mode: "adopt",
        vpcId: "vpc-0a1b2c3d4e5f60718",
        privateSubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
        publicSubnetIds: ["subnet-0a1b2c3d4e5f60101", "subnet-0a1b2c3d4e5f60102"],
        isolatedSubnetIds: ["subnet-0a1b2c3d4e5f60201", "subnet-0a1b2c3d4e5f60202"],
      };
    });
    assert.deepEqual(await configProblems(file), [
      "tdp:data.search.dataInstanceCount: 3 — dataInstanceCount 3 is not a multiple of the 2 availability zones the domain spans; use 4",
    ]);
  });
});
