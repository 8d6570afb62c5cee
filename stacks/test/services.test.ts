import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import type { RecordedResource, Recording } from "@tdp/offline";
import { SECRET_CONFIG_PLACEHOLDER, offline } from "@tdp/offline";
import { parse, stringify } from "yaml";
import { runConfigProblems } from "./fixtures/config-problems";

const PROD_FILE = path.join(__dirname, "..", "..", "Pulumi.prod.yaml");
const GIVEN_CERTIFICATE =
  "arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012";
const DOMAIN = "tdp.acme-corp.example.com";

type Section = Record<string, unknown>;

/** A copy of Pulumi.prod.yaml with `tdp:services` (and optionally `tdp:platform`) changed. */
function prodWith(edit: (services: Section, platform: Section) => void): string {
  const document = parse(fs.readFileSync(PROD_FILE, "utf8")) as { config: Record<string, unknown> };
  const services = structuredClone(document.config["tdp:services"]) as Section;
  const platform = structuredClone(document.config["tdp:platform"]) as Section;
  edit(services, platform);
  if (Object.keys(services).length === 0) {
    delete document.config["tdp:services"];
  } else {
    document.config["tdp:services"] = services;
  }
  document.config["tdp:platform"] = platform;
  // These variants are about the service layer alone (SSO needs HTTPS and its own parameters are
  // SecureStrings too); single sign-on is tested in sso.test.ts.
  delete document.config["tdp:sso"];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tdp-services-"));
  const file = path.join(dir, "Pulumi.prod.yaml");
  fs.writeFileSync(file, stringify(document));
  return file;
}

/** A copy of Pulumi.prod.yaml with `tdp:services` and `tdp:network` changed. */
function prodWithNetwork(edit: (services: Section, network: Section) => void): string {
  const file = prodWith(() => undefined);
  const document = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, Section> };
  edit(document.config["tdp:services"]!, document.config["tdp:network"]!);
  fs.writeFileSync(file, stringify(document));
  return file;
}

/** The container definitions of a recorded task definition. */
function containersOf(rec: Recording, taskName: string): Record<string, unknown>[] {
  const definitions = rec.one("aws:ecs/taskDefinition:TaskDefinition", taskName).inputs[
    "containerDefinitions"
  ];
  return (typeof definitions === "string" ? JSON.parse(definitions) : definitions) as Record<
    string,
    unknown
  >[];
}

/** The platform-settings parameters' ARNs, as recorded. */
function settingsArns(rec: Recording): string[] {
  return (
    rec
      .ofType("aws:ssm/parameter:Parameter")
      .filter((p) => String(p.inputs["name"]).startsWith("/tetrascience/production/ECS/platform-settings/"))
      // The offline engine gives a parameter the ARN AWS would: region, account, name.
      .map((p) => `arn:aws:ssm:us-east-1:111111111111:parameter${String(p.inputs["name"])}`)
      .sort()
  );
}

const web = (services: Section) => services["web"] as Section;
const integrations = (services: Section) => services["integrations"] as Record<string, Section>;

/** The config problems a prod run with the stack file `file` stops with. */
function configProblems(file: string): Promise<string[]> {
  return runConfigProblems(offline.runStack({ stack: "prod", configFile: file }));
}

function outputsOf(rec: Recording): Record<string, unknown> {
  return rec.outputs["services"] as Record<string, unknown>;
}

function networkOutput(rec: Recording, key: string): unknown {
  return (rec.outputs["network"] as Record<string, unknown>)[key];
}

function zoneIdsOf(records: RecordedResource[]): unknown[] {
  return [...new Set(records.map((r) => r.inputs["zoneId"]))];
}

