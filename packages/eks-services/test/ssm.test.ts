import * as assert from "node:assert/strict";

import { Naming } from "@tdp/core";
import { offline } from "@tdp/offline";

import type { PlatformIntegrationsArgs } from "../src/ssm";
import { PlatformIntegrations } from "../src/ssm";
import type { Recording } from "./helpers";
import { inputs } from "./helpers";

const SECRETS_KEY = "arn:aws:kms:us-east-1:111111111111:key/secrets";
const LOGS_KEY = "arn:aws:kms:us-east-1:111111111111:key/logs";

function args(
  extra: Partial<PlatformIntegrationsArgs> = {},
  environment = "production",
): PlatformIntegrationsArgs {
  return {
    naming: new Naming({ infrastructureName: "acme-tdp", environment }),
    secretsKmsKeyArn: SECRETS_KEY,
    logsKmsKeyArn: LOGS_KEY,
    ...extra,
  };
}

async function build(
  extra: Partial<PlatformIntegrationsArgs> = {},
  environment = "production",
): Promise<{ rec: Recording; component: PlatformIntegrations }> {
  let component: PlatformIntegrations | undefined;
  const rec = await offline.record(() => {
    component = new PlatformIntegrations("integrations", args(extra, environment));
  });
  return { rec, component: component! };
}

function parameters(rec: Recording): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    rec.ofType("aws:ssm/parameter:Parameter").map((r) => [inputs(r)["name"] as string, inputs(r)]),
  );
}

describe("PlatformIntegrations", () => {
  it("with every integration off: settings parameters and the audit log group, no SecureString", async () => {
    const { rec, component } = await build();
    assert.equal(rec.named("integrations")!.type, "tdp:eks-services:PlatformIntegrations");
    const params = parameters(rec);
    assert.equal(Object.values(params).filter((p) => p["type"] === "SecureString").length, 0);
    const settings = "/tetrascience/production/ECS/platform-settings";
    assert.equal(params[`${settings}/TASK_THROUGHPUT`]!["insecureValue"], "20");
    assert.equal(params[`${settings}/CONNECTOR_MAX_MEMORY`]!["insecureValue"], "2048");
    assert.equal(params[`${settings}/ANYLINK_ENABLED`]!["insecureValue"], "false");
    assert.equal(params[`${settings}/ATHENA_CREATE_IAM_USER`]!["insecureValue"], "false");
    assert.equal(
      params[`${settings}/USER_AUDIT_LOG_GROUP`]!["insecureValue"],
      "acme-tdp-production-user-action-audit-log",
    );
    for (const p of Object.values(params)) {
      assert.equal(p["type"], "String");
    }
    const group = inputs(rec.one("aws:cloudwatch/logGroup:LogGroup"));
    assert.equal(group["name"], "acme-tdp-production-user-action-audit-log");
    assert.equal(group["retentionInDays"], 90);
    assert.equal(group["kmsKeyId"], LOGS_KEY);
    assert.deepEqual(component.secretsByService, {});
  });

  it("with Box and Egnyte on: the seed's four SecureStrings, secret values, the secrets key", async () => {
    const { rec, component } = await build({
      box: { enabled: true, clientId: "box-id-value", clientSecret: "box-secret-value" },
      egnyte: { enabled: true, clientId: "egnyte-id-value" },
      settings: { taskThroughput: 40, connectorMaxMemory: 4096 },
      anylinkEnabled: true,
    });
    const params = parameters(rec);
    const secure = Object.entries(params).filter(([, p]) => p["type"] === "SecureString");
    assert.deepEqual(secure.map(([name]) => name).sort(), [
      "/tetrascience/production/ECS/ts-service-link-file/BOX_CLIENT_ID",
      "/tetrascience/production/ECS/ts-service-link-file/BOX_CLIENT_SECRET",
      "/tetrascience/production/ECS/ts-service-web/INT_BOX_CLIENT_ID",
      "/tetrascience/production/ECS/ts-service-web/INT_EGNYTE_CLIENT_ID",
    ]);
    for (const [, p] of secure) {
      assert.equal(p["value"], "[secret]", "the plan never holds the value");
      assert.equal(p["keyId"], SECRETS_KEY);
    }
    const serialized = JSON.stringify(rec.resources);
    for (const value of ["box-id-value", "box-secret-value", "egnyte-id-value"]) {
      assert.ok(!serialized.includes(value), `${value} must not appear in the recording`);
    }
    assert.equal(
      params["/tetrascience/production/ECS/platform-settings/TASK_THROUGHPUT"]!["insecureValue"],
      "40",
    );
    assert.equal(
      params["/tetrascience/production/ECS/platform-settings/ANYLINK_ENABLED"]!["insecureValue"],
      "true",
    );
    assert.deepEqual(Object.keys(component.secretsByService).sort(), [
      "ts-service-link-file",
      "ts-service-web",
    ]);
    assert.deepEqual(Object.keys(component.secretsByService["ts-service-web"]!).sort(), [
      "INT_BOX_CLIENT_ID",
      "INT_EGNYTE_CLIENT_ID",
    ]);
    assert.match(
      await offline.outputValue(component.secretsByService["ts-service-link-file"]!["BOX_CLIENT_SECRET"]!),
      /parameter\/tetrascience\/production\/ECS\/ts-service-link-file\/BOX_CLIENT_SECRET$/,
    );
  });

  it("uses the stack's environment in every path (the seed mixes uat and production)", async () => {
    const { rec } = await build({ box: { enabled: true, clientId: "a", clientSecret: "b" } }, "uat");
    const names = Object.keys(parameters(rec));
    assert.ok(names.every((n) => n.startsWith("/tetrascience/uat/ECS/")));
  });

  it("creates only Egnyte's parameter when only Egnyte is on", async () => {
    const { rec } = await build({ egnyte: { enabled: true, clientId: "e" } });
    const secure = Object.entries(parameters(rec)).filter(([, p]) => p["type"] === "SecureString");
    assert.deepEqual(
      secure.map(([n]) => n),
      ["/tetrascience/production/ECS/ts-service-web/INT_EGNYTE_CLIENT_ID"],
    );
  });

  it("names the audit log group from UserAuditLogGroupSuffix", async () => {
    const { rec } = await build({ userAuditLogGroupSuffix: "audit", logRetentionDays: 365 });
    const group = inputs(rec.one("aws:cloudwatch/logGroup:LogGroup"));
    assert.equal(group["name"], "acme-tdp-production-audit");
    assert.equal(group["retentionInDays"], 365);
  });

  it("refuses an enabled integration without its secret before registering anything", async () => {
    let error: Error | undefined;
    const rec = await offline.record(() => {
      try {
        new PlatformIntegrations("bad", args({ box: { enabled: true, clientId: "x" } }));
      } catch (e) {
        error = e as Error;
      }
    });
    assert.match(error!.message, /box.clientSecret \(missing\)/);
    assert.equal(rec.resources.filter((r) => r.name.startsWith("bad")).length, 0);
  });
});
