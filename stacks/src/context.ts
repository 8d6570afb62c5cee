import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming } from "@tdp/core";

import type { StackConfig } from "./config/sections";

/** What every assembly step of a stack receives. */
export interface StackContext {
  /** The validated config of the stack. */
  config: StackConfig;
  region: string;
  naming: Naming;
  iam: IamSettings;
  /** The AWS provider with the deployment's default tags. */
  provider: aws.Provider;
  /** Options for a component created by the stack: its children use the tagged provider. */
  componentOptions: pulumi.ComponentResourceOptions;
  /**
   * An AWS provider for another region with the same tags, account restriction and settings (one
   * per region, made on first use), e.g. us-east-1 for certificates CloudFront serves. The stack's
   * own region gives `provider`.
   */
  providerFor?: (region: string) => aws.Provider;
}