describe("the service layer in the prod stack", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.runStackShared("prod");
  });
  after(() => offline.reset());

  it("creates each service-layer component once, with the stack's tagged provider", () => {
    const provider = rec.one("pulumi:providers:aws");
    for (const type of [
      "tdp:eks-services:PlatformIntegrations",
      "tdp:eks-services:WebEntryPoint",
      "tdp:eks-services:PlatformCluster",
      "tdp:eks-services:PlatformServices",
    ]) {
      rec.one(type);
    }
    assert.equal(rec.one("aws:lb/loadBalancer:LoadBalancer", "web-alb").provider, provider.urn);
    assert.equal(rec.one("aws:ecs/cluster:Cluster").provider, provider.urn);
  });

  it("keeps the EKS API endpoint private (seed post-deployment task 3) in the private subnets", () => {
    const cluster = rec.one("eks:index:Cluster");
    assert.equal(cluster.inputs["endpointPrivateAccess"], true);
    assert.equal(cluster.inputs["endpointPublicAccess"], false);
    assert.equal(cluster.inputs["publicAccessCidrs"], undefined);
    assert.deepEqual(cluster.inputs["privateSubnetIds"], networkOutput(rec, "privateSubnetIds"));
    assert.deepEqual(Object.keys(cluster.inputs["accessEntries"] as object), ["admin-tdp-platform-admins"]);
    for (const group of rec.ofType("aws:eks/nodeGroup:NodeGroup")) {
      assert.deepEqual(group.inputs["subnetIds"], networkOutput(rec, "privateSubnetIds"));
    }
  });

  it("puts an internal load balancer in the private subnets (exposedOnInternet false)", () => {
    const alb = rec.one("aws:lb/loadBalancer:LoadBalancer", "web-alb");
    assert.equal(alb.inputs["internal"], true);
    assert.deepEqual(alb.inputs["subnets"], networkOutput(rec, "privateSubnetIds"));
  });

  it("logs the load balancer into the data layer's access-log bucket under the agreed prefix", () => {
    const alb = rec.one("aws:lb/loadBalancer:LoadBalancer", "web-alb");
    const accessLogs = (rec.outputs["data"] as Record<string, Record<string, unknown>>)["accessLogsBucket"]!;
    assert.deepEqual(alb.inputs["accessLogs"], {
      bucket: accessLogs["name"],
      enabled: true,
      prefix: "alb/web",
    });
    const policy = String(
      rec.one("aws:s3/bucketPolicy:BucketPolicy", "data-buckets-access-logs-policy").inputs["policy"],
    );
    assert.match(policy, /alb\/web\/AWSLogs\/111111111111\//);
  });

  it("creates the load balancer after the access-log bucket's policy (ELB refuses access logs before it)", () => {
    const alb = rec.one("aws:lb/loadBalancer:LoadBalancer", "web-alb");
    const policy = rec.one("aws:s3/bucketPolicy:BucketPolicy", "data-buckets-access-logs-policy");
    assert.ok(alb.dependencies.includes(policy.urn), alb.dependencies.join(", "));
  });

  it("creates the ECS cluster after the ECS service-linked role (CreateCluster would create it first)", () => {
    const cluster = rec.one("aws:ecs/cluster:Cluster");
    const role = rec
      .ofType("aws:iam/serviceLinkedRole:ServiceLinkedRole")
      .find((r) => r.inputs["awsServiceName"] === "ecs.amazonaws.com");
    assert.ok(role);
    assert.ok(cluster.dependencies.includes(role.urn), cluster.dependencies.join(", "));
  });

  it("creates the certificate and validates it in the existing zone (PublicDomainZoneId)", () => {
    const certificate = rec.one("aws:acm/certificate:Certificate", "web-certificate");
    assert.equal(certificate.inputs["domainName"], DOMAIN);
    assert.deepEqual(certificate.inputs["subjectAlternativeNames"], [`api.${DOMAIN}`]);
    assert.equal(certificate.inputs["keyAlgorithm"], "RSA_2048");
    const records = rec
      .childrenOf(rec.one("tdp:eks-services:WebEntryPoint"))
      .filter((r) => r.type === "aws:route53/record:Record");
    assert.deepEqual(records.map((r) => r.name).sort(), [
      "web-alias-api",
      "web-alias-web",
      "web-validation-api",
      "web-validation-web",
    ]);
    assert.deepEqual(zoneIdsOf(records), ["Z0123456789ABCDEFGHIJ"]);
    assert.equal(
      rec
        .childrenOf(rec.one("tdp:eks-services:WebEntryPoint"))
        .filter((r) => r.type === "aws:route53/zone:Zone").length,
      0,
    );
    const https = rec.one("aws:lb/listener:Listener", "web-https");
    assert.equal(https.inputs["sslPolicy"], "ELBSecurityPolicy-TLS13-1-2-2021-06");
    assert.equal(https.inputs["certificateArn"], outputsOf(rec)["certificateArn"]);
  });

  it("stores the Box values as SecureStrings under the stack's environment, encrypted with the secrets key", () => {
    const keyArns = (rec.outputs["data"] as Record<string, Record<string, string>>)["keyArns"]!;
    const secure = rec
      .ofType("aws:ssm/parameter:Parameter")
      .filter(
        (p) =>
          p.inputs["type"] === "SecureString" &&
          p.parent === rec.one("tdp:eks-services:PlatformIntegrations").urn,
      );
    assert.deepEqual(secure.map((p) => p.inputs["name"]).sort(), [
      "/tetrascience/production/ECS/ts-service-link-file/BOX_CLIENT_ID",
      "/tetrascience/production/ECS/ts-service-link-file/BOX_CLIENT_SECRET",
      "/tetrascience/production/ECS/ts-service-web/INT_BOX_CLIENT_ID",
    ]);
    for (const parameter of secure) {
      assert.equal(parameter.inputs["value"], "[secret]");
      assert.equal(parameter.inputs["keyId"], keyArns["secrets"]);
    }
    const setting = (key: string) =>
      rec
        .ofType("aws:ssm/parameter:Parameter")
        .find((p) => p.inputs["name"] === `/tetrascience/production/ECS/platform-settings/${key}`)!.inputs[
        "insecureValue"
      ];
    assert.deepEqual(
      [
        "TASK_THROUGHPUT",
        "CONNECTOR_MAX_MEMORY",
        "BOX_ENABLED",
        "EGNYTE_ENABLED",
        "ANYLINK_ENABLED",
        "ATHENA_CREATE_IAM_USER",
      ].map(setting),
      ["20", "2048", "true", "false", "false", "false"],
    );
  });

  it("injects the Box secrets into their services' containers", () => {
    const definition = JSON.stringify(
      rec.one("aws:ecs/taskDefinition:TaskDefinition", "ecs-ts-service-link-file-task").inputs[
        "containerDefinitions"
      ],
    );
    assert.match(definition, /BOX_CLIENT_ID/);
    assert.match(definition, /BOX_CLIENT_SECRET/);
    assert.ok(!definition.includes(SECRET_CONFIG_PLACEHOLDER));
  });

  it("tells every container where the platform settings are, and lets its task role read exactly those", () => {
    const tasks = rec.ofType("aws:ecs/taskDefinition:TaskDefinition");
    assert.ok(tasks.length >= 5);
    const settings = settingsArns(rec);
    assert.equal(settings.length, 7, "TASK_THROUGHPUT, CONNECTOR_MAX_MEMORY and the other settings");
    for (const task of tasks) {
      for (const container of containersOf(rec, task.name)) {
        const env = container["environment"] as { name: string; value: string }[];
        assert.deepEqual(
          env.filter((e) => e.name === "PLATFORM_SETTINGS_PATH"),
          [{ name: "PLATFORM_SETTINGS_PATH", value: "/tetrascience/production/ECS/platform-settings" }],
          task.name,
        );
      }
      const service = task.name.replace(/^ecs-/, "").replace(/-task$/, "");
      const policy = JSON.parse(
        String(rec.one("aws:iam/rolePolicy:RolePolicy", `ecs-${service}-task-role-task`).inputs["policy"]),
      ) as { Statement: Record<string, unknown>[] };
      const ssm = policy.Statement.filter((st) => JSON.stringify(st["Action"]).includes("ssm:"));
      assert.deepEqual(
        ssm.map((st) => [st["Action"], [st["Resource"]].flat().map(String).sort()]),
        [[["ssm:GetParameter", "ssm:GetParameters"], settings]],
        `${service}: GetParameter(s) on the settings only, no GetParametersByPath`,
      );
    }
    assert.equal(outputsOf(rec)["settingsPath"], "/tetrascience/production/ECS/platform-settings");
  });

  it("creates the enabled services in the private subnets without public IPs, and skips the 0/0 one", () => {
    const services = rec.ofType("aws:ecs/service:Service");
    assert.deepEqual(services.map((s) => s.inputs["name"]).sort(), [
      "ts-service-api",
      "ts-service-link-file",
      "ts-service-pipeline",
      "ts-service-user-org",
      "ts-service-web",
    ]);
    for (const service of services) {
      const network = service.inputs["networkConfiguration"] as Record<string, unknown>;
      assert.equal(network["assignPublicIp"], false);
      assert.deepEqual(network["subnets"], networkOutput(rec, "privateSubnetIds"));
    }
    const target = rec.one("aws:appautoscaling/target:Target", "ecs-ts-service-link-file-scaling-target");
    assert.deepEqual([target.inputs["minCapacity"], target.inputs["maxCapacity"]], [2, 4]);
    assert.equal(
      rec.one("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace").inputs["name"],
      "svc.ts-dip.internal",
    );
  });

  it("grants the configured bucket access and no other (least privilege)", () => {
    const buckets = (rec.outputs["data"] as Record<string, Record<string, Record<string, string>>>)[
      "buckets"
    ]!;
    const statements = (service: string) =>
      (
        JSON.parse(
          String(rec.one("aws:iam/rolePolicy:RolePolicy", `ecs-${service}-task-role-task`).inputs["policy"]),
        ) as {
          Statement: {
            Sid?: string;
            Action: string | string[];
            Resource: string | string[];
            Condition?: unknown;
          }[];
        }
      ).Statement;
    const pipeline = statements("ts-service-pipeline");
    const sid = (name: string) => pipeline.find((s) => s.Sid === name)!;
    assert.deepEqual(sid("ObjectsDatalake").Action, [
      "s3:GetObject",
      "s3:GetObjectVersion",
      "s3:PutObject",
      "s3:AbortMultipartUpload",
      "s3:DeleteObject",
    ]);
    assert.equal(sid("ObjectsDatalake").Resource, `${buckets["datalake"]!["arn"]}/*`);
    assert.deepEqual(sid("ObjectsStream").Action, ["s3:GetObject", "s3:GetObjectVersion"]);
    assert.deepEqual(sid("KeyThroughS3Stream").Action, ["kms:Decrypt"]);
    assert.equal(sid("KeyThroughS3Datalake").Resource, buckets["datalake"]!["kmsKeyArn"]);
    assert.deepEqual(sid("KeyThroughS3Datalake").Condition, {
      StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" },
    });
    const linkFile = statements("ts-service-link-file");
    const objects = linkFile.find((s) => s.Sid === "ObjectsDatalake")!;
    assert.equal(objects.Resource, `${buckets["datalake"]!["arn"]}/linked-files/*`);
    assert.deepEqual(linkFile.find((s) => s.Sid === "ListDatalake")!.Condition, {
      StringLike: { "s3:prefix": "linked-files/*" },
    });
    assert.ok(!JSON.stringify(statements("ts-service-web")).includes("s3:"), "no grant, no S3 access");
  });

  it("denies IAM user creation to every task role (AthenaCreateIamUser off)", () => {
    const policies = rec
      .ofType("aws:iam/rolePolicy:RolePolicy")
      .filter((p) => /^ecs-.*-task-role/.test(p.name));
    assert.equal(policies.length, 5);
    for (const policy of policies) {
      assert.match(String(policy.inputs["policy"]), /"Sid":"DenyIamUserCreation","Effect":"Deny"/);
    }
  });

  it("admits the ECS tasks and the EKS nodes to the database (its port) and search (443), and nothing else", () => {
    const out = outputsOf(rec);
    const tasks = (out["ecs"] as Record<string, unknown>)["tasksSecurityGroupId"];
    const nodes = (out["eks"] as Record<string, unknown>)["nodeSecurityGroupId"];
    const database = rec.outputs["database"] as Record<string, unknown>;
    const search = rec.outputs["search"] as Record<string, unknown>;
    const rules = rec
      .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .filter((r) => r.name.startsWith("services-"))
      .sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(
      rules.map((r) => [
        r.name,
        r.inputs["securityGroupId"],
        r.inputs["referencedSecurityGroupId"],
        r.inputs["ipProtocol"],
        r.inputs["fromPort"],
        r.inputs["toPort"],
      ]),
      [
        [
          "services-database-from-ecs-tasks",
          database["securityGroupId"],
          tasks,
          "tcp",
          database["port"],
          database["port"],
        ],
        [
          "services-database-from-eks-nodes",
          database["securityGroupId"],
          nodes,
          "tcp",
          database["port"],
          database["port"],
        ],
        ["services-search-from-ecs-tasks", search["securityGroupId"], tasks, "tcp", 443, 443],
        ["services-search-from-eks-nodes", search["securityGroupId"], nodes, "tcp", 443, 443],
      ],
    );
    for (const rule of rules) {
      assert.equal(rule.inputs["cidrIpv4"], undefined);
    }
  });

  it("runs the Windows workers in the isolated subnets (seed EnableWinTaskScriptService)", () => {
    const workers = rec.one("tdp:eks-services:WindowsWorkers");
    const group = rec.childrenOf(workers).find((r) => r.type === "aws:autoscaling/group:Group")!;
    assert.deepEqual(group.inputs["vpcZoneIdentifiers"], networkOutput(rec, "isolatedSubnetIds"));
    const template = rec.childrenOf(workers).find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")!;
    assert.equal(template.inputs["instanceType"] ?? "t3.medium", "t3.medium");
    const windows = outputsOf(rec)["windowsWorkers"] as Record<string, unknown>;
    assert.equal(windows["autoScalingGroupName"], group.inputs["name"]);
    // No inbound; out only to the interface endpoints (the VPC) and to S3 through its gateway.
    const sg = rec.childrenOf(workers).find((r) => r.type === "aws:ec2/securityGroup:SecurityGroup")!;
    assert.deepEqual(sg.inputs["ingress"], []);
    const egress = sg.inputs["egress"] as Record<string, unknown>[];
    assert.deepEqual(
      egress.map((e) => [e["fromPort"], e["cidrBlocks"] ?? e["prefixListIds"]]),
      [
        [443, [networkOutput(rec, "cidrBlock")]],
        [443, [networkOutput(rec, "s3PrefixListId")]],
      ],
    );
  });

  it("encrypts the EKS nodes' and the Windows workers' volumes with the data layer's compute key", () => {
    const keyArns = (rec.outputs["data"] as Record<string, unknown>)["keyArns"] as Record<string, string>;
    const computeKey = keyArns["compute"];
    assert.match(String(computeKey), /^arn:aws:kms:us-east-1:\d{12}:key\//);
    const templates = rec
      .ofType("aws:ec2/launchTemplate:LaunchTemplate")
      .filter((t) => t.name.startsWith("eks-") || t.name.startsWith("windows-workers-"));
    // One per EKS node group (prod has at least one) and the Windows workers' template.
    assert.ok(templates.some((t) => t.name.startsWith("eks-")));
    assert.ok(templates.some((t) => t.name.startsWith("windows-workers-")));
    for (const template of templates) {
      const mappings = template.inputs["blockDeviceMappings"] as { ebs: Record<string, unknown> }[];
      assert.ok(mappings.length > 0, `${template.name} declares no volume`);
      for (const { ebs } of mappings) {
        assert.equal(ebs["kmsKeyId"], computeKey, template.name);
        assert.equal(ebs["encrypted"], "true", template.name);
        assert.equal(ebs["volumeType"], "gp3", template.name);
      }
    }
  });

  it("exports the service layer's outputs", () => {
    const out = outputsOf(rec);
    assert.equal(out["url"], `https://${DOMAIN}`);
    assert.deepEqual(out["webHostNames"], { web: DOMAIN, api: `api.${DOMAIN}` });
    assert.match(String(out["loadBalancerDnsName"]), /^internal-acme-tdp-production-web-/);
    assert.equal(out["publicZoneId"], "Z0123456789ABCDEFGHIJ");
    const eks = out["eks"] as Record<string, unknown>;
    assert.equal(eks["clusterName"], "acme-tdp-production-eks");
    assert.equal(eks["kubernetesVersion"], "1.35");
    assert.equal(eks["kubeconfig"], "[secret]");
    assert.match(String(eks["endpoint"]), /^https:\/\/.+\.eks\.amazonaws\.com$/);
    const ecs = out["ecs"] as Record<string, unknown>;
    assert.equal(ecs["namespace"], "svc.ts-dip.internal");
    assert.deepEqual(ecs["disabledServices"], ["ts-service-anylink"]);
    assert.match(String(ecs["tasksSecurityGroupId"]), /^sg-/);
    assert.equal(out["settingsPath"], "/tetrascience/production/ECS/platform-settings");
    assert.equal(out["userAuditLogGroup"], "acme-tdp-production-user-action-audit-log");
    assert.equal((out["secureParameterNames"] as string[]).length, 3);
  });

  it("has no service layer in the dr stack", async () => {
    const dr = await offline.runStackShared("dr");
    assert.equal(dr.ofType("tdp:eks-services:PlatformCluster").length, 0);
    assert.equal(dr.outputs["services"], undefined);
  });
});

