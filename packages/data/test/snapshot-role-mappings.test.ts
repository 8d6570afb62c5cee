import { strict as assert } from "node:assert";

import { runSnapshot } from "../src/snapshot/handler";
import { ParameterStoreClient } from "../src/snapshot/parameters";
import { parseRoleMappingDocument } from "../src/snapshot/role-mappings";
import { readSnapshotSettings } from "../src/snapshot/settings";
import type { FakeDomain, FakeParameterStore } from "./snapshot-fixtures";
import {
  assertSignedRequests,
  captureLogs,
  expectedSignature,
  snapshotEnvironment,
  startFakeDomain,
  startFakeParameterStore,
} from "./snapshot-fixtures";

const NOW = new Date("2026-11-23T09:00:00Z");
const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token" };
const PARAMETER = "/tetrascience/production/search/role-mappings";
const MASTER = "arn:aws:iam::111111111111:role/acme-tdp-production-search-master";
const TASK = (n: string) => `arn:aws:iam::111111111111:role/acme-tdp-production-ecs-${n}-task`;
const ALLOWED = ["readall", "readall_and_monitor", "tdp_platform"];

function settingsFor(domain: FakeDomain, extra: Record<string, string> = {}) {
  return readSnapshotSettings({
    ...snapshotEnvironment(domain.endpoint),
    ROLE_MAPPINGS_PARAMETER: PARAMETER,
    MASTER_ROLE_ARN: MASTER,
    ...extra,
  });
}

/** An injected SSM read holding `value` under the parameter's name (undefined: no parameter). */
function parameterHolding(value: string | undefined) {
  const reads: string[] = [];
  return {
    reads,
    readParameter: (name: string) => {
      reads.push(name);
      return Promise.resolve(name === PARAMETER ? value : undefined);
    },
  };
}

const securityRequests = (domain: FakeDomain) =>
  domain.requests.filter((r) => r.path.startsWith("/_plugins/")).map((r) => `${r.method} ${r.path}`);

describe("role mapping document (pure)", () => {
  it("sorts and de-duplicates the ARNs of allowed roles", () => {
    assert.deepEqual(
      parseRoleMappingDocument(JSON.stringify({ tdp_platform: [TASK("b"), TASK("a"), TASK("b")] }), ALLOWED),
      { tdp_platform: [TASK("a"), TASK("b")] },
    );
    assert.deepEqual(parseRoleMappingDocument("{}", ALLOWED), {});
  });

  it("refuses the whole document for one fault, naming it", () => {
    const cases: [string, RegExp][] = [
      ["not json", /the role mapping document is not JSON/],
      ["[]", /must be an object/],
      [
        JSON.stringify({ all_access: [TASK("a")] }),
        /"all_access" administers the domain and is never mapped/,
      ],
      [JSON.stringify({ security_manager: [] }), /"security_manager" administers the domain/],
      [
        JSON.stringify({ other_role: [] }),
        /role "other_role" is not one the function may map \(allowed: readall, /,
      ],
      [JSON.stringify({ "bad/name": [] }), /"bad\/name" is not an OpenSearch role name/],
      [JSON.stringify({ readall: TASK("a") }), /role "readall": the value must be an array of IAM role ARNs/],
      [
        JSON.stringify({ readall: [TASK("a"), "arn:aws:iam::111111111111:user/bob"] }),
        /role "readall": "arn:aws:iam::111111111111:user\/bob" is not an IAM role ARN/,
      ],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseRoleMappingDocument(text, ALLOWED), message, text);
    }
  });

  it("settings: the parameter and allowed roles come from the environment and are checked", () => {
    const env = snapshotEnvironment("https://x.es.amazonaws.com");
    const plain = readSnapshotSettings(env);
    assert.equal(plain.roleMappingsParameter, undefined);
    assert.deepEqual(plain.mappableRoles, ALLOWED);
    const set = readSnapshotSettings({
      ...env,
      ROLE_MAPPINGS_PARAMETER: PARAMETER,
      ROLE_MAPPINGS_ALLOWED_ROLES: "readall, app_reader",
      MASTER_ROLE_ARN: MASTER,
    });
    assert.equal(set.roleMappingsParameter, PARAMETER);
    assert.deepEqual(set.mappableRoles, ["readall", "app_reader"]);
    assert.equal(set.masterRoleArn, MASTER);
    assert.throws(
      () => readSnapshotSettings({ ...env, ROLE_MAPPINGS_ALLOWED_ROLES: "readall,all_access" }),
      /ROLE_MAPPINGS_ALLOWED_ROLES: "all_access" administers the domain/,
    );
    assert.throws(
      () => readSnapshotSettings({ ...env, ROLE_MAPPINGS_PARAMETER: "no-slash" }),
      /ROLE_MAPPINGS_PARAMETER "no-slash" must be an SSM parameter path starting with \//,
    );
  });
});

