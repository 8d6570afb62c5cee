import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Naming } from "@tdp/core";
import { LOG_RETENTION_DAYS } from "@tdp/core";

import type { PlatformSettingsValues } from "../ecs/validation";
import {
  DEFAULT_CONNECTOR_MAX_MEMORY,
  DEFAULT_TASK_THROUGHPUT,
  platformSettingsPath,
  validatePlatformSettings,
} from "../ecs/validation";

/** The services the seed's integration parameters belong to. */
export const LINK_FILE_SERVICE = "ts-service-link-file";
export const WEB_SERVICE = "ts-service-web";
/** The Anylink service: it runs exactly when the ANYLINK_ENABLED setting is true. */
export const ANYLINK_SERVICE = "ts-service-anylink";
/** Seed UserAuditLogGroupSuffix default ("Legacy. Do not change the default value"). */
export const DEFAULT_USER_AUDIT_LOG_GROUP_SUFFIX = "user-action-audit-log";

/** Box OAuth 2.0 custom app (seed pre-deployment task 11). */
export interface BoxIntegrationArgs {
  /** Seed "Enable Box Integration". @default false */
  enabled?: boolean;
  /** Client ID (a Pulumi secret); required when enabled. */
  clientId?: pulumi.Input<string>;
  /** Client secret (a Pulumi secret); required when enabled. */
  clientSecret?: pulumi.Input<string>;
}

export interface EgnyteIntegrationArgs {
  /** Seed "Enable Egnyte Integration". @default false */
  enabled?: boolean;
  /** Egnyte client id (a Pulumi secret); required when enabled. */
  clientId?: pulumi.Input<string>;
}

export interface PlatformIntegrationsArgs {
  /** Physical names; every parameter path uses its environment (`naming.ssmPath`). */
  naming: Naming;
  /** The data layer's secrets key: every SecureString is encrypted with it. */
  secretsKmsKeyArn: pulumi.Input<string>;
  /** The data layer's logs key, for the audit log group. */
  logsKmsKeyArn: pulumi.Input<string>;
  /** Seed LogRetentionDays. @default 90 */
  logRetentionDays?: number;
  /** Seed TaskThroughput and ConnectorMaxMemory. @default 20 and 2048 */
  settings?: PlatformSettingsValues;
  /** @default disabled */
  box?: BoxIntegrationArgs;
  /** @default disabled */
  egnyte?: EgnyteIntegrationArgs;
  /** Seed "Enable Anylink service": published as the ANYLINK_ENABLED setting. @default false */
  anylinkEnabled?: boolean;
  /** Seed AthenaCreateIamUser: published as the ATHENA_CREATE_IAM_USER setting. @default false */
  athenaCreateIamUser?: boolean;
  /** Seed UserAuditLogGroupSuffix: the audit log group is `<infrastructureName>-<environment>-<suffix>`. @default "user-action-audit-log" */
  userAuditLogGroupSuffix?: string;
}

function missing(value: pulumi.Input<string> | undefined): boolean {
  return value === undefined || value === "";
}

export function validatePlatformIntegrationsArgs(
  args: Omit<PlatformIntegrationsArgs, "naming" | "secretsKmsKeyArn" | "logsKmsKeyArn">,
): void {
  validatePlatformSettings(args.settings ?? {});
  if (args.box?.enabled === true) {
    for (const key of ["clientId", "clientSecret"] as const) {
      if (missing(args.box[key])) {
        throw new Error(
          `box.${key} (missing): the Box integration is enabled, so its ${key === "clientId" ? "Client ID" : "Client Secret"} is required; set it as a secret (pulumi config set --secret --path tdp:services.integrations.box.${key}) or disable the integration`,
        );
      }
    }
  }
  if (args.egnyte?.enabled === true && missing(args.egnyte.clientId)) {
    throw new Error(
      "egnyte.clientId (missing): the Egnyte integration is enabled, so its client id is required; set it as a secret (pulumi config set --secret --path tdp:services.integrations.egnyte.clientId) or disable the integration",
    );
  }
  const suffix = args.userAuditLogGroupSuffix ?? DEFAULT_USER_AUDIT_LOG_GROUP_SUFFIX;
  if (!/^[A-Za-z0-9_.#/-]{1,200}$/.test(suffix)) {
    throw new Error(
      `userAuditLogGroupSuffix ${JSON.stringify(suffix)}: must be 1 to 200 of the characters log group names allow (A-Z a-z 0-9 _ . # / -)`,
    );
  }
  const retention = args.logRetentionDays ?? 90;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
    throw new Error(
      `logRetentionDays ${retention}: CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(", ")}`,
    );
  }
}

/**
 * The service layer's SSM parameters and audit log group: the Box and Egnyte OAuth values as
 * SecureStrings under the seed's paths (only for enabled integrations), the platform settings
 * (TaskThroughput, ConnectorMaxMemory, Anylink, AthenaCreateIamUser, the audit group's name) as
 * String parameters the services read, and the user audit log group with retention and KMS.
 */
