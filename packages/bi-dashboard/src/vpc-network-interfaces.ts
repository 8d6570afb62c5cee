import { allow } from "@tdp/core";

/**
 * The network interfaces of functions in the VPC. EC2 does not scope these actions to
 * resources, so they take "*" (what AWSLambdaVPCAccessExecutionRole grants, without its logs:*).
 */
export const VPC_NETWORK_INTERFACES = allow(
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
