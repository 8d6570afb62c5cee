// A network (@tdp/network) with the BI dashboard (@tdp/bi-dashboard) in its private subnets.
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { BiDashboard } from "@tdp/bi-dashboard";
import { Naming } from "@tdp/core";
import { Network } from "@tdp/network";

export = async () => {
  const region = "eu-west-1";
  const provider = new aws.Provider("aws", { region });
  const naming = new Naming({ infrastructureName: "acme-bi", environment: "prod" });
  const network = new Network(
    "network",
    {
      naming,
      iam: {},
      region,
      create: {
        cidrBlock: "10.70.0.0/16",
        availabilityZoneNames: ["eu-west-1a", "eu-west-1b"],
        natGateways: "single",
      },
    },
    { providers: [provider] },
  );
  const subnet = (index: number): pulumi.Output<string> =>
    network.privateSubnetIds.apply((ids) => {
      const id = ids[index];
      if (id === undefined) throw new Error(`the network has no private subnet ${index}`);
      return id;
    });
  const dashboard = new BiDashboard(
    "reports",
    {
      naming,
      deploymentName: "reports",
      region,
      vpcId: network.vpcId,
      vpcCidrBlock: network.cidrBlock,
      privateSubnetIds: [subnet(0), subnet(1)],
      // The network has the interface endpoints already.
      createVpcEndpoints: false,
      loadBalancer: { domainName: "reports.acme.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" },
      instances: { amiId: "ami-0123456789abcdef0" },
      scaling: { minSize: 2, maxSize: 4 },
    },
    { providers: [provider] },
  );
  return { vpcId: network.vpcId, url: dashboard.url, bucket: dashboard.bucketName };
};
