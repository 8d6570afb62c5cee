import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Naming } from "@tdp/core";
import { dnsValidatedCertificate, statefulResourceOptions } from "@tdp/core";

import type { WebModes, WebSettings } from "./validation";
import {
  DEFAULT_ACCESS_LOGS_PREFIX,
  DEFAULT_KEY_ALGORITHM,
  DEFAULT_SSL_POLICY,
  validateWebSettings,
  webModes,
} from "./validation";

export interface WebEntryPointArgs extends WebSettings {
  /** Physical names of the deployment. */
  naming: Naming;
  /** The stack's region: a given certificate must be in it. @default not checked */
  region?: string;
  vpcId: pulumi.Input<string>;
  /** The VPC CIDR: the default client network of an internal load balancer. */
  vpcCidrBlock: pulumi.Input<string>;
  /** Seed ExposedOnInternet: internet-facing in public subnets, else internal in private ones. @default false */
  internetFacing?: boolean;
  /** Subnets of the load balancer (public when internet-facing, private otherwise), 2 or more zones. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The data layer's access-logs bucket (SSE-S3; its policy admits ELB log delivery under the prefix). */
  accessLogsBucketName: pulumi.Input<string>;
  /** FSBP ELB.6. @default true */
  deletionProtection?: boolean;
}

/**
 * The platform's web entry point: an Application Load Balancer (internet-facing only when
 * ExposedOnInternet) with a TLS 1.2+ HTTPS listener, 80 → 443 redirect, invalid headers dropped,
 * strictest desync mitigation, access logs and deletion protection; the certificate (given, or
 * requested in ACM for PublicDomain and api.PublicDomain with DNS validation); the public zone
 * (created or reused) with alias records — or, with NoDNSWeb and no certificate, the seed's plain
 * HTTP, only when acknowledged. Services add their listener rules to `listenerArn`.
 */
export class WebEntryPoint extends pulumi.ComponentResource {
  readonly modes: WebModes;
  readonly loadBalancerArn: pulumi.Output<string>;
  readonly loadBalancerArnSuffix: pulumi.Output<string>;
  readonly dnsName: pulumi.Output<string>;
  /** The load balancer's canonical hosted zone (for alias records elsewhere). */
  readonly canonicalZoneId: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  /** The listener services attach rules to: HTTPS, or HTTP in plain-HTTP mode. */
  readonly listenerArn: pulumi.Output<string>;
  readonly hostNames: { web: string; api: string };
  /** The certificate in use (given or created and validated); undefined in plain-HTTP mode. */
  readonly certificateArn?: pulumi.Output<string>;
  /** The public zone (created or reused); undefined with NoDNSWeb. */
  readonly publicZoneId?: pulumi.Output<string>;
  /** Name servers of a created zone: delegate the domain to them. */
  readonly nameServers?: pulumi.Output<string[]>;
  /** `https://<publicDomain>` (or http:// in plain-HTTP mode). */
  readonly url: string;

