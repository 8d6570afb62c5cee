import {
  DEFAULT_IAM_USER_PATH,
  DEFAULT_IAM_USER_SERVICES,
  DEFAULT_USER_AUDIT_LOG_GROUP_SUFFIX,
  validateIamUserCreation,
  validatePlatformIntegrationsArgs,
} from "@tdp/eks-services";
import { z } from "zod";

import { check } from "./check";

/**
 * A value set with `pulumi config set --secret --path`. An empty string counts as missing, so an
 * enabled integration without its value is a config error.
 */
const secretValue = z.string().optional();

/** Stands in for the platform's boundary while the section alone is checked (see requireServicesConfig). */
const BOUNDARY_CHECKED_LATER = "arn:aws:iam::aws:policy/checked-against-tdp-platform";

/**
 * `tdp:services.integrations`: the Box and Egnyte integrations (seed "Service Parameters and
 * Secrets in SSM", pre-deployment task 11), Anylink, AthenaCreateIamUser and
 * UserAuditLogGroupSuffix. Secrets are Pulumi secrets, stored as SSM SecureStrings.
 */
export const integrationsSchema = z
  .strictObject({
    /** Box OAuth 2.0 custom app: BOX_CLIENT_ID, INT_BOX_CLIENT_ID, BOX_CLIENT_SECRET. */
    box: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** Secret: `pulumi config set --secret --path tdp:services.integrations.box.clientId`. */
        clientId: secretValue,
        /** Secret: `pulumi config set --secret --path tdp:services.integrations.box.clientSecret`. */
        clientSecret: secretValue,
      })
      .prefault({}),
    /** Egnyte: INT_EGNYTE_CLIENT_ID. */
    egnyte: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** Secret: `pulumi config set --secret --path tdp:services.integrations.egnyte.clientId`. */
        clientId: secretValue,
      })
      .prefault({}),
    /** Seed "Enable Anylink service": the ANYLINK_ENABLED platform setting. */
    anylink: z.strictObject({ enabled: z.boolean().default(false) }).prefault({}),
    /** Seed AthenaCreateIamUser: off, no task role can create IAM users (an explicit Deny). */
    athenaCreateIamUser: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** The services whose task role may create the Athena users. */
        services: z.array(z.string()).default([...DEFAULT_IAM_USER_SERVICES]),
        /** IAM path of the created users; nothing outside it may be touched. */
        userPath: z.string().default(DEFAULT_IAM_USER_PATH),
        /** Boundary every created user must carry; default tdp:platform.iamBoundaryPolicyArn. */
        permissionsBoundaryArn: z.string().optional(),
      })
      .prefault({}),
    /** Seed UserAuditLogGroupSuffix ("Legacy. Do not change the default value"). */
    userAuditLogGroupSuffix: z.string().default(DEFAULT_USER_AUDIT_LOG_GROUP_SUFFIX),
  })
  .superRefine((integrations, ctx) => {
    check(ctx, [], () =>
      validatePlatformIntegrationsArgs({
        box: integrations.box,
        egnyte: integrations.egnyte,
        userAuditLogGroupSuffix: integrations.userAuditLogGroupSuffix,
      }),
    );
    const athena = integrations.athenaCreateIamUser;
    check(ctx, [], () =>
      validateIamUserCreation({
        ...athena,
        permissionsBoundaryArn:
          athena.permissionsBoundaryArn ?? (athena.enabled ? BOUNDARY_CHECKED_LATER : undefined),
      }),
    );
  });

export type IntegrationsConfig = z.output<typeof integrationsSchema>;