/**
 * The other modes, in three stack runs (each run of the whole program takes seconds): every case of
 * the certificate, DNS, exposure and integration settings appears in one of them.
 */
describe("exposedOnInternet with a given certificate and NoDNSWeb", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.runStack({
      stack: "prod",
      configFile: prodWith((services, platform) => {
        platform["exposedOnInternet"] = true;
        delete web(services)["publicDomainZoneId"];
        web(services)["noDnsWeb"] = true;
        web(services)["certificateArn"] = GIVEN_CERTIFICATE;
      }),
    });
  });
  after(() => offline.reset());

  it("is internet-facing in the public subnets, open to clients on 443 and 80 only", () => {
    const alb = rec.one("aws:lb/loadBalancer:LoadBalancer", "web-alb");
    assert.equal(alb.inputs["internal"], false);
    assert.deepEqual(alb.inputs["subnets"], networkOutput(rec, "publicSubnetIds"));
    const ingress = rec
      .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .filter((r) => r.name.startsWith("web-sg-"));
    assert.deepEqual([...new Set(ingress.map((r) => r.inputs["cidrIpv4"]))], ["0.0.0.0/0"]);
    assert.deepEqual([...new Set(ingress.map((r) => r.inputs["fromPort"]))].sort(), [443, 80]);
  });

  it("keeps the EKS endpoint private", () => {
    assert.equal(rec.one("eks:index:Cluster").inputs["endpointPublicAccess"], false);
  });

  it("serves HTTPS with the given certificate and requests none", () => {
    assert.equal(
      rec.ofType("aws:acm/certificate:Certificate").filter((c) => c.name.startsWith("web-")).length,
      0,
    );
    const https = rec.one("aws:lb/listener:Listener", "web-https");
    assert.equal(https.inputs["certificateArn"], GIVEN_CERTIFICATE);
    assert.equal(outputsOf(rec)["url"], `https://${DOMAIN}`);
    assert.equal(outputsOf(rec)["certificateArn"], GIVEN_CERTIFICATE);
  });

  it("creates no public zone and no records (NoDNSWeb)", () => {
    assert.equal(rec.ofType("aws:route53/record:Record").filter((r) => r.name.startsWith("web-")).length, 0);
    assert.equal(rec.ofType("aws:route53/zone:Zone").filter((r) => r.name.startsWith("web-")).length, 0);
    assert.equal(outputsOf(rec)["publicZoneId"], undefined);
  });
});

