import type { WebSettings } from "@tdp/eks-services";
import {
  DEFAULT_KEY_ALGORITHM,
  DEFAULT_SSL_POLICY,
  validateCertificateKeyAlgorithm,
  validateWebSettings,
  webModes,
} from "@tdp/eks-services";
import { z } from "zod";

import { check } from "./check";

/**
 * `tdp:services.web`: the web entry point (seed 001 Service Layer PublicDomain, NoDNSWeb,
 * PublicDomainZoneId, Certificate; pre-deployment task "TLS Web Certificate"). ExposedOnInternet
 * is `tdp:platform.exposedOnInternet`. Required in a primary stack (publicDomain).
 */
export const webSchema = z
  .strictObject({
    /** Seed PublicDomain: the web UI's name; `api.<publicDomain>` serves the API. */
    publicDomain: z.string(),
    /** Seed PublicDomainZoneId: the public zone holding the domain; absent, one is created (unless noDnsWeb). */
    publicDomainZoneId: z.string().optional(),
    /** Seed NoDNSWeb: create no public DNS records (and no zone). */
    noDnsWeb: z.boolean().default(false),
    /** Seed Certificate: an ACM certificate of this region covering the domain and api.<domain>. */
    certificateArn: z.string().optional(),
    /** Key algorithm of the certificate ACM creates (or of the given one). RSA_1024 is refused. */
    certificateKeyAlgorithm: z.string().default(DEFAULT_KEY_ALGORITHM),
    /**
     * Acknowledges the seed's plain-HTTP mode (noDnsWeb with no certificateArn): the web UI is then
     * served unencrypted, an allow-listed policy exception. Only valid in that mode.
     */
    allowPlainHttp: z.boolean().default(false),
    /** Listener TLS policy (TLS 1.2 or newer only, FSBP ELB.17). */
    sslPolicy: z.string().default(DEFAULT_SSL_POLICY),
    /** Client networks admitted on 443/80; default 0.0.0.0/0 when exposedOnInternet, else the VPC. */
    allowedCidrs: z.array(z.string()).optional(),
    /** Load balancer idle timeout (seconds). */
    idleTimeoutSeconds: z.number().default(60),
    /** Load balancer deletion protection (FSBP ELB.6). */
    deletionProtection: z.boolean().default(true),
  })
  .superRefine((web, ctx) => {
    // The key algorithm first and on its own, so RSA_1024 is reported with its reason whatever else is wrong.
    const created = web.certificateArn === undefined && !web.noDnsWeb;
    if (check(ctx, [], () => validateCertificateKeyAlgorithm(web.certificateKeyAlgorithm, created))) {
      // The region of a given certificate is checked against aws:region before deployment
      // (requireServicesConfig); the section alone does not know the region.
      check(ctx, [], () => validateWebSettings(webSettings(web)));
    }
  });

export type WebConfig = z.output<typeof webSchema>;

/** The section as the component's settings (the access-log prefix is the stack's, see data.ts). */
export function webSettings(web: WebConfig): WebSettings {
  const { deletionProtection: _deletionProtection, ...settings } = web;
  return settings;
}

/** The certificate, zone and protocol modes the section asks for. */
export function webConfigModes(web: WebConfig): ReturnType<typeof webModes> {
  return webModes(webSettings(web));
}
