import * as pulumi from "@pulumi/pulumi";

/** One IAM policy statement, with inputs allowed wherever AWS accepts an ARN or a value. */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | Record<string, pulumi.Input<string> | pulumi.Input<string>[]>;
  NotPrincipal?: Record<string, pulumi.Input<string> | pulumi.Input<string>[]>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: pulumi.Input<string> | pulumi.Input<string>[];
  NotResource?: pulumi.Input<string> | pulumi.Input<string>[];
  Condition?: Record<
    string,
    Record<string, pulumi.Input<string> | pulumi.Input<string>[] | boolean | number>
  >;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** A policy document of `statements`. */
export function policyDocument(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** The document as JSON, resolving every input inside it. */
export function policyJson(document: PolicyDocument): pulumi.Output<string> {
  return pulumi.jsonStringify(pulumi.output(document as unknown as pulumi.Input<Record<string, unknown>>));
}

export function allow(
  actions: string | string[],
  resources: pulumi.Input<string> | pulumi.Input<string>[],
  extra: Partial<PolicyStatement> = {},
): PolicyStatement {
  return { Effect: "Allow", Action: actions, Resource: resources, ...extra };
}

/**
 * What a Lambda function in a VPC needs to attach its network interfaces. EC2 does not scope these
 * actions to resources, so they take "*" (AWSLambdaVPCAccessExecutionRole's grant, without its logs:*).
 */
export const LAMBDA_VPC_NETWORK_INTERFACES = allow(
  [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
  ],
  "*",
);

/** A trust policy letting the given AWS services assume the role, limited to this account. */
export function serviceTrustPolicy(services: string[], sourceAccount?: pulumi.Input<string>): PolicyDocument {
  return policyDocument({
    Effect: "Allow",
    Principal: { Service: services.length === 1 ? services[0]! : services },
    Action: "sts:AssumeRole",
    ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
  });
}

/** Denies every request to a bucket that does not use TLS (FSBP S3.5). */
export function denyInsecureTransport(bucketArn: pulumi.Input<string>): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** The ARN pattern of every object in a bucket. */
export function objectsArn(bucketArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`${bucketArn}/*`;
}
