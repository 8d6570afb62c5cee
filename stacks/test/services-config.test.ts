import { strict as assert } from "node:assert";
import * as path from "node:path";

import { DEFAULT_KUBERNETES_VERSION, DEFAULT_NODE_GROUP } from "@tdp/eks-services";
import { SECRET_CONFIG_PLACEHOLDER, readStackFile } from "@tdp/offline";

import { loadStackConfig } from "../src/config/load";
import { eksNodeGroups } from "../src/config/services/eks";
import { webConfigModes } from "../src/config/services/web";
import { configProblems } from "./fixtures/config-problems";

const platform = JSON.stringify({ infrastructureName: "acme-tdp" });
const web = { publicDomain: "tdp.acme.example.com" };

/** The stack file's config as `pulumi.runtime.allConfig()` hands it to the program. */
function stackFileConfig(stack: string): Record<string, string> {
  return readStackFile(path.join(__dirname, "..", "..", `Pulumi.${stack}.yaml`)).config;
}

function load(section: unknown) {
  return loadStackConfig({
    "aws:region": "us-east-1",
    "tdp:platform": platform,
    "tdp:services": JSON.stringify(section),
  });
}

function problemsOf(section: unknown): string[] {
  return configProblems(() => load(section));
}

const service = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: `222222222222.dkr.ecr.us-east-1.amazonaws.com/${name}:master`,
  ...extra,
});

