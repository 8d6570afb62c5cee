import * as pulumi from "@pulumi/pulumi";

import { biDashboardOutputs, deployBiDashboard } from "./bi-dashboard";
import { qualifiedStackName } from "./config/platform";
import type { StackContext } from "./context";
import { dataOutputs, deployData, requireDataConfig } from "./data";
import { databaseOutputs, deployDatabase } from "./data-database";
import { deploySearch, requireSearchConfig, searchOutputs } from "./data-search";
import { buildNetwork, networkOutputs } from "./network";
import { deployServices, requireServicesConfig, servicesOutputs } from "./services";
import { requireSsoConfig, ssoHandOver, ssoOutputs } from "./sso";

/** The main account and region: the whole platform. Returns the stack outputs. */
export async function deployPrimary(ctx: StackContext): Promise<Record<string, unknown>> {
  const outputs: Record<string, unknown> = {};
  // Cross-section requirements of the data layer, before any resource is registered.
  requireDataConfig(ctx);
  requireServicesConfig(ctx);
  requireSsoConfig(ctx);

  // The search domain spans the network's zones: checked once the zone look-up has answered.
  const network = await buildNetwork(ctx, (zones) => requireSearchConfig(ctx, zones));
  outputs["network"] = networkOutputs(network);

  // Seed 001 Data Layer: keys, buckets, alerts, SES sender, service-linked roles, CloudTrail.
  const data = deployData(ctx, network);
  outputs["data"] = dataOutputs(data);
  // Seed 001 Data Layer: RDS PostgreSQL in the private subnets and its AWS Backup plan.
  const database = deployDatabase(ctx, network, data);
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

  if (ctx.config.platform.drStack) {
    // The DR stack is deployed first; its outputs (region, network, replication targets) are read
    // here. A bare name is qualified with this stack's organization and project, so the same stack
    // file works on Pulumi Cloud (the real organization) and on DIY backends ("organization").
    const drStack = qualifiedStackName(
      ctx.config.platform.drStack,
      pulumi.getOrganization(),
      pulumi.getProject(),
    );
    const dr = new pulumi.StackReference("dr", { name: drStack });
    outputs["dr"] = { region: dr.getOutput("region"), accountId: dr.getOutput("accountId") };
  }
  return outputs;
}
