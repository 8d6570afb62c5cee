import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "@tdp/core";
import { allow, policyDocument, policyJson, statefulResourceOptions } from "@tdp/core";

import type { DashboardContext, KeyedContext } from "./context";
import { DEFAULT_EFS } from "./defaults";

export interface DashboardFileSystem {
  fileSystem: aws.efs.FileSystem;
  /** One per private subnet: what mounts the file system waits for. */
  mountTargets: aws.efs.MountTarget[];
  accessPoint: aws.efs.AccessPoint;
  /** The identity policy statement of a client of the file system (through the access point). */
  clientPolicy: PolicyStatement;
}

/** EFS: encrypted, TLS and the access point required, owned by the dashboard user. */
export function createFileSystem(
  ctx: KeyedContext,
  efsSecurityGroupId: pulumi.Input<string>,
): DashboardFileSystem {
  const { name, args, s, child, physical, keyArn } = ctx;
  const fileSystem = new aws.efs.FileSystem(
    `${name}-efs`,
    {
      creationToken: physical("generic", "efs"),
      encrypted: true,
      kmsKeyId: keyArn,
      performanceMode: "generalPurpose",
      throughputMode: "elastic",
      lifecyclePolicies: [{ transitionToIa: "AFTER_30_DAYS" }],
      tags: { Name: physical("generic", "efs") },
    },
    statefulResourceOptions(child),
  );
  new aws.efs.BackupPolicy(
    `${name}-efs-backup`,
    { fileSystemId: fileSystem.id, backupPolicy: { status: s.efs.backups ? "ENABLED" : "DISABLED" } },
    child,
  );
  const mountTargets = args.privateSubnetIds.map(
    (subnetId, i) =>
      new aws.efs.MountTarget(
        `${name}-efs-mount-${i}`,
        { fileSystemId: fileSystem.id, subnetId, securityGroups: [efsSecurityGroupId] },
        child,
      ),
  );
  const accessPoint = new aws.efs.AccessPoint(
    `${name}-efs-access-point`,
    {
      fileSystemId: fileSystem.id,
      posixUser: { uid: s.efs.ownerUid, gid: s.efs.ownerGid },
      rootDirectory: {
        path: DEFAULT_EFS.rootPath,
        creationInfo: {
          ownerUid: s.efs.ownerUid,
          ownerGid: s.efs.ownerGid,
          permissions: s.efs.permissions,
        },
      },
      tags: { Name: physical("generic", "efs-access-point") },
    },
    child,
  );
  const clientPolicy = allow(
    ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
    fileSystem.arn,
    { Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPoint.arn } } },
  );
  return { fileSystem, mountTargets, accessPoint, clientPolicy };
}

/** The file system's policy: TLS and the access point for everyone, mount and write for `clientRoleArns`. */
export function createFileSystemPolicy(
  ctx: DashboardContext,
  { fileSystem, accessPoint }: DashboardFileSystem,
  clientRoleArns: pulumi.Input<string>[],
): void {
  const { name, child } = ctx;
  const clientStatement: PolicyStatement = {
    Sid: "DashboardClientsThroughTheAccessPointOnly",
    Effect: "Allow",
    Principal: { AWS: clientRoleArns },
    Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
    Resource: fileSystem.arn,
    Condition: {
      Bool: { "aws:SecureTransport": "true" },
      StringEquals: { "elasticfilesystem:AccessPointArn": accessPoint.arn },
    },
  };
  new aws.efs.FileSystemPolicy(
    `${name}-efs-policy`,
    {
      fileSystemId: fileSystem.id,
      policy: policyJson(
        policyDocument(
          {
            Sid: "DenyWithoutTls",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "*",
            Resource: fileSystem.arn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          {
            Sid: "DenyOutsideTheAccessPoint",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: [
              "elasticfilesystem:ClientMount",
              "elasticfilesystem:ClientWrite",
              "elasticfilesystem:ClientRootAccess",
            ],
            Resource: fileSystem.arn,
            Condition: { StringNotEquals: { "elasticfilesystem:AccessPointArn": accessPoint.arn } },
          },
          clientStatement,
        ),
      ),
    },
    child,
  );
}