describe("tdp:services config", () => {
  it("reads the prod stack file's service block", () => {
    const { sections } = loadStackConfig(stackFileConfig("prod"));
    const s = sections.services;
    assert.deepEqual(s.eks.endpoint, { publicAccess: false, publicAccessCidrs: [] });
    assert.equal(s.eks.kubernetesVersion, "1.35");
    assert.deepEqual(s.eks.adminRoleArns, ["arn:aws:iam::111111111111:role/tdp-platform-admins"]);
    assert.equal(s.web?.publicDomain, "tdp.acme-corp.example.com");
    assert.deepEqual(webConfigModes(s.web!), { certificate: "created", zone: "existing", protocol: "https" });
    const linkFile = s.ecs.services.find((x) => x.name === "ts-service-link-file")!;
    assert.deepEqual([linkFile.minCapacity, linkFile.maxCapacity], [2, 4], "the seed's defaults");
    const anylink = s.ecs.services.find((x) => x.name === "ts-service-anylink")!;
    assert.deepEqual([anylink.minCapacity, anylink.maxCapacity], [0, 0]);
    assert.equal(s.integrations.box.enabled, true);
    assert.equal(s.integrations.box.clientId, SECRET_CONFIG_PLACEHOLDER, "a secure value");
    assert.equal(s.integrations.box.clientSecret, SECRET_CONFIG_PLACEHOLDER, "a secure value");
    assert.equal(s.integrations.egnyte.enabled, false);
    assert.equal(s.windows.enabled, true);
    assert.equal(s.windows.instanceType, "t3.medium");
    assert.equal(
      s.windows.amiParameterName,
      "/aws/service/ami-windows-latest/Windows_Server-2025-English-Full-Base",
    );
    assert.equal(s.integrations.anylink.enabled, false, "off, like its 0/0 service");
  });

  it("marks the section secret in the stack file (it holds secure values)", () => {
    const file = readStackFile(path.join(__dirname, "..", "..", "Pulumi.prod.yaml"));
    assert.ok(file.secretKeys.includes("tdp:services"));
  });

  it("defaults to a private EKS endpoint, one node group and the seed's settings", () => {
    const s = load({ web }).sections.services;
    assert.deepEqual(s.eks.endpoint, { publicAccess: false, publicAccessCidrs: [] });
    assert.equal(s.eks.kubernetesVersion, DEFAULT_KUBERNETES_VERSION);
    assert.equal(s.eks.supportType, "STANDARD");
    assert.deepEqual(s.eks.nodeGroups, [{ ...DEFAULT_NODE_GROUP, instanceTypes: ["m6i.large"] }]);
    assert.equal(s.eks.metadataHopLimit, 1);
    assert.deepEqual([s.ecs.taskThroughput, s.ecs.connectorMaxMemory], [20, 2048]);
    assert.equal(s.ecs.serviceDiscovery.subdomain, "svc");
    assert.equal(s.web?.certificateKeyAlgorithm, "RSA_2048");
    assert.equal(s.web?.noDnsWeb, false);
    assert.equal(s.web?.allowPlainHttp, false);
    assert.equal(s.integrations.userAuditLogGroupSuffix, "user-action-audit-log");
    assert.equal(s.integrations.athenaCreateIamUser.enabled, false);
    assert.deepEqual(s.windows, {
      enabled: true,
      instanceType: "t3.medium",
      additionalInstanceTypes: [],
      minSize: 1,
      maxSize: 2,
      desiredSize: 1,
      volumeSizeGiB: 50,
      amiParameterName: "/aws/service/ami-windows-latest/Windows_Server-2025-English-Full-Base",
    });
  });

  it("leaves the section optional (a dr stack has no service layer)", () => {
    const { sections } = loadStackConfig({ "aws:region": "us-east-1", "tdp:platform": platform });
    assert.equal(sections.services.web, undefined);
    assert.deepEqual(sections.services.ecs.services, []);
  });

  it("gives a service the seed's MinCapacity 2 and MaxCapacity 4 unless set", () => {
    const s = load({ web, ecs: { services: [service("ts-service-web")] } }).sections.services;
    assert.deepEqual([s.ecs.services[0]!.minCapacity, s.ecs.services[0]!.maxCapacity], [2, 4]);
  });

  it("applies the section's customer AMI and key pair to every group that names none", () => {
    const s = load({
      web,
      eks: {
        amiId: "ami-0123456789abcdef0",
        keyPairName: "ops",
        nodeGroups: [
          { name: "general" },
          { name: "arm", instanceTypes: ["m7g.large"], amiType: "AL2023_ARM_64_STANDARD" },
        ],
      },
    }).sections.services;
    const groups = eksNodeGroups(s.eks);
    assert.equal(groups[0]!.amiId, "ami-0123456789abcdef0");
    assert.equal(groups[0]!.keyPairName, "ops");
    assert.equal(groups[1]!.amiId, undefined, "a group with its own EKS-optimised image keeps it");
    assert.equal(groups[1]!.keyPairName, "ops");
  });

  it("accepts NoDNSWeb with an acknowledgement of plain HTTP, and NoDNSWeb with a certificate", () => {
    const plain = load({ web: { ...web, noDnsWeb: true, allowPlainHttp: true } }).sections.services.web!;
    assert.deepEqual(webConfigModes(plain), { certificate: "none", zone: "none", protocol: "http" });
    const given = load({
      web: {
        ...web,
        noDnsWeb: true,
        certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012",
      },
    }).sections.services.web!;
    assert.deepEqual(webConfigModes(given), { certificate: "given", zone: "none", protocol: "https" });
  });

  it("accepts enabled integrations with their secrets and services", () => {
    const s = load({
      web,
      ecs: {
        services: [
          service("ts-service-web"),
          service("ts-service-link-file"),
          service("ts-service-user-org"),
          service("ts-service-anylink"),
        ],
      },
      integrations: {
        box: { enabled: true, clientId: "id", clientSecret: "secret" },
        egnyte: { enabled: true, clientId: "egnyte" },
        anylink: { enabled: true },
        athenaCreateIamUser: {
          enabled: true,
          permissionsBoundaryArn: "arn:aws:iam::111111111111:policy/athena-users",
        },
      },
    }).sections.services;
    assert.equal(s.integrations.egnyte.clientId, "egnyte");
    assert.deepEqual(s.integrations.athenaCreateIamUser.services, ["ts-service-user-org"]);
  });
});

