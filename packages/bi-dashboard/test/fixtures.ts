import * as pulumi from "@pulumi/pulumi";
import { Naming } from "@tdp/core";

import type { BiDashboardArgs, BiDashboardSettings } from "../src";

export const CERTIFICATE_ARN =
  "arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012";

/** Settings that pass validation: the minimum another team would give. */
export function goodSettings(): BiDashboardSettings {
  return {
    deploymentName: "bi",
    region: "us-east-1",
    privateSubnetCount: 3,
    loadBalancer: { certificateArn: CERTIFICATE_ARN },
    instances: { amiId: "ami-0123456789abcdef0" },
  };
}

/** A placeholder handler bundle, so component tests do not depend on the sync handler's build. */
export const FAKE_SYNC_CODE = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => {};"),
});

export function goodArgs(overrides: Partial<BiDashboardArgs> = {}): BiDashboardArgs {
  return {
    naming: new Naming({ infrastructureName: "acme-tdp", environment: "production" }),
    deploymentName: "bi",
    region: "us-east-1",
    vpcId: "vpc-0123456789abcdef0",
    vpcCidrBlock: "10.40.0.0/16",
    privateSubnetIds: ["subnet-00000000000000a01", "subnet-00000000000000a02", "subnet-00000000000000a03"],
    loadBalancer: { certificateArn: CERTIFICATE_ARN },
    instances: { amiId: "ami-0123456789abcdef0" },
    sync: { code: FAKE_SYNC_CODE },
    ...overrides,
  };
}
