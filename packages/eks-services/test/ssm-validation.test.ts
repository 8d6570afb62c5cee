import * as assert from "node:assert/strict";

import { validatePlatformIntegrationsArgs } from "../src/ssm";

function refuses(fn: () => void, ...parts: string[]): void {
  assert.throws(fn, (error: Error) => {
    for (const part of parts) {
      assert.ok(error.message.includes(part), `"${error.message}" should contain "${part}"`);
    }
    return true;
  });
}

describe("integration validation", () => {
  it("accepts everything off, and enabled integrations with their secrets", () => {
    validatePlatformIntegrationsArgs({});
    validatePlatformIntegrationsArgs({
      box: { enabled: true, clientId: "id", clientSecret: "secret" },
      egnyte: { enabled: true, clientId: "e" },
    });
    // A disabled integration needs no secret.
    validatePlatformIntegrationsArgs({ box: { enabled: false }, egnyte: { enabled: false } });
  });

  it("refuses Box enabled without its client id or secret", () => {
    refuses(
      () => validatePlatformIntegrationsArgs({ box: { enabled: true, clientSecret: "s" } }),
      "box.clientId (missing)",
      "Box integration is enabled",
      "pulumi config set --secret --path tdp:services.integrations.box.clientId",
    );
    refuses(
      () => validatePlatformIntegrationsArgs({ box: { enabled: true, clientId: "i", clientSecret: "" } }),
      "box.clientSecret (missing)",
      "Client Secret",
    );
  });

  it("refuses Egnyte enabled without its client id", () => {
    refuses(
      () => validatePlatformIntegrationsArgs({ egnyte: { enabled: true } }),
      "egnyte.clientId (missing)",
    );
  });

  it("refuses a bad audit suffix, retention and settings", () => {
    refuses(
      () => validatePlatformIntegrationsArgs({ userAuditLogGroupSuffix: "a b" }),
      'userAuditLogGroupSuffix "a b"',
    );
    refuses(() => validatePlatformIntegrationsArgs({ logRetentionDays: 10 }), "logRetentionDays 10");
    refuses(
      () => validatePlatformIntegrationsArgs({ settings: { taskThroughput: -1 } }),
      "taskThroughput -1",
    );
  });
});
