import { strict as assert } from "node:assert";

import { Naming } from "@tdp/core";

import {
  validateAlarmSpec,
  validateAlertsArgs,
  validateBucketLifecycle,
  validateBucketName,
  validateBucketRecovery,
  validateDataBucketsArgs,
  validateDataKeyArgs,
  validateEmail,
  loadBalancerLogPrincipal,
  validateLogRetentionDays,
  validateRotationPeriodInDays,
  validateSecureBucketArgs,
  validateSenderEmailArgs,
} from "../src";
import type { AlarmSpec, DataKeyArgs, SecureBucketArgs } from "../src";

const naming = new Naming({ infrastructureName: "acme-tdp" });
const KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000";

describe("data validation: e-mail addresses", () => {
  it("accepts group addresses", () => {
    validateEmail("notificationEmail", "platform-alerts@acme.example.com");
    validateEmail("notificationEmail", "first.last+tdp@sub.example.co.uk");
  });
  for (const bad of ["ops", "ops@", "@example.com", "ops@example", "ops@@example.com", "ops @example.com"]) {
    it(`rejects "${bad}" naming the field and the rule`, () => {
      assert.throws(() => validateAlertsArgs({ naming, notificationEmail: bad, kmsKeyArn: KEY_ARN }), {
        message: `notificationEmail "${bad}" is not an e-mail address (local@domain.tld, at most 254 characters)`,
      });
    });
  }
  it("names an alert topic after its purpose, and rejects a purpose that is no name part", () => {
    const email = "platform-alerts@acme.example.com";
    validateAlertsArgs({ naming, notificationEmail: email, kmsKeyArn: KEY_ARN, purpose: "alerts-us-east-1" });
    for (const bad of ["Alerts", "alerts_1", "-alerts", "alerts-", ""]) {
      assert.throws(
        () => validateAlertsArgs({ naming, notificationEmail: email, kmsKeyArn: KEY_ARN, purpose: bad }),
        {
          message: `purpose "${bad}" must be lowercase letters, digits and hyphens, starting with a letter (it ends the topic's name); such as alerts-us-east-1`,
        },
      );
    }
  });
  it("rejects a bad SES sender address", () => {
    assert.throws(() => validateSenderEmailArgs({ sourceAddress: "noreply" }), {
      message: 'sourceAddress "noreply" is not an e-mail address (local@domain.tld, at most 254 characters)',
    });
  });
  it("rejects an address longer than 254 characters", () => {
    const long = `${"a".repeat(60)}@${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.example.com`;
    assert.throws(() => validateEmail("notificationEmail", long), /is not an e-mail address/);
  });
});

describe("data validation: bucket names", () => {
  it("accepts the derived names", () => {
    validateBucketName("bucketName", naming.name("s3Bucket", "athena-results"));
    validateBucketName("bucketName", "acme.tdp.datalake");
  });
  const cases: [string, string][] = [
    ["ab", "it has 2 characters; S3 allows 3 to 63"],
    ["a".repeat(64), "it has 64 characters; S3 allows 3 to 63"],
    ["Acme-Datalake", "use only lowercase letters, digits, dots and hyphens"],
    ["acme_datalake", "use only lowercase letters, digits, dots and hyphens"],
    ["-acme-datalake", "it must begin and end with a letter or digit"],
    ["acme-datalake-", "it must begin and end with a letter or digit"],
    ["acme..datalake", "two adjacent dots are not allowed"],
    ["192.168.5.4", "it must not be formatted as an IP address"],
    ["xn--acme", 'the prefix "xn--" is reserved by AWS'],
    ["acme-s3alias", 'the suffix "-s3alias" is reserved by AWS'],
  ];
  for (const [name, rule] of cases) {
    it(`rejects "${name.length > 20 ? `${name.slice(0, 10)}…` : name}": ${rule}`, () => {
      assert.throws(() => validateBucketName("bucketNames.datalake", name), {
        message: `bucketNames.datalake "${name}" is not a valid S3 bucket name: ${rule}`,
      });
    });
  }
});