describe("a created public zone, Box off and Egnyte on", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.runStack({
      stack: "prod",
      configFile: prodWith((services) => {
        delete web(services)["publicDomainZoneId"];
        integrations(services)["box"] = { enabled: false };
        integrations(services)["egnyte"] = { enabled: true, clientId: { secure: "v1:egnyte-client-id" } };
      }),
    });
  });
  after(() => offline.reset());

  it("creates the zone (protected), validates the certificate in it and exports its name servers", () => {
    const zone = rec.one("aws:route53/zone:Zone", "web-zone");
    assert.equal(zone.inputs["name"], DOMAIN);
    assert.equal(zone.protect, true);
    rec.one("aws:acm/certificate:Certificate", "web-certificate");
    const records = rec.ofType("aws:route53/record:Record").filter((r) => r.name.startsWith("web-"));
    assert.equal(records.length, 4);
    assert.deepEqual(zoneIdsOf(records), [outputsOf(rec)["publicZoneId"]]);
    assert.notEqual(outputsOf(rec)["publicZoneId"], "Z0123456789ABCDEFGHIJ");
    assert.ok((outputsOf(rec)["publicZoneNameServers"] as string[]).length > 0);
  });

  it("stores only the Egnyte client id, as a SecureString, and never in clear", () => {
    const secure = rec
      .ofType("aws:ssm/parameter:Parameter")
      .filter((p) => p.inputs["type"] === "SecureString");
    assert.deepEqual(
      secure.map((p) => [p.inputs["name"], p.inputs["value"]]),
      [["/tetrascience/production/ECS/ts-service-web/INT_EGNYTE_CLIENT_ID", "[secret]"]],
    );
    // The offline reader turns a secure value into a placeholder: finding it means a secret leaked.
    assert.ok(!JSON.stringify(rec.resources).includes(SECRET_CONFIG_PLACEHOLDER));
    assert.ok(!JSON.stringify(rec.outputs).includes(SECRET_CONFIG_PLACEHOLDER));
  });
});