describe("tdp:services bad values (key, value and rule)", () => {
  const cases: [string, unknown, string[]][] = [
    [
      "refuses an RSA 1024 certificate key with the reason",
      { web: { ...web, certificateKeyAlgorithm: "RSA_1024" } },
      [
        'tdp:services.web.certificateKeyAlgorithm: "RSA_1024" — certificateKeyAlgorithm "RSA_1024": RSA 1024-bit keys are below current minimums: AWS Security Hub control ACM.2 requires RSA keys of at least 2048 bits, browsers and NIST SP 800-131A no longer accept 1024 bits, and ACM cannot issue them; use RSA_2048 (the seed\'s other option) or an EC key',
      ],
    ],
    [
      "refuses NoDNSWeb without a certificate unless plain HTTP is acknowledged",
      { web: { ...web, noDnsWeb: true } },
      [
        "tdp:services.web.allowPlainHttp: (missing) — allowPlainHttp false: noDnsWeb is true and no certificateArn is given, so the web UI would be served over unencrypted HTTP (seed NoDNSWeb); give a certificateArn, or set allowPlainHttp: true to acknowledge plain HTTP (an allow-listed policy exception)",
      ],
    ],
    [
      "refuses the plain-HTTP acknowledgement where HTTPS is available",
      { web: { ...web, allowPlainHttp: true } },
      [
        "tdp:services.web.allowPlainHttp: true — allowPlainHttp true: only applies with noDnsWeb: true and no certificateArn; HTTPS is available here, so remove it",
      ],
    ],
    [
      "refuses a zone id together with NoDNSWeb",
      { web: { ...web, noDnsWeb: true, allowPlainHttp: true, publicDomainZoneId: "Z0123456789ABCDEFGHIJ" } },
      [
        'tdp:services.web.publicDomainZoneId: "Z0123456789ABCDEFGHIJ" — publicDomainZoneId "Z0123456789ABCDEFGHIJ": is given with noDnsWeb: true; NoDNSWeb creates no public records and uses no zone, so leave one of them out',
      ],
    ],
    [
      "refuses a PublicDomain that is not a DNS name",
      { web: { publicDomain: "TDP" } },
      [
        'tdp:services.web.publicDomain: "TDP" — publicDomain "TDP": must be a lowercase DNS name with at least two labels, such as tdp.example.com (seed PublicDomain)',
      ],
    ],
    [
      "refuses a Certificate that is not an ACM ARN",
      { web: { ...web, certificateArn: "arn:aws:iam::111111111111:role/x" } },
      [
        'tdp:services.web.certificateArn: "arn:aws:iam::111111111111:role/x" — certificateArn "arn:aws:iam::111111111111:role/x": must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>)',
      ],
    ],
    [
      "refuses a TLS policy that allows TLS 1.0",
      { web: { ...web, sslPolicy: "ELBSecurityPolicy-2016-08" } },
      [
        'tdp:services.web.sslPolicy: "ELBSecurityPolicy-2016-08" — sslPolicy "ELBSecurityPolicy-2016-08": must be an ALB security policy allowing TLS 1.2 or newer only (FSBP ELB.17), such as ELBSecurityPolicy-TLS13-1-2-2021-06',
      ],
    ],
    [
      "refuses a Kubernetes version EKS no longer supports",
      { web, eks: { kubernetesVersion: "1.27" } },
      [
        'tdp:services.eks.kubernetesVersion: "1.27" — kubernetesVersion "1.27" is not a Kubernetes version Amazon EKS supports (FSBP EKS.2); use one of 1.33, 1.34, 1.35 (default 1.35)',
      ],
    ],
    [
      "refuses a public EKS endpoint without CIDRs",
      { web, eks: { endpoint: { publicAccess: true } } },
      [
        "tdp:services.eks.endpoint.publicAccess: true — endpoint.publicAccess is true but endpoint.publicAccessCidrs is empty: a public endpoint must be restricted to listed networks (an empty list means 0.0.0.0/0 to EKS)",
      ],
    ],
    [
      "refuses a public EKS endpoint open to the internet",
      { web, eks: { endpoint: { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } } },
      [
        'tdp:services.eks.endpoint.publicAccessCidrs[0]: "0.0.0.0/0" — endpoint.publicAccessCidrs[0] "0.0.0.0/0" opens the Kubernetes API to the whole internet; list the networks of your administrators and CI runners instead (FSBP EKS.1)',
      ],
    ],
    [
      "refuses an IAM user as cluster administrator",
      { web, eks: { adminRoleArns: ["arn:aws:iam::111111111111:user/alice"] } },
      [
        'tdp:services.eks.adminRoleArns[0]: "arn:aws:iam::111111111111:user/alice" — adminRoleArns[0] "arn:aws:iam::111111111111:user/alice" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>); cluster administrators are roles, never IAM users',
      ],
    ],
    [
      "refuses a malformed customer AMI id",
      { web, eks: { amiId: "ami-xyz" } },
      [
        'tdp:services.eks.amiId: "ami-xyz" — amiId "ami-xyz" is not an AMI id (ami- followed by 8 or 17 hexadecimal digits)',
      ],
    ],
    [
      "refuses a node group whose minimum exceeds its maximum",
      { web, eks: { nodeGroups: [{ name: "general", minSize: 5, maxSize: 3 }] } },
      [
        "tdp:services.eks.nodeGroups[0].minSize: 5 — nodeGroups[0].minSize 5 is greater than maxSize 3; min must not exceed max",
      ],
    ],
    [
      "refuses an unknown EKS support type",
      { web, eks: { supportType: "LTS" } },
      [
        'tdp:services.eks.supportType: "LTS" — supportType "LTS" must be STANDARD (EKS upgrades the cluster when standard support ends; the default) or EXTENDED (12 more months on the version, at an extra hourly charge)',
      ],
    ],
    [
      "refuses MinCapacity 0 with a MaxCapacity (only 0/0 disables)",
      { web, ecs: { services: [service("ts-service-web", { minCapacity: 0 })] } },
      [
        'tdp:services.ecs.services[0].minCapacity: 0 — services[0].minCapacity 0: is 0 while maxCapacity is 4: target tracking cannot scale out from zero tasks; set both to 0 to disable the service (seed "Set to 0 if not used") or minCapacity to 1 or more',
      ],
    ],
    [
      "refuses a task size Fargate does not offer",
      { web, ecs: { services: [service("ts-service-web", { cpu: 256, memory: 4096 })] } },
      [
        "tdp:services.ecs.services[0].memory: 4096 — services[0].memory 4096: is not valid with cpu 256 on Fargate: use one of 512, 1024, 2048 MiB",
      ],
    ],
    [
      "refuses a secret-looking plain environment variable without printing its value",
      { web, ecs: { services: [service("ts-service-web", { environment: { DB_PASSWORD: "hunter2" } })] } },
      [
        'tdp:services.ecs.services[0].environment.DB_PASSWORD (value not shown): (missing) — services[0].environment.DB_PASSWORD "[redacted]": looks like a secret: plain environment variables are visible in the task definition (FSBP ECS.8); put it in secrets (an SSM SecureString under the service\'s path) instead',
      ],
    ],
    [
      "refuses two services of one name",
      { web, ecs: { services: [service("a-svc"), service("a-svc")] } },
      [
        'tdp:services.ecs.services[1].name: "a-svc" — services[1].name "a-svc": duplicates services[0].name; service names must be unique',
      ],
    ],
    [
      "refuses a TaskThroughput of 0",
      { web, ecs: { taskThroughput: 0 } },
      [
        "tdp:services.ecs.taskThroughput: 0 — taskThroughput 0: must be a whole number of files processed in parallel, 1 to 1000",
      ],
    ],
    [
      "refuses a routed service without a port",
      { web, ecs: { services: [service("ts-service-web", { routing: {} })] } },
      [
        "tdp:services.ecs.services[0].port: (missing) — services[0].port undefined: is required when the service has routing (the target group forwards to it)",
      ],
    ],
    [
      "refuses an enabled Box integration without its client secret",
      {
        web,
        ecs: { services: [service("ts-service-web"), service("ts-service-link-file")] },
        integrations: { box: { enabled: true, clientId: "id" } },
      },
      [
        "tdp:services.integrations.box.clientSecret: (missing) — box.clientSecret (missing): the Box integration is enabled, so its Client Secret is required; set it as a secret (pulumi config set --secret --path tdp:services.integrations.box.clientSecret) or disable the integration",
      ],
    ],
    [
      "refuses an enabled Egnyte integration without its client id",
      { web, ecs: { services: [service("ts-service-web")] }, integrations: { egnyte: { enabled: true } } },
      [
        "tdp:services.integrations.egnyte.clientId: (missing) — egnyte.clientId (missing): the Egnyte integration is enabled, so its client id is required; set it as a secret (pulumi config set --secret --path tdp:services.integrations.egnyte.clientId) or disable the integration",
      ],
    ],
    [
      "refuses an integration whose services do not run",
      { web, integrations: { box: { enabled: true, clientId: "id", clientSecret: "secret" } } },
      [
        "tdp:services.integrations.box.enabled: true — the box integration's parameters are read by ts-service-link-file, which is not an enabled service in ecs.services; add it (minCapacity 1 or more) or disable the integration",
        "tdp:services.integrations.box.enabled: true — the box integration's parameters are read by ts-service-web, which is not an enabled service in ecs.services; add it (minCapacity 1 or more) or disable the integration",
      ],
    ],
    [
      "refuses Anylink enabled while ts-service-anylink is at 0/0 capacity",
      {
        web,
        ecs: { services: [service("ts-service-anylink", { minCapacity: 0, maxCapacity: 0 })] },
        integrations: { anylink: { enabled: true } },
      },
      [
        'tdp:services.integrations.anylink.enabled: true — integrations.anylink.enabled is true (ANYLINK_ENABLED "true") but ts-service-anylink has minCapacity 0 and maxCapacity 0, so it does not run; the setting and the service must agree: run ts-service-anylink in ecs.services (minCapacity 1 or more) or set integrations.anylink.enabled: false',
      ],
    ],
    [
      "refuses Anylink enabled without ts-service-anylink in ecs.services",
      { web, integrations: { anylink: { enabled: true } } },
      [
        'tdp:services.integrations.anylink.enabled: true — integrations.anylink.enabled is true (ANYLINK_ENABLED "true") but ts-service-anylink is not in ecs.services, so it does not run; the setting and the service must agree: run ts-service-anylink in ecs.services (minCapacity 1 or more) or set integrations.anylink.enabled: false',
      ],
    ],
    [
      "refuses ts-service-anylink running while Anylink is disabled",
      {
        web,
        ecs: { services: [service("ts-service-anylink", { minCapacity: 1, maxCapacity: 2 })] },
        integrations: { anylink: { enabled: false } },
      },
      [
        'tdp:services.integrations.anylink.enabled: false — integrations.anylink.enabled is false (ANYLINK_ENABLED "false") but ecs.services ts-service-anylink has minCapacity 1 and maxCapacity 2, so it runs; the setting and the service must agree: set integrations.anylink.enabled: true, or minCapacity 0 and maxCapacity 0 for ts-service-anylink',
      ],
    ],
    [
      "refuses ts-service-anylink running with the seed's default capacities while Anylink is left at its default (off)",
      { web, ecs: { services: [service("ts-service-anylink")] } },
      [
        'tdp:services.integrations.anylink.enabled: (missing) — integrations.anylink.enabled is false (ANYLINK_ENABLED "false") but ecs.services ts-service-anylink has minCapacity 2 and maxCapacity 4, so it runs; the setting and the service must agree: set integrations.anylink.enabled: true, or minCapacity 0 and maxCapacity 0 for ts-service-anylink',
      ],
    ],
    [
      "refuses a UserAuditLogGroupSuffix log groups cannot carry",
      { web, integrations: { userAuditLogGroupSuffix: "bad suffix!" } },
      [
        'tdp:services.integrations.userAuditLogGroupSuffix: "bad suffix!" — userAuditLogGroupSuffix "bad suffix!": must be 1 to 200 of the characters log group names allow (A-Z a-z 0-9 _ . # / -)',
      ],
    ],
    [
      "refuses an Athena user path that is not an IAM path",
      { web, integrations: { athenaCreateIamUser: { userPath: "athena" } } },
      [
        'tdp:services.integrations.athenaCreateIamUser.userPath: "athena" — athenaCreateIamUser.userPath "athena": must be an IAM path such as /tdp-athena/ (starts and ends with /, not the root /)',
      ],
    ],
    [
      "refuses a WindowsInstanceType that is not an instance type",
      { web, windows: { instanceType: "huge" } },
      [
        'tdp:services.windows.instanceType: "huge" — instanceType "huge" is not an EC2 instance type (family.size, such as m6i.large or t3.medium)',
      ],
    ],
    [
      "refuses a Graviton WindowsInstanceType (Windows Server is x86_64 only)",
      { web, windows: { instanceType: "m7g.large" } },
      [
        'tdp:services.windows.instanceType: "m7g.large" — instanceType "m7g.large" is an arm64 (Graviton) type; Windows Server runs only on x86_64 instance types such as t3.medium or m6i.large',
      ],
    ],
    [
      "refuses Windows worker sizes whose minimum exceeds the maximum, at the section's own key",
      { web, windows: { minSize: 3, maxSize: 2, desiredSize: 2 } },
      [
        "tdp:services.windows.minSize: 3 — windowsWorkers.minSize 3 is greater than maxSize 2; min must not exceed max",
      ],
    ],
    [
      "refuses a bucket grant on a bucket services may not use",
      { web, ecs: { services: [service("ts-service-web", { bucketAccess: [{ bucket: "backup" }] })] } },
      [
        'tdp:services.ecs.services[0].bucketAccess[0].bucket: "backup" — must be one of datalake, stream, artifacts, athena-results',
      ],
    ],
    [
      "refuses a bucket grant whose prefix is not a key prefix",
      {
        web,
        ecs: {
          services: [
            service("ts-service-web", { bucketAccess: [{ bucket: "datalake", prefix: "/data/*" }] }),
          ],
        },
      },
      [
        'tdp:services.ecs.services[0].bucketAccess[0].prefix: "/data/*" — prefix "/data/*" must be an S3 key prefix such as "processing/" (no leading slash, ends with "/", no "*")',
      ],
    ],
    [
      "refuses two grants of one bucket to one service",
      {
        web,
        ecs: {
          services: [
            service("ts-service-web", {
              bucketAccess: [{ bucket: "datalake" }, { bucket: "datalake", access: "write" }],
            }),
          ],
        },
      },
      [
        'tdp:services.ecs.services[0].bucketAccess[1].bucket: "datalake" — "datalake" is granted twice to ts-service-web; give each bucket one grant (access readwrite for both)',
      ],
    ],
    [
      "refuses a misspelt key",
      { web, eks: { endpointPublic: true } },
      [
        "tdp:services.eks.endpointPublic: true — unknown setting (misspelt?); see docs/parameters.md for the settings this section takes",
      ],
    ],
    [
      "refuses routed services without a web entry point",
      { ecs: { services: [service("ts-service-web", { port: 8080, routing: {} })] } },
      [
        "tdp:services.web: (missing) — ecs.services ts-service-web have routing, which needs the web entry point: set web.publicDomain",
      ],
    ],
  ];
  for (const [title, section, expected] of cases) {
    it(title, () => {
      assert.deepEqual(problemsOf(section), expected);
    });
  }

  it("takes a pinned CoreDNS add-on version and refuses what is not one", () => {
    const pinned = load({ web, eks: { coreDns: { version: "v1.12.1-eksbuild.2" } } });
    assert.equal(pinned.sections.services.eks.coreDns.version, "v1.12.1-eksbuild.2");
    assert.equal(pinned.sections.services.eks.coreDns.resolveConflictsOnCreate, "OVERWRITE");
    assert.deepEqual(problemsOf({ web, eks: { coreDns: { version: "1.12" } } }), [
      'tdp:services.eks.coreDns.version: "1.12" — must be an EKS add-on version such as v1.12.1-eksbuild.2',
    ]);
  });

  it("reports problems of several subsections at once", () => {
    const problems = problemsOf({
      web: { ...web, certificateKeyAlgorithm: "RSA_1024" },
      eks: { kubernetesVersion: "1.20" },
      windows: { instanceType: "huge" },
    });
    assert.deepEqual(
      problems.map((p) => p.split(":")[1]),
      [
        "services.eks.kubernetesVersion",
        "services.web.certificateKeyAlgorithm",
        "services.windows.instanceType",
      ],
    );
  });
});