  constructor(name: string, args: WebEntryPointArgs, opts?: pulumi.ComponentResourceOptions) {
    validateWebSettings(args, args.region);
    validateSubnetCount(args.subnetIds);
    super("tdp:eks-services:WebEntryPoint", name, {}, opts);
    const child = { parent: this };
    const naming = args.naming;
    const modes = webModes(args);
    this.modes = modes;
    const domain = args.publicDomain;
    this.hostNames = { web: domain, api: `api.${domain}` };
    this.url = `${modes.protocol}://${domain}`;
    const internetFacing = args.internetFacing ?? false;

    // ---- Security group: clients on 443 (and 80: redirect, or plain HTTP when acknowledged).
    // Egress is added by the services, to their task ports only.
    const sg = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        // A prefix, not a name: the description follows internetFacing, and a changed description
        // replaces the group (created before the old one is deleted).
        namePrefix: naming.namePrefix("securityGroup", "web-alb"),
        description: internetFacing
          ? "Web load balancer: HTTPS from the internet (ExposedOnInternet)"
          : "Web load balancer: HTTPS from the VPC and the configured client networks",
        vpcId: args.vpcId,
        tags: { Name: naming.name("securityGroup", "web-alb") },
      },
      child,
    );
    this.securityGroupId = sg.id;
    const clients: pulumi.Input<string>[] =
      args.allowedCidrs && args.allowedCidrs.length > 0
        ? args.allowedCidrs
        : internetFacing
          ? ["0.0.0.0/0"]
          : [args.vpcCidrBlock];
    const ports = modes.protocol === "https" ? [443, 80] : [80];
    clients.forEach((cidr, index) => {
      for (const port of ports) {
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-sg-${port}-${index}`,
          {
            securityGroupId: sg.id,
            cidrIpv4: cidr,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            description:
              port === 443
                ? "HTTPS from clients"
                : modes.protocol === "https"
                  ? "HTTP from clients, redirected to HTTPS"
                  : "plain HTTP from clients (NoDNSWeb without a certificate, acknowledged)",
          },
          child,
        );
      }
    });

    // ---- Zone: created, reused, or none (NoDNSWeb).
    let zoneId: pulumi.Output<string> | undefined;
    if (modes.zone === "created") {
      // Protected: a new zone gets new name servers, breaking the registrar's delegation.
      const zone = new aws.route53.Zone(
        `${name}-zone`,
        { name: domain, comment: `TDP web UI (seed PublicDomain), ${naming.base}`, forceDestroy: false },
        statefulResourceOptions({ ...child }),
      );
      zoneId = zone.zoneId;
      this.nameServers = zone.nameServers;
    } else if (modes.zone === "existing") {
      zoneId = pulumi.output(args.publicDomainZoneId!);
    }
    this.publicZoneId = zoneId;

    // ---- Certificate: given, or requested and DNS-validated in the zone.
    let certificateArn: pulumi.Output<string> | undefined;
    if (modes.certificate === "given") {
      certificateArn = pulumi.output(args.certificateArn!);
    } else if (modes.certificate === "created") {
      certificateArn = dnsValidatedCertificate(
        name,
        {
          domainName: domain,
          subjectAlternativeNames: [this.hostNames.api],
          keyAlgorithm: args.certificateKeyAlgorithm ?? DEFAULT_KEY_ALGORITHM,
          zoneId: zoneId!,
          recordName: (index) => `${name}-validation-${index === 0 ? "web" : "api"}`,
        },
        child,
      );
    }
    this.certificateArn = certificateArn;

    // ---- Load balancer.
    const lb = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        name: naming.name("loadBalancer", "web"),
        loadBalancerType: "application",
        internal: !internetFacing,
        ipAddressType: "ipv4",
        subnets: args.subnetIds,
        securityGroups: [sg.id],
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "strictest",
        enableDeletionProtection: args.deletionProtection ?? true,
        enableHttp2: true,
        idleTimeout: args.idleTimeoutSeconds ?? 60,
        accessLogs: {
          bucket: args.accessLogsBucketName,
          prefix: args.accessLogsPrefix ?? DEFAULT_ACCESS_LOGS_PREFIX,
          enabled: true,
        },
      },
      // internetFacing (internal) replaces the load balancer, and its name is fixed (a load
      // balancer's namePrefix allows 6 characters, too few to find it by): the old one goes first.
      { ...child, deleteBeforeReplace: true },
    );
    this.loadBalancerArn = lb.arn;
    this.loadBalancerArnSuffix = lb.arnSuffix;
    this.dnsName = lb.dnsName;
    this.canonicalZoneId = lb.zoneId;

    const notFound = {
      type: "fixed-response",
      fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not found" },
    };
    if (modes.protocol === "https") {
      const https = new aws.lb.Listener(
        `${name}-https`,
        {
          loadBalancerArn: lb.arn,
          port: 443,
          protocol: "HTTPS",
          sslPolicy: args.sslPolicy ?? DEFAULT_SSL_POLICY,
          certificateArn: certificateArn!,
          defaultActions: [notFound],
        },
        child,
      );
      new aws.lb.Listener(
        `${name}-http-redirect`,
        {
          loadBalancerArn: lb.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [
            { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
          ],
        },
        child,
      );
      this.listenerArn = https.arn;
    } else {
      // Seed NoDNSWeb without a certificate: plain HTTP, acknowledged by allowPlainHttp and
      // allow-listed in the policy pack (ELB.1); there is no certificate to serve HTTPS with.
      const http = new aws.lb.Listener(
        `${name}-http`,
        { loadBalancerArn: lb.arn, port: 80, protocol: "HTTP", defaultActions: [notFound] },
        child,
      );
      this.listenerArn = http.arn;
    }

    // ---- Alias records for the domain and api. (not with NoDNSWeb).
    if (zoneId !== undefined) {
      for (const [role, host] of Object.entries(this.hostNames)) {
        new aws.route53.Record(
          `${name}-alias-${role}`,
          {
            zoneId,
            name: host,
            type: "A",
            aliases: [{ name: lb.dnsName, zoneId: lb.zoneId, evaluateTargetHealth: true }],
          },
          child,
        );
      }
    }

    this.registerOutputs({
      loadBalancerArn: this.loadBalancerArn,
      dnsName: this.dnsName,
      securityGroupId: this.securityGroupId,
      listenerArn: this.listenerArn,
      certificateArn: this.certificateArn,
      publicZoneId: this.publicZoneId,
      nameServers: this.nameServers,
      url: this.url,
    });
  }
}

/** FSBP ELB.13: an ALB needs subnets in two or more zones (checked when the list is known). */
export function validateSubnetCount(subnetIds: pulumi.Input<pulumi.Input<string>[]>): void {
  if (Array.isArray(subnetIds) && subnetIds.length < 2) {
    throw new Error(
      `subnetIds ${JSON.stringify(subnetIds)}: an Application Load Balancer needs subnets in at least two Availability Zones (FSBP ELB.13)`,
    );
  }
}
