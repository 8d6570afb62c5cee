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
  validateKmsKeyArn,
  validateSearchRestore,
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

/** The recovery block's keys, as the package's recovery messages name them. */
const RECOVERY_CONFIG_KEYS = {
  stream: "tdp:data.recovery.streamBucket",
  datalake: "tdp:data.recovery.datalakeBucket",
  kmsKeyArn: "tdp:data.recovery.kmsKeyArn",
};

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
        /**
         * Lifecycle overrides per bucket, and for the access-log bucket (its expiry is
         * accessLogRetentionDays, so expirationDays is refused there).
         */
        lifecycle: perBucket(lifecycleSchema)
          .extend({ "access-logs": lifecycleSchema.optional() })
          .default({}),
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
        /** The DR backup bucket: adopted too, so search restores from the replicated snapshots. */
        backupBucket: z.string().optional(),
        /** Per adopted bucket (stream, datalake, backup), its key when they differ. */
        kmsKeyArns: z
          .strictObject({
            stream: arn("kms").optional(),
            datalake: arn("kms").optional(),
            backup: arn("kms").optional(),
          })
          .optional(),
        /**
         * The DR database key the DR copies are encrypted with (the dr stack's
         * targets.keyArns.database): the database is restored from database.snapshotIdentifier
         * under it, and no database key of this stack is created.
         */
        databaseKmsKeyArn: arn("kms").optional(),
        /** Restore the search indices from the replicated repository once the domain exists. */
        searchRestore: z
          .strictObject({
            /** "latest" (the newest successful snapshot holding indices) or a snapshot's name. */
            snapshot: z.string().default("latest"),
            /** Comma-separated index patterns (`*`, `-` excludes); system indices are never restored. */
            indices: z.string().default("*"),
          })
          .optional(),
      })
      .optional(),
    /** RDS PostgreSQL and its AWS Backup plan (seed InstanceTypeRDS, RDSBackup*, RDSSnapShot). */
    database: databaseSchema.prefault({}),
    /** The OpenSearch domain and its snapshots (seed EsMasterInstanceType, EsDatanode*, EsBackupInterval). */
    search: searchSchema.prefault({}),
    /** Seed 001 pre-deployment task 6: set one false where that role already exists in the account. */
    serviceLinkedRoles: z
      .strictObject({
        ecs: z.boolean().default(true),
        openSearch: z.boolean().default(true),
        /** The compute key's policy names it (the Auto Scaling groups' encrypted volumes). */
        autoScaling: z.boolean().default(true),
      })
      .default({ ecs: true, openSearch: true, autoScaling: true }),
    /** Seed 001 pre-deployment task 2: a trail for accounts that lack one. */
    cloudTrail: z
      .strictObject({
        enabled: z.boolean().default(false),
        bucketName: z.string().optional(),
        /** Lifecycle overrides of the trail bucket (default: old versions 90 days, uploads aborted after 7). */
        lifecycle: lifecycleSchema.optional(),
      })
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
    if (data.buckets.lifecycle["access-logs"]?.expirationDays !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["buckets", "lifecycle", "access-logs", "expirationDays"],
        message:
          "the access logs' expiry is buckets.accessLogRetentionDays (default 365); set that instead of buckets.lifecycle.access-logs.expirationDays",
      });
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
      if (r.databaseKmsKeyArn !== undefined) {
        check(ctx, ["recovery", "databaseKmsKeyArn"], () =>
          validateKmsKeyArn("recovery.databaseKmsKeyArn", r.databaseKmsKeyArn!),
        );
        if (data.database.snapshotIdentifier === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["recovery", "databaseKmsKeyArn"],
            message:
              "recovery.databaseKmsKeyArn adopts the DR copies' key, so it needs database.snapshotIdentifier: set it to the DR copy to restore (its ARN, from aws rds describe-db-snapshots in the DR region), or remove databaseKmsKeyArn to create a new database under this stack's own key",
          });
        }
      }
      if (r.searchRestore !== undefined) {
        check(ctx, ["recovery", "searchRestore"], () =>
          validateSearchRestore(r.searchRestore!, "recovery.searchRestore"),
        );
        if (r.backupBucket === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["recovery", "searchRestore"],
            message:
              "recovery.searchRestore restores from the replicated snapshots, so it needs recovery.backupBucket (the dr stack's targets.buckets.backup.name): set it, or remove searchRestore",
          });
        }
      }
      if (r.backupBucket !== undefined) {
        check(ctx, ["recovery", "backupBucket"], () => {
          validateBucketName("recovery.backupBucket", r.backupBucket!);
          if (r.backupBucket === r.streamBucket || r.backupBucket === r.datalakeBucket) {
            throw new Error(
              `recovery.backupBucket "${r.backupBucket}" is also the stream or data lake bucket; the backup bucket is a third bucket`,
            );
          }
        });
      }
      if (
        r.streamBucket === undefined ||
        r.datalakeBucket === undefined ||
        r.streamBucket === r.datalakeBucket
      ) {
        // Only one of the pair, neither, or the same name twice.
        const path = r.streamBucket === undefined ? "streamBucket" : "datalakeBucket";
        // The package names its arguments; the user set config keys, so its messages name those.
        check(ctx, ["recovery", path], () =>
          validateBucketRecovery(
            { streamBucketName: r.streamBucket, datalakeBucketName: r.datalakeBucket },
            RECOVERY_CONFIG_KEYS,
          ),
        );
      }
    }
    if (data.cloudTrail.bucketName !== undefined) {
      check(ctx, ["cloudTrail", "bucketName"], () =>
        validateBucketName("cloudTrail.bucketName", data.cloudTrail.bucketName!),
      );
    }
    for (const [field, value] of Object.entries(data.cloudTrail.lifecycle ?? {})) {
      check(ctx, ["cloudTrail", "lifecycle", field], () =>
        validateBucketLifecycle({ [field]: value } as BucketLifecycleArgs, "cloudTrail.lifecycle"),
      );
    }
  });

export type DataConfig = z.output<typeof dataSchema>;
