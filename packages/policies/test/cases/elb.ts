import {
  elbAccessLogs,
  elbDeletionProtection,
  elbDesyncMitigation,
  elbDropInvalidHeaders,
  elbHttpRedirectsToHttps,
  elbMultiAz,
  elbTlsPolicy,
} from "../../src/services/elb";
import { res, type PolicyCase } from "../harness";

/** As WebEntryPoint registers it. */
const alb = (inputs: Record<string, unknown> = {}) =>
  res(
    "aws:lb/loadBalancer:LoadBalancer",
    "web-alb",
    {
      name: "tdp-web",
      loadBalancerType: "application",
      internal: true,
      accessLogs: { bucket: "tdp-access-logs", enabled: true, prefix: "alb/web" },
      desyncMitigationMode: "strictest",
      dropInvalidHeaderFields: true,
      enableDeletionProtection: true,
      subnets: ["subnet-1", "subnet-2", "subnet-3"],
      ...inputs,
    },
    { protect: true },
  );

const redirect = { type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } };
const forward = {
  type: "forward",
  targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/web/1",
};

const listener = (inputs: Record<string, unknown>) =>
  res("aws:lb/listener:Listener", "web-listener", {
    loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/tdp-web/1",
    ...inputs,
  });

export const elbCases: PolicyCase[] = [
  {
    policy: elbDropInvalidHeaders,
    passes: [[alb()], [alb({ loadBalancerType: "network", dropInvalidHeaderFields: undefined })]],
    fails: [
      {
        fixture: [alb({ dropInvalidHeaderFields: undefined })],
        message: /load balancer tdp-web passes invalid header fields on/,
      },
      {
        fixture: [res("aws:alb/loadBalancer:LoadBalancer", "old", { dropInvalidHeaderFields: false })],
        message: /load balancer old passes invalid header fields on/,
      },
    ],
  },
  {
    policy: elbAccessLogs,
    // The bucket's name is not known yet in a preview when the same program creates the bucket.
    passes: [[alb()], [alb({ accessLogs: { enabled: true, prefix: "alb/web" } })]],
    fails: [
      {
        fixture: [alb({ accessLogs: undefined })],
        message: /load balancer tdp-web does not write access logs/,
      },
      {
        fixture: [alb({ accessLogs: { bucket: "tdp-access-logs", enabled: false } })],
        message: /does not write access logs to a bucket/,
      },
      {
        fixture: [alb({ accessLogs: { bucket: "", enabled: true } })],
        message: /load balancer tdp-web does not write access logs to a bucket/,
      },
    ],
  },
  {
    policy: elbDeletionProtection,
    passes: [[alb()]],
    fails: [
      {
        fixture: [alb({ enableDeletionProtection: false })],
        message: /load balancer tdp-web has no deletion protection/,
      },
    ],
  },
  {
    policy: elbDesyncMitigation,
    passes: [
      [alb()],
      [alb({ desyncMitigationMode: "defensive" })],
      [alb({ desyncMitigationMode: undefined })],
    ],
    fails: [
      {
        fixture: [alb({ desyncMitigationMode: "monitor" })],
        message: /load balancer tdp-web mitigates HTTP desync in monitor mode/,
      },
    ],
  },
  {
    policy: elbMultiAz,
    passes: [[alb()], [alb({ subnets: undefined, subnetMappings: [{ subnetId: "a" }, { subnetId: "b" }] })]],
    fails: [{ fixture: [alb({ subnets: ["subnet-1"] })], message: /load balancer tdp-web is in 1 subnet\./ }],
  },
  {
    policy: elbHttpRedirectsToHttps,
    passes: [
      [listener({ port: 80, protocol: "HTTP", defaultActions: [redirect] })],
      [
        listener({
          port: 443,
          protocol: "HTTPS",
          defaultActions: [forward],
          sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        }),
      ],
    ],
    fails: [
      {
        fixture: [listener({ port: 80, protocol: "HTTP", defaultActions: [forward] })],
        message: /HTTP listener web-listener answers with forward instead of redirecting to HTTPS/,
      },
      {
        fixture: [
          listener({
            port: 80,
            protocol: "HTTP",
            defaultActions: [{ type: "redirect", redirect: { port: "8080", protocol: "HTTP" } }],
          }),
        ],
        message: /answers with redirect instead of redirecting to HTTPS/,
      },
    ],
  },
  {
    policy: elbTlsPolicy,
    passes: [
      [
        listener({
          port: 443,
          protocol: "HTTPS",
          defaultActions: [forward],
          sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        }),
      ],
      [listener({ port: 443, protocol: "TLS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04" })],
      [listener({ port: 80, protocol: "HTTP", defaultActions: [redirect] })],
    ],
    fails: [
      {
        fixture: [listener({ port: 443, protocol: "HTTPS", defaultActions: [forward] })],
        message: /HTTPS listener web-listener has no sslPolicy/,
      },
      {
        fixture: [listener({ port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-2016-08" })],
        message: /uses ELBSecurityPolicy-2016-08, which admits TLS older than 1.2/,
      },
    ],
  },
];
