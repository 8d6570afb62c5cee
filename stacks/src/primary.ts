import { biDashboardOutputs, deployBiDashboard } from "./bi-dashboard";
import type { StackContext } from "./context";
import { dataOutputs, deployData, requireDataConfig } from "./data";
import { databaseOutputs, deployDatabase } from "./data-database";
import {
  databaseCopyTarget,
  deployReplication,
  deploySnapshotShare,
  drRecoveryObjectives,
  readDrStack,
} from "./dr";
import { deploySearch, requireSearchConfig, searchOutputs } from "./data-search";
import { buildNetwork, networkOutputs } from "./network";
import { deployOrganizations, organizationsOutputs } from "./organizations";
import { deployServices, requireServicesConfig, servicesOutputs } from "./services";
import { requireSsoConfig, ssoHandOver, ssoOutputs } from "./sso";

/** The main account and region: the whole platform. Returns the stack outputs. */
export async function deployPrimary(ctx: StackContext): Promise<Record<string, unknown>> {
  const outputs: Record<string, unknown> = {};
  // Cross-section requirements of the data layer, before any resource is registered.
  requireDataConfig(ctx);
  requireServicesConfig(ctx);
  requireSsoConfig(ctx);
  // The DR stack is deployed first; its outputs (region, account, targets) are read and checked
  // against this stack before any AWS resource is registered.
  const dr = await readDrStack(ctx);
  const drTargets = ctx.config.dr.enabled ? dr?.targets : undefined;
  const copyMode = drTargets?.databaseCopy.mode ?? "none";

  // The search domain spans the network's zones: checked once the zone look-up has answered.
  const network = await buildNetwork(ctx, (zones) => requireSearchConfig(ctx, zones));
  outputs["network"] = networkOutputs(network);

  // Seed 003: one Organization per tdp:organizations entry, before the shared buckets, whose
  // policies carry each organization's prefix rule.
  const organizations = deployOrganizations(ctx);
  // Seed 001 Data Layer: keys, buckets, alerts, SES sender, service-linked roles, CloudTrail.
  const data = deployData(
    ctx,
    network,
    organizations.bucketPolicies,
    copyMode === "none" || dr === undefined ? undefined : { accountId: dr.accountId, region: dr.region },
  );
  outputs["data"] = dataOutputs(data);
  // Seed 001 Data Layer: RDS PostgreSQL in the private subnets and its AWS Backup plan.
  // Database copies: snapshots mode shares each backup with the DR account (below). Backup mode
  // copies each recovery point into the dr stack's staging vault (another account, this Region),
  // whose relay copies it on into the DR vault: AWS Backup copies RDS recovery points across
  // accounts or Regions, not both in one copy.
  const database = deployDatabase(ctx, network, data, databaseCopyTarget(drTargets));
  outputs["database"] = databaseOutputs(database);
  // Seed 001 Data Layer: the OpenSearch domain and its snapshots to the backup bucket.
  const search = deploySearch(ctx, network, data);
  outputs["search"] = searchOutputs(search);

  // Seed 001 Service Layer: integrations, web entry point, EKS, ECS services, database/search access.
  const services = deployServices(ctx, network, data, {
    databaseSecurityGroupId: database.database.securityGroupId,
    // The configured port, not the instance's output: the rules need no wait for the instance
    // (about 15 minutes), only for its security group.
    databasePort: ctx.config.data.database.port,
    searchSecurityGroupId: search.securityGroupId,
  });
  outputs["services"] = servicesOutputs(services);
  // Seed 001 "Single Sign-on (Optional)" (with the services: its parameters go into their tasks).
  if (services.sso) {
    outputs["sso"] = ssoOutputs(services.sso);
    // What the customer's identity team enters on their side; the plan's summary prints it.
    outputs["handOver"] = { "Single sign-on (for the identity team)": ssoHandOver(services.sso) };
  }

  // Seed 004: the Panintelligence BI dashboard, in the network's private subnets, when enabled.
  const biDashboard = deployBiDashboard(ctx, network, data.keys.arns.compute);
  if (biDashboard) {
    outputs["biDashboard"] = biDashboardOutputs(biDashboard);
  }

  if (organizations.organizations.length > 0) {
    outputs["organizations"] = organizationsOutputs(organizations);
  }

  if (dr !== undefined) {
    // Seed 001 DisasterRecovery: the buckets replicate to the dr stack's replicas.
    const replication = deployReplication(ctx, data, dr);
    const share = deploySnapshotShare(ctx, data, database, dr);
    outputs["dr"] = {
      region: dr.reference.getOutput("region"),
      accountId: dr.reference.getOutput("accountId"),
      ...(replication === undefined
        ? {}
        : { replicationRoleArn: replication.roleArn, databaseCopyMode: copyMode }),
      ...(share === undefined ? {} : { snapshotShareFunction: share.functionName }),
      ...(replication === undefined ? {} : { recoveryObjectives: drRecoveryObjectives(ctx, dr) }),
    };
  }
  return outputs;
}
