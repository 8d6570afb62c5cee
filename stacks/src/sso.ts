import type * as pulumi from "@pulumi/pulumi";
import type { ConfigProblem } from "@tdp/core";
import { ConfigError } from "@tdp/core";
import type { WebEntryPoint } from "@tdp/eks-services";
import type { IdentityProviderArgs, SsoDomainArgs } from "@tdp/sso";
import {
  SSO_HASH_VARIABLE,
  SSO_PARAMETERS,
  SSO_RESTARTED_SERVICES,
  SSO_SERVICE,
  SingleSignOn,
  validateSsoSettings,
} from "@tdp/sso";

import { webConfigModes } from "./config/services/web";
import type { SsoConfig } from "./config/sso";
import type { StackContext } from "./context";
import type { DataLayer } from "./data";
import { configKeyIsSecret, secretOf } from "./services";

/** The leading field of a package validator's message ("identityProvider.issuer \"http://…\": …"). */
const FIELD = /^([A-Za-z_]\w*(?:\[\d+\])*(?:\.[A-Za-z_]\w*(?:\[\d+\])*)*)[\s:]/;

/** Where a field of `SingleSignOnArgs` lives in the stack file. */
function keyOf(field: string | undefined): string {
  if (field === "publicDomain") {
    return "tdp:services.web.publicDomain";
  }
  return field === undefined ? "tdp:sso" : `tdp:sso.${field}`;
}

/** The value at a dotted config path of the section, for the problem report (secrets never shown). */
function valueAt(section: SsoConfig, field: string | undefined, publicDomain: string | undefined): unknown {
  if (field === "publicDomain") {
    return publicDomain;
  }
  if (field === undefined || /clientSecret|metadataDocument/.test(field)) {
    return field?.endsWith("clientSecret") && hasSecret(section) ? "[secret]" : undefined;
  }
  let current: unknown = section;
  for (const part of field.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "")) {
    current =
      current === null || typeof current !== "object"
        ? undefined
        : (current as Record<string, unknown>)[part];
  }
  return current;
}

function hasSecret(section: SsoConfig): boolean {
  const idp = section.identityProvider;
  return idp?.protocol === "OIDC" && idp.clientSecret !== undefined && idp.clientSecret !== "";
}

/** The section as the component's identity provider. */
function identityProviderOf(section: SsoConfig): IdentityProviderArgs {
  const idp = section.identityProvider!;
  return idp.protocol === "SAML" ? { ...idp } : { ...idp, clientSecret: secretOf(idp.clientSecret) ?? "" };
}

/** The section's domain, with the service layer's public zone for a custom domain. */
function domainOf(section: SsoConfig, zoneId: pulumi.Input<string> | undefined): SsoDomainArgs {
  const domain = section.domain ?? {};
  if (domain.prefix !== undefined) {
    return { prefix: domain.prefix };
  }
  return {
    customDomain: domain.customDomain ?? "",
    ...(domain.certificateArn === undefined ? {} : { certificateArn: domain.certificateArn }),
    ...(zoneId === undefined ? {} : { zoneId }),
  };
}

/**
 * The rules of `tdp:sso` that need other sections (the platform's domain, its zone and protocol,
 * the ECS services) and the component's own validation, as config problems at their keys.
 * deployPrimary calls it before any resource is registered.
 */
