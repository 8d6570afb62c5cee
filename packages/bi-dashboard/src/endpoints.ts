import * as aws from "@pulumi/aws";

import type { DashboardContext } from "./context";
import { REQUIRED_INTERFACE_ENDPOINTS } from "./defaults";
import type { DashboardSecurityGroups, SecurityGroupFactories } from "./security-groups";

/** Interface endpoints for private instances, when the network has none (settings.createVpcEndpoints). */
export function createVpcEndpoints(
  ctx: DashboardContext,
  { sg, ingress }: SecurityGroupFactories,
  groups: DashboardSecurityGroups,
): void {
  const { name, args, s, region, child, physical } = ctx;
  if (!s.createVpcEndpoints) return;
  const endpointSg = sg("endpoints", "Interface endpoints of the dashboard: 443 from its clients");
  ingress("endpoints-from-instances", endpointSg.id, 443, { sg: groups.instances.id }, "from the instances");
  ingress(
    "endpoints-from-rotation",
    endpointSg.id,
    443,
    { sg: groups.rotation.id },
    "from the rotation function",
  );
  ingress("endpoints-from-sync", endpointSg.id, 443, { sg: groups.sync.id }, "from the sync function");
  for (const service of REQUIRED_INTERFACE_ENDPOINTS) {
    new aws.ec2.VpcEndpoint(
      `${name}-endpoint-${service}`,
      {
        vpcId: args.vpcId,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: args.privateSubnetIds,
        securityGroupIds: [endpointSg.id],
        tags: { Name: physical("generic", `${service}-endpoint`) },
      },
      child,
    );
  }
  if ((args.routeTableIds ?? []).length > 0) {
    new aws.ec2.VpcEndpoint(
      `${name}-endpoint-s3`,
      {
        vpcId: args.vpcId,
        serviceName: `com.amazonaws.${region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: args.routeTableIds,
        tags: { Name: physical("generic", "s3-endpoint") },
      },
      child,
    );
  }
}