describe("plain HTTP (NoDNSWeb, no certificate, acknowledged), integrations off, AthenaCreateIamUser on", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.runStack({
      stack: "prod",
      configFile: prodWith((services, platform) => {
        platform["iamBoundaryPolicyArn"] = "arn:aws:iam::111111111111:policy/tdp-boundary";
        delete web(services)["publicDomainZoneId"];
        web(services)["noDnsWeb"] = true;
        web(services)["allowPlainHttp"] = true;
        integrations(services)["box"] = { enabled: false };
        integrations(services)["athenaCreateIamUser"] = { enabled: true };
      }),
    });
  });
  after(() => offline.reset());

  it("has one HTTP listener, no certificate and an http:// URL", () => {
    const listeners = rec.ofType("aws:lb/listener:Listener").filter((l) => l.name.startsWith("web-"));
    assert.deepEqual(
      listeners.map((l) => [l.name, l.inputs["protocol"], l.inputs["port"]]),
      [["web-http", "HTTP", 80]],
    );
    assert.equal(
      rec.ofType("aws:acm/certificate:Certificate").filter((c) => c.name.startsWith("web-")).length,
      0,
    );
    assert.equal(outputsOf(rec)["url"], `http://${DOMAIN}`);
    const rule = rec.one("aws:lb/listenerRule:ListenerRule", "ecs-ts-service-web-rule");
    assert.match(String(rule.inputs["listenerArn"]), /:listener\/web-http/);
  });

  it("creates no SecureString with every integration off", () => {
    assert.equal(
      rec.ofType("aws:ssm/parameter:Parameter").filter((p) => p.inputs["type"] === "SecureString").length,
      0,
    );
    assert.deepEqual(outputsOf(rec)["secureParameterNames"], []);
  });

  it("lets only the user-org service create Athena users, with the platform's boundary", () => {
    const policy = (service: string) =>
      String(rec.one("aws:iam/rolePolicy:RolePolicy", `ecs-${service}-task-role-task`).inputs["policy"]);
    assert.match(
      policy("ts-service-user-org"),
      /"iam:PermissionsBoundary":"arn:aws:iam::111111111111:policy\/tdp-boundary"/,
    );
    assert.match(policy("ts-service-web"), /DenyIamUserCreation/);
  });
});