describe("data validation: bucket lifecycle", () => {
  it("accepts the defaults and sensible values", () => {
    validateBucketLifecycle({});
    validateBucketLifecycle({ abortIncompleteMultipartUploadDays: 1, noncurrentVersionExpirationDays: 3650 });
  });
  it("rejects noncurrent-version days of 0", () => {
    assert.throws(
      () => validateBucketLifecycle({ noncurrentVersionExpirationDays: 0 }, "lifecycle.datalake"),
      {
        message:
          "lifecycle.datalake.noncurrentVersionExpirationDays 0 must be a whole number from 1 to 3650 (days an old object version is kept; at most ten years)",
      },
    );
  });
  it("rejects fractional noncurrent-version days", () => {
    assert.throws(
      () => validateBucketLifecycle({ noncurrentVersionExpirationDays: 2.5 }),
      /noncurrentVersionExpirationDays 2.5 must be a whole number from 1 to 3650/,
    );
  });
  it("rejects noncurrent-version days beyond ten years", () => {
    assert.throws(
      () => validateBucketLifecycle({ noncurrentVersionExpirationDays: 4000 }),
      /noncurrentVersionExpirationDays 4000 must be a whole number from 1 to 3650/,
    );
  });
  it("rejects an abort-multipart period of 0 days", () => {
    assert.throws(() => validateBucketLifecycle({ abortIncompleteMultipartUploadDays: 0 }), {
      message:
        "lifecycle.abortIncompleteMultipartUploadDays 0 must be a whole number from 1 to 365 (days after which an unfinished multipart upload is aborted)",
    });
  });
  it("rejects a negative expiration", () => {
    assert.throws(
      () => validateBucketLifecycle({ expirationDays: -1 }),
      /lifecycle.expirationDays -1 must be a whole number from 1 to 36500/,
    );
  });
});

describe("data validation: SecureBucket arguments", () => {
  const base: SecureBucketArgs = {
    bucketName: "acme-tdp-production-datalake",
    kmsKeyArn: KEY_ARN,
    accessLogs: { bucketName: "acme-tdp-production-access-logs" },
  };
  it("accepts a KMS bucket that logs", () => validateSecureBucketArgs(base));
  it("requires exactly one of kmsKeyArn and sseS3Reason", () => {
    const message =
      'bucket "acme-tdp-production-datalake": give exactly one of kmsKeyArn (SSE-KMS, the rule) or sseS3Reason (why SSE-S3 must be used instead)';
    assert.throws(() => validateSecureBucketArgs({ ...base, kmsKeyArn: undefined }), { message });
    assert.throws(
      () => validateSecureBucketArgs({ ...base, sseS3Reason: "because the logging service needs it" }),
      {
        message,
      },
    );
  });
  it("wants a real reason for SSE-S3", () => {
    assert.throws(
      () => validateSecureBucketArgs({ ...base, kmsKeyArn: undefined, sseS3Reason: "x" }),
      /sseS3Reason "x" must say why SSE-KMS cannot be used/,
    );
  });
  it("requires access logging unless the bucket is the log target", () => {
    assert.throws(() => validateSecureBucketArgs({ ...base, accessLogs: undefined }), {
      message:
        'bucket "acme-tdp-production-datalake": accessLogs is required (FSBP S3.9: every bucket logs its requests), unless the bucket is itself the access-log target',
    });
  });
  it("rejects an unknown replication storage class", () => {
    assert.throws(
      () =>
        validateSecureBucketArgs({
          ...base,
          replication: {
            destinationBucketArn: "arn:aws:s3:::dr",
            destinationKmsKeyArn: KEY_ARN,
            roleArn: "arn:aws:iam::111111111111:role/r",
            storageClass: "COLD",
          },
        }),
      /replication.storageClass "COLD" must be one of STANDARD, STANDARD_IA/,
    );
  });
  it("checks the bucket name", () => {
    assert.throws(
      () => validateSecureBucketArgs({ ...base, bucketName: "Bad_Name" }),
      /bucketName "Bad_Name" is not a valid S3 bucket name/,
    );
  });
});