describe("snapshot function: role mappings against the local domain", () => {
  let domain: FakeDomain | undefined;
  afterEach(async () => {
    await domain?.close();
    domain = undefined;
  });

  it("creates an absent mapping, signed like the snapshot requests, after the snapshot", async () => {
    domain = await startFakeDomain({ repositoryExists: true });
    const ssm = parameterHolding(JSON.stringify({ tdp_platform: [TASK("web"), TASK("api")] }));
    const { result, lines, error } = await captureLogs(() =>
      runSnapshot(settingsFor(domain!), CREDENTIALS, NOW, ssm),
    );
    assert.equal(error, undefined);
    assert.deepEqual(ssm.reads, [PARAMETER]);
    assert.equal(result?.snapshot, "tdp-2026-11-23t09-00-00z");
    assert.deepEqual(result?.roleMappings, {
      created: ["tdp_platform"],
      updated: [],
      unchanged: [],
      skipped: [],
      invalid: false,
    });
    assert.deepEqual(securityRequests(domain), [
      "GET /_plugins/_security/api/roles/tdp_platform",
      "GET /_plugins/_security/api/rolesmapping/tdp_platform",
      "PUT /_plugins/_security/api/rolesmapping/tdp_platform",
    ]);
    assert.deepEqual(domain.roleMappings["tdp_platform"], {
      backend_roles: [TASK("api"), TASK("web")],
      hosts: [],
      users: [],
    });
    // The snapshot came first: a mapping fault never costs a snapshot.
    const order = domain.requests.map((r) => r.path);
    assert.ok(
      order.indexOf("/_snapshot/tdp-s3/tdp-2026-11-23t09-00-00z") <
        order.indexOf("/_plugins/_security/api/roles/tdp_platform"),
    );
    assertSignedRequests(
      domain.requests.filter((q) => q.path.startsWith("/_plugins/")),
      CREDENTIALS.secretAccessKey,
    );
    assert.deepEqual(
      lines.map((l) => l["event"]),
      ["snapshot-started", "role-mapping-created", "run-finished"],
    );
  });

  it("leaves an equal mapping unchanged (order and duplicates do not matter)", async () => {
    domain = await startFakeDomain({
      repositoryExists: true,
      roleMappings: { tdp_platform: { backend_roles: [TASK("web"), TASK("api")] } },
    });
    const ssm = parameterHolding(JSON.stringify({ tdp_platform: [TASK("api"), TASK("web"), TASK("api")] }));
    const { result } = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW, ssm));
    assert.deepEqual(result?.roleMappings?.unchanged, ["tdp_platform"]);
    assert.ok(!domain.requests.some((r) => r.method === "PUT" && r.path.includes("rolesmapping")));
  });

  it("updates a different mapping, keeping its users, hosts and the master role", async () => {
    domain = await startFakeDomain({
      repositoryExists: true,
      roleMappings: {
        readall: {
          backend_roles: [TASK("old"), MASTER],
          users: ["operator-jane"],
          hosts: ["10.0.0.5"],
          description: "read-only access",
        },
      },
    });
    const ssm = parameterHolding(JSON.stringify({ readall: [TASK("web")] }));
    const { result, lines } = await captureLogs(() =>
      runSnapshot(settingsFor(domain!), CREDENTIALS, NOW, ssm),
    );
    assert.deepEqual(result?.roleMappings?.updated, ["readall"]);
    assert.deepEqual(domain.roleMappings["readall"], {
      backend_roles: [MASTER, TASK("web")].sort(),
      hosts: ["10.0.0.5"],
      users: ["operator-jane"],
      description: "read-only access",
    });
    const updated = lines.find((l) => l["event"] === "role-mapping-updated")!;
    assert.deepEqual(updated["previous"], [MASTER, TASK("old")].sort());
  });

  it("does not add the master role to a mapping that lacks it", async () => {
    domain = await startFakeDomain({
      repositoryExists: true,
      roleMappings: { readall: { backend_roles: [TASK("old")], users: ["operator-jane"] } },
    });
    const ssm = parameterHolding(JSON.stringify({ readall: [TASK("web")] }));
    await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW, ssm));
    assert.deepEqual(domain.roleMappings["readall"]!["backend_roles"], [TASK("web")]);
    assert.deepEqual(domain.roleMappings["readall"]!["users"], ["operator-jane"]);
  });

  it("logs and skips a bad document, and the snapshot is still taken", async () => {
    domain = await startFakeDomain({ repositoryExists: true });
    const ssm = parameterHolding(JSON.stringify({ all_access: [TASK("web")] }));
    const { result, lines, error } = await captureLogs(() =>
      runSnapshot(settingsFor(domain!), CREDENTIALS, NOW, ssm),
    );
    assert.equal(error, undefined);
    assert.equal(result?.snapshot, "tdp-2026-11-23t09-00-00z");
    assert.equal(result?.roleMappings?.invalid, true);
    assert.deepEqual(securityRequests(domain), []);
    const invalid = lines.find((l) => l["event"] === "role-mappings-invalid")!;
    assert.equal(invalid["parameter"], PARAMETER);
    assert.match(String(invalid["error"]), /"all_access" administers the domain/);
  });

  it("a missing parameter is nothing to do", async () => {
    domain = await startFakeDomain({ repositoryExists: true });
    const ssm = parameterHolding(undefined);
    const { result, lines } = await captureLogs(() =>
      runSnapshot(settingsFor(domain!), CREDENTIALS, NOW, ssm),
    );
    assert.deepEqual(result?.roleMappings, {
      created: [],
      updated: [],
      unchanged: [],
      skipped: [],
      invalid: false,
    });
    assert.deepEqual(securityRequests(domain), []);
    assert.ok(lines.some((l) => l["event"] === "role-mappings-absent"));
  });

  it("without a configured parameter SSM is never read and the result has no roleMappings", async () => {
    domain = await startFakeDomain({ repositoryExists: true });
    const ssm = parameterHolding("{}");
    const { result } = await captureLogs(() =>
      runSnapshot(readSnapshotSettings(snapshotEnvironment(domain!.endpoint)), CREDENTIALS, NOW, ssm),
    );
    assert.deepEqual(ssm.reads, []);
    assert.equal(result !== undefined && "roleMappings" in result, false);
  });

  it("skips a role the domain does not define yet, mapping the others", async () => {
    domain = await startFakeDomain({ repositoryExists: true, securityRoles: ["readall"] });
    const ssm = parameterHolding(JSON.stringify({ tdp_platform: [TASK("web")], readall: [TASK("bi")] }));
    const { result, lines } = await captureLogs(() =>
      runSnapshot(settingsFor(domain!), CREDENTIALS, NOW, ssm),
    );
    assert.deepEqual(result?.roleMappings?.skipped, ["tdp_platform"]);
    assert.deepEqual(result?.roleMappings?.created, ["readall"]);
    assert.equal(domain.roleMappings["tdp_platform"], undefined);
    assert.match(
      String(lines.find((l) => l["event"] === "role-mapping-skipped")!["reason"]),
      /does not exist/,
    );
  });

  it("a refused mapping write fails the run with the domain's answer", async () => {
    domain = await startFakeDomain({
      repositoryExists: true,
      fail: { request: "PUT /_plugins/_security/api/rolesmapping/", status: 403, body: "no permissions" },
    });
    const ssm = parameterHolding(JSON.stringify({ readall: [TASK("web")] }));
    const { error } = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW, ssm));
    assert.match(
      error?.message ?? "",
      /PUT \/_plugins\/_security\/api\/rolesmapping\/readall failed with HTTP 403/,
    );
    // The snapshot was started before.
    assert.ok(domain.snapshots.some((s) => s.snapshot === "tdp-2026-11-23t09-00-00z"));
  });
});