export class PlatformIntegrations extends pulumi.ComponentResource {
  /** SecureString parameter ARNs to inject, by service and environment variable name. */
  readonly secretsByService: Record<string, Record<string, pulumi.Output<string>>>;
  /** Names (paths) of every SecureString created. */
  readonly secureParameterNames: string[];
  /** The platform-settings String parameters by setting name. */
  readonly settingsParameterArns: Record<string, pulumi.Output<string>>;
  /** `/tetrascience/<environment>/ECS/platform-settings`. */
  readonly settingsPath: string;
  readonly auditLogGroupName: pulumi.Output<string>;
  readonly auditLogGroupArn: pulumi.Output<string>;

  constructor(name: string, args: PlatformIntegrationsArgs, opts?: pulumi.ComponentResourceOptions) {
    validatePlatformIntegrationsArgs(args);
    super("tdp:eks-services:PlatformIntegrations", name, {}, opts);
    const child = { parent: this };
    const naming = args.naming;
    this.secretsByService = {};
    this.secureParameterNames = [];

    const secure = (
      role: string,
      service: string,
      variable: string,
      value: pulumi.Input<string>,
      what: string,
    ) => {
      const path = naming.ssmPath("ECS", service, variable);
      const parameter = new aws.ssm.Parameter(
        `${name}-${role}`,
        {
          name: path,
          type: "SecureString",
          value: pulumi.secret(value),
          keyId: args.secretsKmsKeyArn,
          description: what,
          tier: "Standard",
        },
        child,
      );
      (this.secretsByService[service] ??= {})[variable] = parameter.arn;
      this.secureParameterNames.push(path);
    };
    if (args.box?.enabled === true) {
      secure(
        "box-client-id",
        LINK_FILE_SERVICE,
        "BOX_CLIENT_ID",
        args.box.clientId!,
        "Box OAuth 2.0 custom app Client ID",
      );
      secure(
        "box-int-client-id",
        WEB_SERVICE,
        "INT_BOX_CLIENT_ID",
        args.box.clientId!,
        "Box OAuth 2.0 custom app Client ID (web)",
      );
      secure(
        "box-client-secret",
        LINK_FILE_SERVICE,
        "BOX_CLIENT_SECRET",
        args.box.clientSecret!,
        "Box OAuth 2.0 custom app Client Secret",
      );
    }
    if (args.egnyte?.enabled === true) {
      secure(
        "egnyte-client-id",
        WEB_SERVICE,
        "INT_EGNYTE_CLIENT_ID",
        args.egnyte.clientId!,
        "Egnyte client id",
      );
    }

    const auditGroup = new aws.cloudwatch.LogGroup(
      `${name}-user-audit-logs`,
      {
        name: naming.name("logGroup", args.userAuditLogGroupSuffix ?? DEFAULT_USER_AUDIT_LOG_GROUP_SUFFIX),
        retentionInDays: args.logRetentionDays ?? 90,
        kmsKeyId: args.logsKmsKeyArn,
      },
      child,
    );
    this.auditLogGroupName = auditGroup.name;
    this.auditLogGroupArn = auditGroup.arn;

    this.settingsPath = platformSettingsPath(naming);
    const settings: Record<string, pulumi.Input<string>> = {
      TASK_THROUGHPUT: String(args.settings?.taskThroughput ?? DEFAULT_TASK_THROUGHPUT),
      CONNECTOR_MAX_MEMORY: String(args.settings?.connectorMaxMemory ?? DEFAULT_CONNECTOR_MAX_MEMORY),
      ANYLINK_ENABLED: String(args.anylinkEnabled ?? false),
      BOX_ENABLED: String(args.box?.enabled ?? false),
      EGNYTE_ENABLED: String(args.egnyte?.enabled ?? false),
      ATHENA_CREATE_IAM_USER: String(args.athenaCreateIamUser ?? false),
      USER_AUDIT_LOG_GROUP: auditGroup.name,
    };
    this.settingsParameterArns = {};
    for (const [key, value] of Object.entries(settings)) {
      const parameter = new aws.ssm.Parameter(
        `${name}-setting-${key.toLowerCase().replace(/_/g, "-")}`,
        {
          name: `${this.settingsPath}/${key}`,
          type: "String",
          // insecureValue: the provider marks `value` secret; these are plain settings and the
          // plan should show them.
          insecureValue: value,
          description: `Platform setting ${key} (not secret)`,
          tier: "Standard",
        },
        child,
      );
      this.settingsParameterArns[key] = parameter.arn;
    }

    this.registerOutputs({
      settingsPath: this.settingsPath,
      settingsParameterArns: this.settingsParameterArns,
      secureParameterNames: this.secureParameterNames,
      auditLogGroupName: this.auditLogGroupName,
      auditLogGroupArn: this.auditLogGroupArn,
    });
  }
}
