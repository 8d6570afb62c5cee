import type * as pulumi from "@pulumi/pulumi";
import type { BucketPurpose, DataBucketsArgs } from "@tdp/data";
import { dataBucketNames } from "@tdp/data";
import { DataCatalogEncryption, Organization, orgBucketPolicyStatements } from "@tdp/organizations";

import type { StackContext } from "./context";

/** The shared buckets that hold a top-level prefix per organization (seed 003, "Data Isolation"). */
export const ORG_PARTITIONED_BUCKETS = [
  "datalake",
  "stream",
  "athena-results",
] as const satisfies readonly BucketPurpose[];

/** What the organizations step built, and what it adds to the shared buckets' policies. */
export interface OrganizationsLayer {
  organizations: Organization[];
  /** The Glue Data Catalog's encryption, when there are organizations (their databases fill it). */
  catalog?: DataCatalogEncryption;
  /** The per-organization statements and upload keys, for the data layer's bucket policies. */
  bucketPolicies: Pick<DataBucketsArgs, "policyStatements" | "additionalKmsKeyArns">;
}

/**
 * One {@link Organization} per entry of `tdp:organizations`. Made before the data buckets: their
 * names are known from the config, and the buckets' one policy each carries the organizations'
 * prefix rules (S3 allows one policy per bucket, so they are composed there, not added beside).
 */
export function deployOrganizations(ctx: StackContext): OrganizationsLayer {
  const data = ctx.config.data;
  const names = dataBucketNames({
    naming: ctx.naming,
    bucketNames: data.buckets.names,
    recovery:
      data.recovery === undefined
        ? undefined
        : {
            streamBucketName: data.recovery.streamBucket!,
            datalakeBucketName: data.recovery.datalakeBucket!,
          },
  });
  if (ctx.config.organizations.length === 0) {
    return { organizations: [], bucketPolicies: {} };
  }
  // The organizations' Glue databases and tables fill the Data Catalog: it is encrypted first.
  const catalog = new DataCatalogEncryption(
    "glue-catalog",
    { naming: ctx.naming, region: ctx.region, accountId: ctx.config.platform.accountId },
    ctx.componentOptions,
  );
  const organizations = ctx.config.organizations.map(
    (org) =>
      new Organization(
        `org-${org.orgSlug}`,
        {
          orgSlug: org.orgSlug,
          naming: ctx.naming,
          iam: ctx.iam,
          region: ctx.region,
          accountId: ctx.config.platform.accountId,
          buckets: { datalake: names.datalake, athenaResults: names["athena-results"] },
          dataHub: org.dataHub,
          athenaCreateIamUser: org.athenaCreateIamUser,
          credentialDurationSeconds: org.credentialDurationSeconds,
          catalogKeyArn: catalog.keyArn,
        },
        { ...ctx.componentOptions, dependsOn: [catalog] },
      ),
  );
  const entries = organizations.map((o) => ({ orgSlug: o.orgSlug, keyArn: o.keyArn }));
  const statements = (bucketArn: pulumi.Output<string>) => orgBucketPolicyStatements(bucketArn, entries);
  return {
    organizations,
    catalog,
    bucketPolicies: {
      policyStatements: Object.fromEntries(ORG_PARTITIONED_BUCKETS.map((p) => [p, statements])),
      additionalKmsKeyArns: Object.fromEntries(
        ORG_PARTITIONED_BUCKETS.map((p) => [p, entries.map((e) => e.keyArn)]),
      ),
    },
  };
}

/** The organizations' stack outputs, by orgSlug: what operators and the Data Hub activation need. */
export function organizationsOutputs(layer: OrganizationsLayer): Record<string, pulumi.Input<unknown>> {
  return Object.fromEntries(
    layer.organizations.map((o) => [
      o.orgSlug,
      {
        keyArn: o.keyArn,
        athenaPolicyArn: o.athenaPolicyArn,
        athenaPolicyName: o.athenaPolicyName,
        workgroup: o.workgroupName,
        glueDatabase: o.glueDatabaseName,
        connectorSecretsPath: o.connectorSecretsPath,
        ...(o.dataHubRoleArn === undefined
          ? {}
          : {
              dataHubRoleArn: o.dataHubRoleArn,
              ssmServiceRoleArn: o.ssmServiceRoleArn,
              roleAlias: o.roleAliasName,
              iotPolicy: o.iotPolicyName,
            }),
        ...(o.athenaUserName === undefined ? {} : { athenaUser: o.athenaUserName }),
      },
    ]),
  );
}