describe("SSM GetParameter client against a local stand-in", () => {
  let ssm: FakeParameterStore | undefined;
  afterEach(async () => {
    await ssm?.close();
    ssm = undefined;
  });

  it("reads a value with a signed JSON 1.1 request, and undefined for ParameterNotFound", async () => {
    ssm = await startFakeParameterStore({ [PARAMETER]: '{"readall":[]}' });
    const client = new ParameterStoreClient(new URL(ssm.endpoint), "us-east-1", CREDENTIALS);
    assert.equal(await client.getParameter(PARAMETER), '{"readall":[]}');
    assert.equal(await client.getParameter("/missing"), undefined);
    const [r] = ssm.requests;
    assert.equal(r!.method, "POST");
    assert.deepEqual(r!.body, { Name: PARAMETER, WithDecryption: false });
    assert.equal(r!.headers["content-type"], "application/x-amz-json-1.1");
    const auth = String(r!.headers["authorization"]);
    assert.match(auth, /Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/ssm\/aws4_request/);
    assert.match(auth, /SignedHeaders=[a-z0-9;-]*x-amz-target/);
    assert.equal(
      /Signature=([0-9a-f]{64})$/.exec(auth)![1],
      expectedSignature(r!, CREDENTIALS.secretAccessKey),
    );
  });

  it("throws other errors with the answer", async () => {
    ssm = await startFakeParameterStore({}, [PARAMETER]);
    const client = new ParameterStoreClient(new URL(ssm.endpoint), "us-east-1", CREDENTIALS);
    await assert.rejects(
      client.getParameter(PARAMETER),
      /^Error: SSM GetParameter \/tetrascience\/production\/search\/role-mappings failed with HTTP 400: .*AccessDeniedException/,
    );
  });
});
