import { arn } from "@tdp/core";
import type { BucketLifecycleArgs, BucketPurpose } from "@tdp/data";
import {
  BUCKET_PURPOSES,
  validateBucketLifecycle,
  validateBucketName,
  validateBucketRecovery,
  validateRotationPeriodInDays,
  validateEmail,
  validateIntBetween,
} from "@tdp/data";
import { z } from "zod";

import { databaseSchema } from "./data/database";
import { searchSchema } from "./data/search";

/** Runs one of the package's pure validators; its message becomes the issue at `path`. */
function check(ctx: z.RefinementCtx, path: (string | number)[], validate: () => void): void {
  try {
    validate();
  } catch (err) {
    ctx.addIssue({ code: "custom", path, message: (err as Error).message });
  }
}

const lifecycleSchema = z.strictObject({
  /** Days after which an unfinished multipart upload is aborted. */
  abortIncompleteMultipartUploadDays: z.number().optional(),
  /** Days an old object version is kept. */
  noncurrentVersionExpirationDays: z.number().optional(),
  /** Days after which current objects expire. */
  expirationDays: z.number().optional(),
});

const perBucket = <T extends z.ZodType>(schema: T) =>
  z.strictObject(
    Object.fromEntries(BUCKET_PURPOSES.map((p) => [p, schema.optional()])) as Record<
      BucketPurpose,
      z.ZodOptional<T>
    >,
  );

/**
 * `tdp:data`: the data layer (seed 001 Data Layer: NotificationEmail, SourceNotificationEmail,
 * STBucket, DLBucket, and the database and search parameters in `database` and `search`).
 * A primary stack needs `alerts` and `email`; a dr stack may leave the section out.
 */
export const dataSchema = z
  .strictObject({
    /** Seed NotificationEmail: subscribed to the alert topic (the confirmation click stays manual). */
    alerts: z.strictObject({ notificationEmail: z.string() }).optional(),
    /** Seed SourceNotificationEmail: the SES sender identity (verification and sandbox exit manual). */
    email: z.strictObject({ sourceAddress: z.string() }).optional(),
    /** The customer-managed keys (one per purpose, yearly rotation). */
    keys: z
      .strictObject({ rotationPeriodInDays: z.number().default(365) })
      .default({ rotationPeriodInDays: 365 }),
    /** The platform's buckets. */
    buckets: z
      .strictObject({
        /** Physical names instead of `<infrastructureName>-<environment>-<purpose>` (names are global). */
        names: perBucket(z.string()).extend({ "access-logs": z.string().optional() }).default({}),
        /** Lifecycle overrides per bucket. */
        lifecycle: perBucket(lifecycleSchema).default({}),
        /** Days server access logs are kept. */
        accessLogRetentionDays: z.number().default(365),
      })
      .default({ names: {}, lifecycle: {}, accessLogRetentionDays: 365 }),
    /** Seed STBucket and DLBucket: DR recovery adopts both existing buckets instead of creating them. */
    recovery: z
      .strictObject({
        /** Seed STBucket. */
        streamBucket: z.string().optional(),
        /** Seed DLBucket. */
        datalakeBucket: z.string().optional(),
        /** The key the adopted buckets are encrypted with; default the datalake key. */
        kmsKeyArn: arn("kms").optional(),
      })
      .optional(),
    /** RDS PostgreSQL and its AWS Backup plan (seed InstanceTypeRDS, RDSBackup*, RDSSnapShot). */
    database: databaseSchema.prefault({}),
    /** The OpenSearch domain and its snapshots (seed EsMasterInstanceType, EsDatanode*, EsBackupInterval). */
    search: searchSchema.prefault({}),
    /** Seed 001 pre-deployment task 6: set one false where that role already exists in the account. */
    serviceLinkedRoles: z
      .strictObject({ ecs: z.boolean().default(true), openSearch: z.boolean().default(true) })
      .default({ ecs: true, openSearch: true }),
    /** Seed 001 pre-deployment task 2: a trail for accounts that lack one. */
    cloudTrail: z
      .strictObject({ enabled: z.boolean().default(false), bucketName: z.string().optional() })
      .default({ enabled: false }),
  })
  .superRefine((data, ctx) => {
    if (data.alerts !== undefined) {
      check(ctx, ["alerts", "notificationEmail"], () =>
        validateEmail("notificationEmail", data.alerts!.notificationEmail),
      );
    }
    if (data.email !== undefined) {
      check(ctx, ["email", "sourceAddress"], () => validateEmail("sourceAddress", data.email!.sourceAddress));
    }
    check(ctx, ["keys", "rotationPeriodInDays"], () =>
      validateRotationPeriodInDays(data.keys.rotationPeriodInDays),
    );
    for (const [purpose, name] of Object.entries(data.buckets.names)) {
      if (name !== undefined) {
        check(ctx, ["buckets", "names", purpose], () => validateBucketName(`buckets.names.${purpose}`, name));
      }
    }
    const names = Object.values(data.buckets.names).filter((n) => n !== undefined);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["buckets", "names"],
        message: `"${duplicate}" is given to two buckets; each bucket needs its own name`,
      });
    }
    for (const [purpose, lifecycle] of Object.entries(data.buckets.lifecycle)) {
      for (const [field, value] of Object.entries(lifecycle ?? {})) {
        check(ctx, ["buckets", "lifecycle", purpose, field], () =>
          validateBucketLifecycle({ [field]: value } as BucketLifecycleArgs, `buckets.lifecycle.${purpose}`),
        );
      }
    }
    check(ctx, ["buckets", "accessLogRetentionDays"], () =>
      validateIntBetween(
        "accessLogRetentionDays",
        data.buckets.accessLogRetentionDays,
        1,
        3650,
        "days access logs are kept",
      ),
    );
    if (data.recovery !== undefined) {
      const r = data.recovery;
      if (r.streamBucket !== undefined && r.datalakeBucket !== undefined) {
        check(ctx, ["recovery", "streamBucket"], () =>
          validateBucketName("recovery.streamBucket", r.streamBucket!),
        );
        check(ctx, ["recovery", "datalakeBucket"], () =>
          validateBucketName("recovery.datalakeBucket", r.datalakeBucket!),
        );
      }
      if (
        r.streamBucket === undefined ||
        r.datalakeBucket === undefined ||
        r.streamBucket === r.datalakeBucket
      ) {
        // Only one of the pair, neither, or the same name twice.
        const path = r.streamBucket === undefined ? "streamBucket" : "datalakeBucket";
        check(ctx, ["recovery", path], () =>
          validateBucketRecovery({ streamBucketName: r.streamBucket, datalakeBucketName: r.datalakeBucket }),
        );
      }
    }
    if (data.cloudTrail.bucketName !== undefined) {
      check(ctx, ["cloudTrail", "bucketName"], () =>
        validateBucketName("cloudTrail.bucketName", data.cloudTrail.bucketName!),
      );
    }
  });

export type DataConfig = z.output<typeof dataSchema>;
