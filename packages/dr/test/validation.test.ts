import { strict as assert } from "node:assert";

import {
  longestBackupGapHours,
  recoveryObjectives,
  validateAccountId,
  validateCopyRetentionDays,
  validateSnapshotPattern,
} from "../src";

describe("DR validation", () => {
  it("finds the longest gap a backup schedule leaves", () => {
    assert.equal(longestBackupGapHours({ perDay: 1, days: { kind: "every" } }), 24);
    assert.equal(longestBackupGapHours({ perDay: 4, days: { kind: "every" } }), 6);
    assert.equal(longestBackupGapHours({ perDay: 1, days: { kind: "week", count: 1 } }), 168);
    assert.equal(longestBackupGapHours({ perDay: 1, days: { kind: "week", count: 5 } }), 72);
    assert.equal(longestBackupGapHours({ perDay: 1, days: { kind: "month", count: 1 } }), 744);
  });
  it("checks account ids", () => {
    validateAccountId("a", "123456789012");
    assert.throws(() => validateAccountId("a", "12345678901x"), /a "12345678901x" is not an AWS account id/);
  });
  it("checks the copies' retention", () => {
    validateCopyRetentionDays("r", 7);
    assert.throws(
      () => validateCopyRetentionDays("r", 0),
      /r 0 must be a whole number of days from 1 to 3650/,
    );
    assert.throws(() => validateCopyRetentionDays("r", 1.5), /r 1.5/);
    assert.throws(() => validateCopyRetentionDays("r", 3651), /r 3651/);
  });
  it("checks the snapshot pattern is a regular expression", () => {
    validateSnapshotPattern("p", "ts-platform.*");
    assert.throws(
      () => validateSnapshotPattern("p", "ts-(platform"),
      /p "ts-\(platform" is not a regular expression/,
    );
  });

  it("derives the recovery objectives from the settings", () => {
    const rows = recoveryObjectives({
      replicationTimeControl: true,
      databaseCopyMode: "snapshots",
      backupGapHours: 24,
      searchSnapshotIntervalHours: 6,
    });
    assert.deepEqual(
      rows.map((r) => r.store),
      ["Buckets (data lake, stream, backup, artifacts)", "Database (snapshots mode)", "Search"],
    );
    assert.match(rows[0]!.recoveryPoint, /≤ 15 min/);
    assert.match(rows[1]!.recoveryPoint, /^≤ 24 h between backups \+ ≤ 1 h to share/);
    assert.match(rows[2]!.recoveryPoint, /^≤ 6 h between snapshots/);
    const other = recoveryObjectives({
      replicationTimeControl: false,
      databaseCopyMode: "backup",
      backupGapHours: 168,
      searchSnapshotIntervalHours: 24,
    });
    assert.match(other[0]!.recoveryPoint, /without a bound/);
    assert.equal(
      other[1]!.recoveryPoint,
      "≤ 168 h between backups + the copy into the staging vault + ≤ 1 h to relay + the copy into the DR vault",
    );
    assert.equal(
      recoveryObjectives({
        replicationTimeControl: true,
        databaseCopyMode: "none",
        backupGapHours: 24,
        searchSnapshotIntervalHours: 6,
      })[1]!.recoveryPoint,
      "not recoverable in the DR region",
    );
  });
});
