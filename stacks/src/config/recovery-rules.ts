import type { ConfigProblem } from "@tdp/core";
import { validateKmsKeyArnIn } from "@tdp/data";

import type { StackConfig } from "./sections";

const KEY = "tdp:data.recovery.databaseKmsKeyArn";

/**
 * The rules of `tdp:data.recovery` that read other sections: an adopted database key is a key of
 * this stack's account and region (RDS uses no other), the snapshot restored under it is in this
 * region, and a stack on an adopted key makes no DR copies (the key's policy is the dr stack's and
 * admits no other account to copy).
 */
export function recoveryProblems(
  data: StackConfig["data"],
  platform: StackConfig["platform"],
  region: string | undefined,
  dr: StackConfig["dr"] | undefined,
): ConfigProblem[] {
  const keyArn = data.recovery?.databaseKmsKeyArn;
  if (keyArn === undefined || platform.role !== "primary") {
    return [];
  }
  const problems: ConfigProblem[] = [];
  if (platform.accountId === undefined) {
    problems.push({
      key: "tdp:platform.accountId",
      value: undefined,
      rule: `required with ${KEY}: the adopted key must be a key of this stack's account, which is checked against it`,
    });
  }
  try {
    validateKmsKeyArnIn("recovery.databaseKmsKeyArn", keyArn, { accountId: platform.accountId, region });
  } catch (err) {
    problems.push({
      key: KEY,
      value: keyArn,
      rule: `${(err as Error).message} (the dr stack's targets.keyArns.database, deployed in this account and region)`,
    });
  }
  const snapshot = data.database.snapshotIdentifier;
  const snapshotRegion = snapshot?.startsWith("arn:") ? snapshot.split(":")[3] : undefined;
  if (snapshotRegion !== undefined && region !== undefined && snapshotRegion !== region) {
    problems.push({
      key: "tdp:data.database.snapshotIdentifier",
      value: snapshot,
      rule: `is a snapshot of region ${snapshotRegion}; RDS restores only from a snapshot of the instance's region (${region}): give a DR copy of ${region}`,
    });
  }
  if (dr?.enabled && dr.databaseCopy.mode !== "none") {
    problems.push({
      key: "tdp:dr.databaseCopy.mode",
      value: dr.databaseCopy.mode,
      rule: `copies the database to a DR account, but ${KEY} adopts a key whose policy is the dr stack's and admits no other account: leave DR off on the recovery stack (docs/operations.md, failback), or set databaseCopy.mode "none"`,
    });
  }
  return problems;
}
