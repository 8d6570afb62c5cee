import { strict as assert } from "node:assert";

import { loadStackConfig } from "../src/config/load";
import { configProblems } from "./fixtures/config-problems";

const ACCOUNT = "222222222222";
const DR_KEY = `arn:aws:kms:us-west-2:${ACCOUNT}:key/00000000-0000-0000-0000-0000000000a4`;
const DR_COPY = `arn:aws:rds:us-west-2:${ACCOUNT}:snapshot:ts-platform-acme-tdp-production-postgres-2026-12-06-01-05`;

const buckets = { streamBucket: "acme-tdp-dr-stream", datalakeBucket: "acme-tdp-dr-datalake" };
const minimal = {
  alerts: { notificationEmail: "alerts@acme.example.com" },
  email: { sourceAddress: "noreply@acme.example.com" },
};

function raw(
  recovery: Record<string, unknown>,
  options: { snapshot?: string; accountId?: string; dr?: unknown } = {},
): Record<string, string> {
  const data = {
    ...minimal,
    recovery: { ...buckets, ...recovery },
    ...(options.snapshot === undefined ? {} : { database: { snapshotIdentifier: options.snapshot } }),
  };
  const accountId = "accountId" in options ? options.accountId : ACCOUNT;
  return {
    "aws:region": "us-west-2",
    "tdp:platform": JSON.stringify({
      infrastructureName: "acme-tdp",
      environment: "recovery",
      ...(accountId === undefined ? {} : { accountId }),
    }),
    "tdp:data": JSON.stringify(data),
    ...(options.dr === undefined ? {} : { "tdp:dr": JSON.stringify(options.dr) }),
  };
}

const problemsOf = (...args: Parameters<typeof raw>) => configProblems(() => loadStackConfig(raw(...args)));

describe("tdp:data.recovery: the adopted database key and the search restore", () => {
  it("reads both, with the restore's defaults", () => {
    const { sections } = loadStackConfig(
      raw(
        { databaseKmsKeyArn: DR_KEY, backupBucket: "acme-tdp-dr-backup", searchRestore: {} },
        { snapshot: DR_COPY },
      ),
    );
    assert.equal(sections.data.recovery?.databaseKmsKeyArn, DR_KEY);
    assert.deepEqual(sections.data.recovery?.searchRestore, { snapshot: "latest", indices: "*" });
  });

  it("needs the snapshot to restore with the adopted key", () => {
    assert.deepEqual(problemsOf({ databaseKmsKeyArn: DR_KEY }), [
      `tdp:data.recovery.databaseKmsKeyArn: "${DR_KEY}" — recovery.databaseKmsKeyArn adopts the DR copies' key, so it needs database.snapshotIdentifier: set it to the DR copy to restore (its ARN, from aws rds describe-db-snapshots in the DR region), or remove databaseKmsKeyArn to create a new database under this stack's own key`,
    ]);
  });

  it("refuses an alias, a key of another region or account, and a snapshot of another region", () => {
    assert.match(
      problemsOf(
        { databaseKmsKeyArn: `arn:aws:kms:us-west-2:${ACCOUNT}:alias/acme-tdp-dr-database` },
        { snapshot: DR_COPY },
      )[0]!,
      /recovery.databaseKmsKeyArn "arn:aws:kms:us-west-2:222222222222:alias\/acme-tdp-dr-database" is not a KMS key ARN/,
    );
    assert.deepEqual(
      problemsOf({ databaseKmsKeyArn: DR_KEY.replace("us-west-2", "us-east-1") }, { snapshot: DR_COPY }),
      [
        `tdp:data.recovery.databaseKmsKeyArn: "${DR_KEY.replace("us-west-2", "us-east-1")}" — recovery.databaseKmsKeyArn "${DR_KEY.replace("us-west-2", "us-east-1")}" is a key of region us-east-1; this deployment is in us-west-2, and a key is used only in its own region: give a key of us-west-2 (the dr stack's targets.keyArns.database, deployed in this account and region)`,
      ],
    );
    assert.match(
      problemsOf({ databaseKmsKeyArn: DR_KEY.replace(ACCOUNT, "111111111111") }, { snapshot: DR_COPY })[0]!,
      /is a key of account 111111111111; this deployment is in account 222222222222: give a key of that account/,
    );
    assert.deepEqual(
      problemsOf({ databaseKmsKeyArn: DR_KEY }, { snapshot: DR_COPY.replace("us-west-2", "us-east-1") }),
      [
        `tdp:data.database.snapshotIdentifier: "${DR_COPY.replace("us-west-2", "us-east-1")}" — is a snapshot of region us-east-1; RDS restores only from a snapshot of the instance's region (us-west-2): give a DR copy of us-west-2`,
      ],
    );
  });

  it("needs this stack's account to check the key against", () => {
    assert.deepEqual(problemsOf({ databaseKmsKeyArn: DR_KEY }, { snapshot: DR_COPY, accountId: undefined }), [
      "tdp:platform.accountId: (missing) — required with tdp:data.recovery.databaseKmsKeyArn: the adopted key must be a key of this stack's account, which is checked against it",
    ]);
  });

  it("refuses database copies to a DR account from a stack on the adopted key", () => {
    const problems = problemsOf(
      { databaseKmsKeyArn: DR_KEY },
      { snapshot: DR_COPY, dr: { enabled: true, databaseCopy: { mode: "snapshots" } } },
    );
    assert.ok(
      problems.includes(
        'tdp:dr.databaseCopy.mode: "snapshots" — copies the database to a DR account, but tdp:data.recovery.databaseKmsKeyArn adopts a key whose policy is the dr stack\'s and admits no other account: leave DR off on the recovery stack (docs/operations.md, failback), or set databaseCopy.mode "none"',
      ),
      problems.join("\n"),
    );
    assert.ok(
      !problemsOf(
        { databaseKmsKeyArn: DR_KEY },
        { snapshot: DR_COPY, dr: { enabled: true, databaseCopy: { mode: "none" } } },
      ).some((p) => p.startsWith("tdp:dr.databaseCopy.mode")),
    );
  });

  it("restores search only from a replicated backup bucket, with valid settings", () => {
    assert.deepEqual(problemsOf({ searchRestore: { snapshot: "latest" } }), [
      'tdp:data.recovery.searchRestore: {"snapshot":"latest"} — recovery.searchRestore restores from the replicated snapshots, so it needs recovery.backupBucket (the dr stack\'s targets.buckets.backup.name): set it, or remove searchRestore',
    ]);
    assert.match(
      problemsOf({ backupBucket: "acme-tdp-dr-backup", searchRestore: { indices: "*,.kibana*" } })[0]!,
      /^tdp:data.recovery.searchRestore: .* — recovery.searchRestore.indices "\*,.kibana\*": ".kibana\*" names system indices, which are never restored/,
    );
    assert.match(
      problemsOf({ backupBucket: "acme-tdp-dr-backup", searchRestore: { snapshot: "Newest" } })[0]!,
      /recovery.searchRestore.snapshot "Newest" must be "latest" or a snapshot name/,
    );
  });
});