describe("data validation: recovery mode (seed STBucket, DLBucket)", () => {
  it("accepts both buckets", () => {
    validateBucketRecovery({ streamBucketName: "acme-dr-stream", datalakeBucketName: "acme-dr-datalake" });
  });
  it("rejects the stream bucket alone", () => {
    assert.throws(() => validateBucketRecovery({ streamBucketName: "acme-dr-stream" }), {
      message:
        'recovery: only the stream bucket (seed STBucket) "acme-dr-stream" is given; recovery.datalakeBucketName (seed DLBucket) is missing. A DR recovery adopts both buckets or neither',
    });
  });
  it("rejects the data lake bucket alone", () => {
    assert.throws(() => validateBucketRecovery({ datalakeBucketName: "acme-dr-datalake" }), {
      message:
        'recovery: only the data lake bucket (seed DLBucket) "acme-dr-datalake" is given; recovery.streamBucketName (seed STBucket) is missing. A DR recovery adopts both buckets or neither',
    });
  });
  it("rejects the same bucket twice", () => {
    assert.throws(
      () => validateBucketRecovery({ streamBucketName: "acme-dr", datalakeBucketName: "acme-dr" }),
      /recovery.streamBucketName and recovery.datalakeBucketName are both "acme-dr"; they are two buckets/,
    );
  });
  it("rejects an invalid adopted bucket name", () => {
    assert.throws(
      () => validateBucketRecovery({ streamBucketName: "ACME", datalakeBucketName: "acme-dr-datalake" }),
      /recovery.streamBucketName "ACME" is not a valid S3 bucket name/,
    );
  });
  it("rejects a KMS alias where a key ARN is needed", () => {
    assert.throws(
      () =>
        validateBucketRecovery({
          streamBucketName: "acme-dr-stream",
          datalakeBucketName: "acme-dr-datalake",
          kmsKeyArn: "alias/acme",
        }),
      /recovery.kmsKeyArn "alias\/acme" is not a KMS key ARN/,
    );
  });
});

describe("data validation: DataBuckets arguments", () => {
  it("rejects an unknown bucket in bucketNames", () => {
    assert.throws(
      () => validateDataBucketsArgs({ bucketNames: { lake: "acme-lake" } as never }),
      /bucketNames.lake: unknown bucket; the buckets are datalake, stream, backup, artifacts, athena-results, access-logs/,
    );
  });
  it("rejects one name for two buckets", () => {
    assert.throws(
      () => validateDataBucketsArgs({ bucketNames: { datalake: "acme-one", stream: "acme-one" } }),
      /bucketNames: "acme-one" is given to two buckets/,
    );
  });
  it("rejects a load-balancer log prefix with slashes at its ends", () => {
    assert.throws(
      () => validateDataBucketsArgs({ region: "us-east-1", loadBalancerLogPrefixes: ["/alb/"] }),
      {
        message:
          'loadBalancerLogPrefixes[0] "/alb/" must be a key prefix such as "alb/web": no leading or trailing "/", no "AWSLogs" (ELB adds it)',
      },
    );
  });
  it("needs the region for load-balancer logs", () => {
    assert.throws(
      () => validateDataBucketsArgs({ loadBalancerLogPrefixes: ["alb"] }),
      /region is required to choose the ELB log-delivery principal/,
    );
  });
  it("uses the log-delivery service principal in regions without an ELB account", () => {
    assert.deepEqual(loadBalancerLogPrincipal("ap-southeast-5", "aws"), {
      Service: "logdelivery.elasticloadbalancing.amazonaws.com",
    });
  });
  it("checks the access-log bucket's lifecycle, whose expiry is accessLogRetentionDays", () => {
    assert.throws(
      () => validateDataBucketsArgs({ lifecycle: { "access-logs": { noncurrentVersionExpirationDays: 0 } } }),
      /lifecycle.access-logs.noncurrentVersionExpirationDays 0 must be a whole number from 1 to 3650/,
    );
    assert.throws(() => validateDataBucketsArgs({ lifecycle: { "access-logs": { expirationDays: 30 } } }), {
      message:
        "lifecycle.access-logs.expirationDays 30: the access logs' expiry is accessLogRetentionDays; set that instead",
    });
    assert.throws(
      () => validateDataBucketsArgs({ lifecycle: { logs: {} } as never }),
      /lifecycle.logs: unknown bucket; the buckets are datalake, stream, backup, artifacts, athena-results, access-logs/,
    );
  });
  it("checks lifecycle overrides per bucket", () => {
    assert.throws(
      () => validateDataBucketsArgs({ lifecycle: { stream: { noncurrentVersionExpirationDays: 0 } } }),
      /lifecycle.stream.noncurrentVersionExpirationDays 0 must be a whole number from 1 to 3650/,
    );
  });
});