export function requireSsoConfig(ctx: StackContext): void {
  const section = ctx.config.sso;
  if (!section.enabled) {
    return;
  }
  const problems: ConfigProblem[] = [];
  const web = ctx.config.services.web;
  if (web === undefined) {
    problems.push({
      key: "tdp:sso.enabled",
      value: true,
      rule: "SSO needs the platform's public domain: set tdp:services.web.publicDomain (the callback is https://<publicDomain>/login/sso), or set tdp:sso.enabled false",
    });
  } else if (webConfigModes(web).protocol !== "https") {
    problems.push({
      key: "tdp:sso.enabled",
      value: true,
      rule: "SSO needs HTTPS on the platform's domain (Cognito sends the authorization code only to https callback URLs), and tdp:services.web serves plain HTTP (noDnsWeb without a certificateArn): give tdp:services.web.certificateArn, or set tdp:sso.enabled false",
    });
  }
  const zone = web !== undefined && webConfigModes(web).zone !== "none" ? "public-zone" : undefined;
  try {
    validateSsoSettings({
      ...section,
      identityProvider: section.identityProvider
        ? section.identityProvider.protocol === "SAML"
          ? section.identityProvider
          : { ...section.identityProvider, clientSecret: section.identityProvider.clientSecret ?? "" }
        : ({ protocol: "SAML", name: "" } as IdentityProviderArgs),
      domain: domainOf(section, zone),
      publicDomain: web?.publicDomain,
      region: ctx.region,
      certificateProviderGiven: true,
    });
  } catch (error) {
    const rule = (error as Error).message;
    const field = FIELD.exec(rule)?.[1];
    // With no web section the missing domain is reported above; with no provider, by the schema.
    if (!(field === "publicDomain" && web === undefined)) {
      problems.push({ key: keyOf(field), value: valueAt(section, field, web?.publicDomain), rule });
    }
  }
  if (hasSecret(section) && configKeyIsSecret("tdp:sso") === false) {
    problems.push({
      key: "tdp:sso.identityProvider.clientSecret",
      value: "[plain text, not shown]",
      rule: "must be a Pulumi secret, not plain text in the stack file: pulumi config set --secret --path 'tdp:sso.identityProvider.clientSecret' <value>",
    });
  }
  const services = ctx.config.services.ecs.services;
  const userOrg = services.findIndex((s) => s.name === SSO_SERVICE);
  if (userOrg < 0) {
    problems.push({
      key: "tdp:sso.enabled",
      value: true,
      rule: `the SSO parameters are read by ${SSO_SERVICE}, which is not in tdp:services.ecs.services: add it, or set tdp:sso.enabled false`,
    });
  } else {
    // One owner per parameter: with tdp:sso on, the stack writes and injects the SSO_* parameters.
    for (const [variable, parameter] of Object.entries(services[userOrg]!.secrets ?? {})) {
      const names: readonly string[] = SSO_PARAMETERS;
      if (names.includes(variable) || names.includes(parameter)) {
        problems.push({
          key: `tdp:services.ecs.services[${userOrg}].secrets.${variable}`,
          value: parameter,
          rule: `tdp:sso writes the SSO_* parameters and injects them into ${SSO_SERVICE}: remove this entry (one owner per parameter)`,
        });
      }
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
}

/** What the service layer gives SSO, and what SSO gives the services. */
export interface SsoWiring {
  sso: SingleSignOn;
  /** ts-service-user-org's SSO_* parameters, by variable. */
  injectedSecrets: Record<string, Record<string, pulumi.Output<string>>>;
  /** SSO_CONFIG_HASH for the services the seed restarts. */
  injectedEnvironment: Record<string, Record<string, pulumi.Output<string>>>;
}

/**
 * Seed 001 "Single Sign-on (Optional)" from `tdp:sso`, when enabled: the Cognito pool, provider,
 * domain (a custom one in the service layer's public zone, its certificate in us-east-1), app client
 * and the SSO_* parameters under ts-service-user-org's path; and what the ECS services get from it.
 */
export function deploySso(ctx: StackContext, data: DataLayer, web: WebEntryPoint): SsoWiring | undefined {
  const section = ctx.config.sso;
  if (!section.enabled) {
    return undefined;
  }
  requireSsoConfig(ctx);
  const custom = section.domain?.customDomain !== undefined;
  const sso = new SingleSignOn(
    "sso",
    {
      naming: ctx.naming,
      region: ctx.region,
      publicDomain: ctx.config.services.web!.publicDomain,
      identityProvider: identityProviderOf(section),
      domain: domainOf(section, web.publicZoneId),
      secretsKmsKeyArn: data.keys.arns.secrets,
      // CloudFront takes certificates from us-east-1 only: a second provider when the stack is elsewhere.
      ...(custom &&
      section.domain?.certificateArn === undefined &&
      ctx.region !== "us-east-1" &&
      ctx.providerFor
        ? { certificateProvider: ctx.providerFor("us-east-1") }
        : {}),
      // Cognito refuses a custom domain whose parent has no A record: the web entry point's alias.
      ...(custom ? { domainDependsOn: [web] } : {}),
      ...(section.emailThroughSes
        ? { email: { sourceArn: data.sender.identityArn, fromAddress: data.sender.sourceAddress } }
        : {}),
      tier: section.tier,
      callbackUrls: section.callbackUrls,
      logoutUrls: section.logoutUrls,
      accessTokenValidityMinutes: section.accessTokenValidityMinutes,
      idTokenValidityMinutes: section.idTokenValidityMinutes,
      refreshTokenValidityDays: section.refreshTokenValidityDays,
      passwordMinimumLength: section.passwordMinimumLength,
    },
    ctx.componentOptions,
  );
  const present = new Set(ctx.config.services.ecs.services.map((s) => s.name));
  return {
    sso,
    injectedSecrets: { [SSO_SERVICE]: { ...sso.parameterArns } },
    injectedEnvironment: Object.fromEntries(
      SSO_RESTARTED_SERVICES.filter((service) => present.has(service)).map((service) => [
        service,
        { [SSO_HASH_VARIABLE]: sso.valuesHash },
      ]),
    ),
  };
}

/** The `sso` stack outputs: what the identity team and the platform's users need. */
export function ssoOutputs(sso: SingleSignOn): Record<string, pulumi.Input<unknown>> {
  return {
    userPoolId: sso.userPoolId,
    userPoolArn: sso.userPoolArn,
    clientId: sso.clientId,
    identityProviderName: sso.identityProviderName,
    domainUrl: sso.domainUrl,
    ...(sso.domainTarget ? { domainTarget: sso.domainTarget } : {}),
    loginUrl: sso.loginUrl,
    logoutUrl: sso.logoutUrl,
    parameterPath: sso.parameterPath,
    ...sso.identityTeam,
  };
}

/**
 * The values one team hands another, by heading and label: the offline plan's Markdown summary
 * prints them (`handOver` stack output).
 */
export function ssoHandOver(sso: SingleSignOn): Record<string, pulumi.Input<string>> {
  const team = sso.identityTeam;
  return {
    "Login URL (users)": sso.loginUrl,
    "User pool id": sso.userPoolId,
    "Hosted domain": sso.domainUrl,
    ...(team.samlEntityId ? { "SAML entity id (audience, identifier)": team.samlEntityId } : {}),
    ...(team.samlAcsUrl ? { "SAML ACS URL (reply URL)": team.samlAcsUrl } : {}),
    ...(team.oidcRedirectUri ? { "OIDC redirect URI": team.oidcRedirectUri } : {}),
    ...(sso.domainTarget ? { "Custom domain alias target (CloudFront)": sso.domainTarget } : {}),
  };
}