describe("the data-processing workload (EKS) with the platform settings", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.runStack({
      stack: "prod",
      configFile: prodWith((services) => {
        const eks = services["eks"] as Record<string, Section>;
        eks["workloads"] = { ...eks["workloads"], dataProcessing: { enabled: true } };
      }),
    });
  });
  after(() => offline.reset());

  it("may read exactly the platform settings parameters, as the ECS task roles do", () => {
    const policy = JSON.parse(
      String(
        rec
          .ofType("aws:iam/rolePolicy:RolePolicy")
          .find((p) => p.name === "eks-irsa-data-processing-workload")?.inputs["policy"],
      ),
    ) as { Statement: Record<string, unknown>[] };
    const ssm = policy.Statement.filter((st) => JSON.stringify(st["Action"]).includes("ssm:"));
    assert.deepEqual(
      ssm.map((st) => [st["Sid"], st["Action"], [st["Resource"]].flat().map(String).sort()]),
      [["PlatformSettings", ["ssm:GetParameter", "ssm:GetParameters"], settingsArns(rec)]],
    );
  });
});

describe("service-layer config problems that stop the prod stack before any resource", () => {
  afterEach(() => offline.reset());

  it("refuses NoDNSWeb without a certificate or an acknowledgement", async () => {
    const file = prodWith((services) => {
      delete web(services)["publicDomainZoneId"];
      web(services)["noDnsWeb"] = true;
    });
    assert.deepEqual(await configProblems(file), [
      "tdp:services.web.allowPlainHttp: (missing) — allowPlainHttp false: noDnsWeb is true and no certificateArn is given, so the web UI would be served over unencrypted HTTP (seed NoDNSWeb); give a certificateArn, or set allowPlainHttp: true to acknowledge plain HTTP (an allow-listed policy exception)",
    ]);
  });

  it("refuses a certificate of another region", async () => {
    const other = GIVEN_CERTIFICATE.replace("us-east-1", "eu-west-1");
    const file = prodWith((services) => {
      web(services)["certificateArn"] = other;
    });
    assert.deepEqual(await configProblems(file), [
      `tdp:services.web.certificateArn: "${other}" — certificateArn "${other}": is in eu-west-1, but a load balancer can only use an ACM certificate of its own region (us-east-1)`,
    ]);
  });

  it("requires PublicDomain in a primary stack", async () => {
    const file = prodWith((services) => {
      for (const key of Object.keys(services)) {
        delete services[key];
      }
    });
    assert.deepEqual(await configProblems(file), [
      "tdp:services.web.publicDomain: (missing) — required in a primary stack (seed PublicDomain): the domain name of the web UI; api.<domain> serves the API",
    ]);
  });

  it("refuses the Windows workers without isolated subnets", async () => {
    const document = parse(
      fs.readFileSync(
        prodWith(() => undefined),
        "utf8",
      ),
    ) as { config: Record<string, Section> };
    document.config["tdp:network"]!["isolatedSubnets"] = false;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tdp-services-")), "Pulumi.prod.yaml");
    fs.writeFileSync(file, stringify(document));
    assert.deepEqual(await configProblems(file), [
      "tdp:services.windows.enabled: true — the Windows workers (seed EnableWinTaskScriptService) run in isolated subnets, and the network has none: set tdp:network.isolatedSubnets: true (or isolatedSubnetIds in adopt mode), or set windows.enabled: false",
    ]);
  });

  it("refuses the Windows workers without the Session Manager endpoints (ssm, ssmmessages, ec2messages)", async () => {
    const file = prodWithNetwork((_services, network) => {
      network["interfaceEndpoints"] = (network["interfaceEndpoints"] as string[]).filter(
        (e) => e !== "ssm" && e !== "ssmmessages",
      );
    });
    const problems = await configProblems(file);
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(
      problems[0]!,
      /^tdp:network\.interfaceEndpoints: \[.*\] — lacks "ssm", "ssmmessages", which the Windows workers \(tdp:services\.windows\.enabled: true\) need: they are managed only through Session Manager \(no key pair, no inbound rule\), and from the isolated subnets the SSM agent reaches ssm, ssmmessages and ec2messages only through interface endpoints; add ssm, ssmmessages or set tdp:services\.windows\.enabled: false$/,
    );
  });

  it("accepts a network without the Session Manager endpoints when the Windows workers are off", async () => {
    const file = prodWithNetwork((services, network) => {
      network["interfaceEndpoints"] = (network["interfaceEndpoints"] as string[]).filter(
        (e) => !["ssm", "ssmmessages", "ec2messages"].includes(e),
      );
      (services["windows"] as Section)["enabled"] = false;
    });
    const rec = await offline.runStack({ stack: "prod", configFile: file });
    assert.equal(rec.ofType("tdp:eks-services:WindowsWorkers").length, 0);
  });

  it("refuses integration values written in plain text in the stack file", async () => {
    const file = prodWith((services) => {
      integrations(services)["box"] = { enabled: true, clientId: "plain-id", clientSecret: "plain-secret" };
    });
    const problems = await configProblems(file);
    assert.deepEqual(problems, [
      "tdp:services.integrations.box.clientId: \"[plain text, not shown]\" — must be a Pulumi secret, not plain text in the stack file: pulumi config set --secret --path 'tdp:services.integrations.box.clientId' <value>",
      "tdp:services.integrations.box.clientSecret: \"[plain text, not shown]\" — must be a Pulumi secret, not plain text in the stack file: pulumi config set --secret --path 'tdp:services.integrations.box.clientSecret' <value>",
    ]);
    assert.ok(!problems.join("\n").includes("plain-secret"));
  });

  it("refuses an enabled integration without its secret", async () => {
    const file = prodWith((services) => {
      integrations(services)["egnyte"] = { enabled: true };
    });
    assert.deepEqual(await configProblems(file), [
      "tdp:services.integrations.egnyte.clientId: (missing) — egnyte.clientId (missing): the Egnyte integration is enabled, so its client id is required; set it as a secret (pulumi config set --secret --path tdp:services.integrations.egnyte.clientId) or disable the integration",
    ]);
  });

  it("refuses AthenaCreateIamUser without any permissions boundary", async () => {
    const file = prodWith((services, platform) => {
      integrations(services)["athenaCreateIamUser"] = { enabled: true };
      delete platform["iamBoundaryPolicyArn"];
    });
    assert.deepEqual(await configProblems(file), [
      "tdp:services.integrations.athenaCreateIamUser.permissionsBoundaryArn: (missing) — athenaCreateIamUser.permissionsBoundaryArn (missing): required when athenaCreateIamUser is enabled, so every user the platform creates at runtime carries a permissions boundary (give it, or set tdp:platform.iamBoundaryPolicyArn)",
    ]);
  });
});