describe("data validation: keys", () => {
  const key: DataKeyArgs = {
    naming,
    purpose: "datalake",
    description: "d",
    region: "us-east-1",
    viaServices: ["s3"],
  };
  it("accepts a key used through S3", () => validateDataKeyArgs(key));
  it("rejects a rotation period outside KMS's range", () => {
    assert.throws(() => validateRotationPeriodInDays(30), {
      message:
        "rotationPeriodInDays 30 must be a whole number from 90 to 2560 (KMS's automatic rotation range)",
    });
    assert.throws(
      () => validateDataKeyArgs({ ...key, rotationPeriodInDays: 3000 }),
      /rotationPeriodInDays 3000/,
    );
  });
  it("rejects a deletion window outside 7 to 30 days", () => {
    assert.throws(() => validateDataKeyArgs({ ...key, deletionWindowInDays: 3 }), {
      message: 'key "datalake": deletionWindowInDays 3 must be a whole number from 7 to 30 (KMS\'s range)',
    });
  });
  it("rejects an alias under alias/aws/", () => {
    assert.throws(
      () => validateDataKeyArgs({ ...key, aliasName: "alias/aws/s3" }),
      /aliasName "alias\/aws\/s3"/,
    );
  });
  it("rejects a key nobody may use", () => {
    assert.throws(
      () => validateDataKeyArgs({ ...key, viaServices: [] }),
      /give viaServices or servicePrincipals/,
    );
  });
  it("rejects a full service principal where a short name is expected", () => {
    assert.throws(
      () => validateDataKeyArgs({ ...key, viaServices: ["s3.amazonaws.com"] }),
      /viaServices entry "s3.amazonaws.com" must be a service short name/,
    );
  });
});

describe("data validation: alarms and log groups", () => {
  const spec: AlarmSpec = {
    purpose: "db-cpu",
    description: "CPU high",
    namespace: "AWS/RDS",
    metricName: "CPUUtilization",
    comparison: ">",
    threshold: 80,
  };
  it("accepts a plain alarm", () => validateAlarmSpec(spec));
  it("rejects a period CloudWatch does not take", () => {
    assert.throws(() => validateAlarmSpec({ ...spec, periodSeconds: 45 }), {
      message: 'alarm "db-cpu": periodSeconds 45 must be 10, 30 or a multiple of 60 (CloudWatch\'s rule)',
    });
  });
  it("rejects more datapoints than evaluation periods", () => {
    assert.throws(
      () => validateAlarmSpec({ ...spec, evaluationPeriods: 2, datapointsToAlarm: 3 }),
      /datapointsToAlarm 3 must be a whole number from 1 to evaluationPeriods \(2\)/,
    );
  });
  it("rejects an evaluation window over a day", () => {
    assert.throws(
      () => validateAlarmSpec({ ...spec, periodSeconds: 3600, evaluationPeriods: 25 }),
      /90000 s exceeds CloudWatch's one-day limit/,
    );
  });
  it("rejects a purpose with capitals", () => {
    assert.throws(
      () => validateAlarmSpec({ ...spec, purpose: "DbCpu" }),
      /purpose "DbCpu" must be lowercase/,
    );
  });
  it("rejects a log retention CloudWatch does not offer", () => {
    assert.throws(
      () => validateLogRetentionDays(45),
      /logRetentionDays 45 is invalid: CloudWatch Logs accepts only 1, 3, 5/,
    );
  });
});
