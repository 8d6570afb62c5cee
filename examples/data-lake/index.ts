// A data lake only: the platform's KMS keys and S3 buckets (@tdp/core and @tdp/data), nothing else.
import * as aws from "@pulumi/aws";
import { Naming } from "@tdp/core";
import { DataBuckets, DataKeys } from "@tdp/data";

export = async () => {
  const region = "eu-west-1";
  const provider = new aws.Provider("aws", { region });
  const naming = new Naming({ infrastructureName: "acme-lake", environment: "dev" });
  const keys = new DataKeys("keys", { naming, region }, { providers: [provider] });
  // "data-buckets", as in the platform's stacks: the pack's allow-list entries name its children.
  const buckets = new DataBuckets(
    "data-buckets",
    { naming, kmsKeyArns: { datalake: keys.arns.datalake, backup: keys.arns.backup } },
    { providers: [provider] },
  );
  return {
    datalakeBucket: buckets.buckets.datalake.bucketName,
    backupBucket: buckets.buckets.backup.bucketName,
    datalakeKeyArn: keys.arns.datalake,
  };
};
