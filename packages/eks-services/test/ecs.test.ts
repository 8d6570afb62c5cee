import * as assert from "node:assert/strict";

import * as aws from "@pulumi/aws";
import { Naming } from "@tdp/core";
import { offline } from "@tdp/offline";

import type { PlatformServiceSpec, PlatformServicesArgs } from "../src/ecs";
import { PlatformServices } from "../src/ecs";
import type { Recording } from "./helpers";
import { named, inputs } from "./helpers";

const naming = new Naming({ infrastructureName: "acme-tdp", environment: "production" });
const REGISTRY = "111111111111.dkr.ecr.us-east-1.amazonaws.com";
const SECRETS_KEY = "arn:aws:kms:us-east-1:111111111111:key/secrets";
const LOGS_KEY = "arn:aws:kms:us-east-1:111111111111:key/logs";
const ALB_SG = "sg-0alb0000000000000";
const LISTENER = "arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/web/1/2";

const SERVICES: PlatformServiceSpec[] = [
  {
    name: "ts-service-web",
    image: `${REGISTRY}/ts-service-web:master`,
    cpu: 1024,
    memory: 2048,
    port: 8080,
    routing: { hosts: ["web"], pathPatterns: ["/*"] },
    autoscaling: { requestsPerTarget: 500 },
    environment: { NODE_ENV: "production" },
    secrets: { SESSION_KEY_REF: "SESSION_KEY" },
  },
  {
    name: "ts-service-api",
    image: `${REGISTRY}/ts-service-api:master`,
    port: 3000,
    healthCheckPath: "/api/health",
    routing: { hosts: ["api"], pathPatterns: ["/*"] },
    minCapacity: 3,
    maxCapacity: 6,
  },
  { name: "ts-service-link-file", image: `${REGISTRY}/ts-service-link-file:master`, port: 8081 },
  { name: "ts-service-user-org", image: "docker.io/tetrascience/user-org:1.0", port: 8082 },
  {
    name: "ts-service-anylink",
    image: `${REGISTRY}/ts-service-anylink:master`,
    minCapacity: 0,
    maxCapacity: 0,
  },
];

function args(extra: Partial<PlatformServicesArgs> = {}): PlatformServicesArgs {
  return {
    naming,
    iam: { permissionsBoundaryArn: "arn:aws:iam::111111111111:policy/boundary" },
    region: "us-east-1",
    accountId: "111111111111",
    vpcId: "vpc-0123456789abcdef0",
    vpcCidrBlock: "10.40.0.0/16",
    privateSubnetIds: ["subnet-0a", "subnet-0b", "subnet-0c"],
    services: SERVICES,
    logRetentionDays: 90,
    logsKmsKeyArn: LOGS_KEY,
    secretsKmsKeyArn: SECRETS_KEY,
    web: {
      listenerArn: LISTENER,
      securityGroupId: ALB_SG,
      hostNames: { web: "tdp.example.com", api: "api.tdp.example.com" },
      loadBalancerArnSuffix: "app/web/123",
    },
    settingsParameterArns: [
      "arn:aws:ssm:us-east-1:111111111111:parameter/tetrascience/production/ECS/platform-settings/TASK_THROUGHPUT",
    ],
    injectedSecrets: {
      "ts-service-link-file": {
        BOX_CLIENT_ID:
          "arn:aws:ssm:us-east-1:111111111111:parameter/tetrascience/production/ECS/ts-service-link-file/BOX_CLIENT_ID",
      },
    },
    auditLogGroupArn:
      "arn:aws:logs:us-east-1:111111111111:log-group:acme-tdp-production-user-action-audit-log",
    ...extra,
  };
}

function policyOf(rec: Recording, name: string): { Statement: Record<string, unknown>[] } {
  return JSON.parse(inputs(named(rec, name))["policy"] as string) as { Statement: Record<string, unknown>[] };
}

describe("PlatformServices", () => {
  let rec: Recording;
  let component: PlatformServices;
  before(async () => {
    rec = await offline.record(() => {
      component = new PlatformServices("ecs", args());
    });
  });

  it("registers its type and names every child after itself", () => {
    const root = named(rec, "ecs");
    assert.equal(root.type, "tdp:eks-services:PlatformServices");
    for (const r of rec.resources) {
      if (r.type !== "pulumi:pulumi:Stack") {
        assert.ok(r.name.startsWith("ecs"), `${r.name} is named after the component`);
      }
    }
  });

  it("creates a cluster with Container Insights and Fargate capacity providers", () => {
    const cluster = named(rec, "ecs-cluster");
    assert.deepEqual(inputs(cluster)["settings"], [{ name: "containerInsights", value: "enabled" }]);
    assert.equal(inputs(cluster)["name"], "acme-tdp-production-services");
    const providers = inputs(named(rec, "ecs-capacity-providers"));
    assert.deepEqual(providers["capacityProviders"], ["FARGATE", "FARGATE_SPOT"]);
  });

  it("creates the Cloud Map namespace under PrivateDomain, not on it", async () => {
    const ns = inputs(named(rec, "ecs-namespace"));
    assert.equal(ns["name"], "svc.ts-dip.internal");
    assert.equal(ns["vpc"], "vpc-0123456789abcdef0");
    assert.equal(component.namespaceName, "svc.ts-dip.internal");
    assert.equal(component.services["ts-service-web"]!.discoveryName, "ts-service-web.svc.ts-dip.internal");
  });

  it("does not create a 0/0 service at all (no service, role, task definition or log group)", () => {
    assert.deepEqual(component.disabledServices, ["ts-service-anylink"]);
    assert.equal(component.services["ts-service-anylink"], undefined);
    assert.equal(rec.resources.filter((r) => r.name.includes("anylink")).length, 0);
    assert.equal(rec.ofType("aws:ecs/service:Service").length, 4);
  });

  it("runs tasks in the private subnets with no public IP, the task SG, the seed's capacities", async () => {
    const web = inputs(named(rec, "ecs-ts-service-web-service"));
    assert.deepEqual(web["networkConfiguration"], {
      subnets: ["subnet-0a", "subnet-0b", "subnet-0c"],
      securityGroups: [await offline.outputValue(component.tasksSecurityGroupId)],
      assignPublicIp: false,
    });
    assert.equal(web["desiredCount"], 2);
    const target = inputs(named(rec, "ecs-ts-service-web-scaling-target"));
    assert.equal(target["minCapacity"], 2);
    assert.equal(target["maxCapacity"], 4);
    const api = inputs(named(rec, "ecs-ts-service-api-scaling-target"));
    assert.equal(api["minCapacity"], 3);
    assert.equal(api["maxCapacity"], 6);
  });

  it("scales on CPU always and on ALB requests when asked", () => {
    const cpu = inputs(named(rec, "ecs-ts-service-web-scale-cpu"));
    assert.equal(cpu["policyType"], "TargetTrackingScaling");
    const cpuConfig = cpu["targetTrackingScalingPolicyConfiguration"] as Record<string, unknown>;
    assert.equal(cpuConfig["targetValue"], 60);
    assert.deepEqual(cpuConfig["predefinedMetricSpecification"], {
      predefinedMetricType: "ECSServiceAverageCPUUtilization",
    });
    const requests = inputs(named(rec, "ecs-ts-service-web-scale-requests"));
    const reqConfig = requests["targetTrackingScalingPolicyConfiguration"] as Record<string, unknown>;
    assert.equal(reqConfig["targetValue"], 500);
    const metric = reqConfig["predefinedMetricSpecification"] as Record<string, unknown>;
    assert.equal(metric["predefinedMetricType"], "ALBRequestCountPerTarget");
    assert.match(metric["resourceLabel"] as string, /^app\/web\/123\/targetgroup\//);
    assert.equal(rec.named("ecs-ts-service-api-scale-requests"), undefined);
  });

  it("writes a hardened task definition: read-only root with a task volume, not privileged, awslogs, secrets from SSM", () => {
    const task = inputs(named(rec, "ecs-ts-service-web-task"));
    assert.equal(task["networkMode"], "awsvpc");
    assert.deepEqual(task["requiresCompatibilities"], ["FARGATE"]);
    assert.equal(task["cpu"], "1024");
    assert.equal(task["memory"], "2048");
    assert.deepEqual(task["volumes"], [{ name: "rw-tmp" }]);
    const [container] = JSON.parse(task["containerDefinitions"] as string) as Record<string, unknown>[];
    assert.equal(container!["privileged"], false);
    assert.equal(container!["readonlyRootFilesystem"], true);
    assert.deepEqual(container!["mountPoints"], [
      { sourceVolume: "rw-tmp", containerPath: "/tmp", readOnly: false },
    ]);
    assert.deepEqual(container!["portMappings"], [{ containerPort: 8080, protocol: "tcp" }]);
    const log = container!["logConfiguration"] as { logDriver: string; options: Record<string, string> };
    assert.equal(log.logDriver, "awslogs");
    assert.equal(log.options["awslogs-group"], "/tdp/acme-tdp-production/ecs/ts-service-web");
    assert.equal(log.options["awslogs-region"], "us-east-1");
    assert.deepEqual(container!["secrets"], [
      {
        name: "SESSION_KEY_REF",
        valueFrom:
          "arn:aws:ssm:us-east-1:111111111111:parameter/tetrascience/production/ECS/ts-service-web/SESSION_KEY",
      },
    ]);
    const env = container!["environment"] as { name: string; value: string }[];
    assert.deepEqual(
      env.map((e) => e.name),
      ["NODE_ENV", "PLATFORM_SETTINGS_PATH", "SERVICE_DISCOVERY_NAMESPACE", "SSM_PARAMETER_PATH"],
    );
    assert.ok(env.some((e) => e.value === "/tetrascience/production/ECS/ts-service-web"));
  });

  it("tells every container where the platform settings are, and its task role reads exactly those", () => {
    for (const service of [
      "ts-service-web",
      "ts-service-api",
      "ts-service-link-file",
      "ts-service-user-org",
    ]) {
      const task = inputs(named(rec, `ecs-${service}-task`));
      const [container] = JSON.parse(task["containerDefinitions"] as string) as Record<string, unknown>[];
      const env = container!["environment"] as { name: string; value: string }[];
      assert.deepEqual(
        env.find((e) => e.name === "PLATFORM_SETTINGS_PATH"),
        { name: "PLATFORM_SETTINGS_PATH", value: "/tetrascience/production/ECS/platform-settings" },
        service,
      );
      const policy = policyOf(rec, `ecs-${service}-task-role-task`);
      const ssm = policy.Statement.filter((s) => JSON.stringify(s["Action"]).includes("ssm:"));
      assert.deepEqual(ssm, [
        {
          Sid: "PlatformSettings",
          Effect: "Allow",
          Action: ["ssm:GetParameter", "ssm:GetParameters"],
          Resource: [
            "arn:aws:ssm:us-east-1:111111111111:parameter/tetrascience/production/ECS/platform-settings/TASK_THROUGHPUT",
          ],
        },
      ]);
    }
  });

  it("injects integration secrets into their service's container", () => {
    const task = inputs(named(rec, "ecs-ts-service-link-file-task"));
    const [container] = JSON.parse(task["containerDefinitions"] as string) as Record<string, unknown>[];
    assert.deepEqual(container!["secrets"], [
      {
        name: "BOX_CLIENT_ID",
        valueFrom:
          "arn:aws:ssm:us-east-1:111111111111:parameter/tetrascience/production/ECS/ts-service-link-file/BOX_CLIENT_ID",
      },
    ]);
  });

  it("gives each service a log group with retention and the logs key", () => {
    const group = inputs(named(rec, "ecs-ts-service-api-logs"));
    assert.equal(group["retentionInDays"], 90);
    assert.equal(group["kmsKeyId"], LOGS_KEY);
  });

  it("lets the execution role read only its own SSM path and decrypt through SSM", () => {
    const policy = policyOf(rec, "ecs-ts-service-web-execution-role-execution");
    const ssm = policy.Statement.find((s) => s["Sid"] === "OwnParameters")!;
    assert.equal(ssm["Action"], "ssm:GetParameters");
    assert.equal(
      ssm["Resource"],
      "arn:aws:ssm:us-east-1:111111111111:parameter/tetrascience/production/ECS/ts-service-web/*",
    );
    const kms = policy.Statement.find((s) => s["Sid"] === "DecryptOwnSecureStrings")!;
    assert.equal(kms["Resource"], SECRETS_KEY);
    assert.deepEqual(kms["Condition"], { StringEquals: { "kms:ViaService": "ssm.us-east-1.amazonaws.com" } });
    const pull = policy.Statement.find((s) => s["Sid"] === "PullOwnImage")!;
    assert.deepEqual(pull["Resource"], ["arn:aws:ecr:us-east-1:111111111111:repository/ts-service-web"]);
    for (const statement of policy.Statement) {
      assert.ok(
        !(statement["Action"] === "*" || statement["Resource"] === "*") || statement["Sid"] === "EcrLogin",
      );
    }
    // A non-ECR image needs no ECR permission at all.
    const other = policyOf(rec, "ecs-ts-service-user-org-execution-role-execution");
    assert.equal(other.Statement.filter((s) => String(s["Sid"]).startsWith("Ecr")).length, 0);
  });

  it("puts every role through ServiceRole: boundary, ecs-tasks trust limited to the account", () => {
    const roles = rec.ofType("aws:iam/role:Role");
    assert.equal(roles.length, 8);
    for (const role of roles) {
      assert.equal(inputs(role)["permissionsBoundary"], "arn:aws:iam::111111111111:policy/boundary");
      const trust = JSON.parse(inputs(role)["assumeRolePolicy"] as string) as {
        Statement: Record<string, unknown>[];
      };
      assert.deepEqual(trust.Statement[0]!["Principal"], { Service: "ecs-tasks.amazonaws.com" });
      assert.deepEqual(trust.Statement[0]!["Condition"], {
        StringEquals: { "aws:SourceAccount": "111111111111" },
      });
    }
  });

  it("denies IAM user creation to every task role by default (AthenaCreateIamUser false)", () => {
    for (const svc of ["ts-service-web", "ts-service-user-org"]) {
      const policy = policyOf(rec, `ecs-${svc}-task-role-task`);
      const deny = policy.Statement.find((s) => s["Sid"] === "DenyIamUserCreation")!;
      assert.equal(deny["Effect"], "Deny");
      assert.ok((deny["Action"] as string[]).includes("iam:CreateUser"));
      assert.ok((deny["Action"] as string[]).includes("iam:CreateAccessKey"));
      const settings = policy.Statement.find((s) => s["Sid"] === "PlatformSettings")!;
      assert.deepEqual(settings["Action"], ["ssm:GetParameter", "ssm:GetParameters"]);
      const audit = policy.Statement.find((s) => s["Sid"] === "UserAuditLog")!;
      assert.match(audit["Resource"] as string, /user-action-audit-log:\*$/);
    }
  });

  it("admits service ports only from the ALB (and the other tasks), and opens the ALB's egress to them", () => {
    const ingress = rec.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    const fromAlb = ingress.filter((r) => inputs(r)["referencedSecurityGroupId"] === ALB_SG);
    assert.deepEqual(fromAlb.map((r) => inputs(r)["fromPort"]).sort(), [3000, 8080]);
    assert.ok(
      ingress.every((r) => inputs(r)["cidrIpv4"] === undefined),
      "no CIDR ingress on the tasks",
    );
    const albEgress = rec
      .ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
      .filter((r) => inputs(r)["securityGroupId"] === ALB_SG);
    assert.deepEqual(albEgress.map((r) => inputs(r)["toPort"]).sort(), [3000, 8080]);
  });

  it("routes by host and path with a target group per routed service", () => {
    const rule = inputs(named(rec, "ecs-ts-service-api-rule"));
    assert.equal(rule["listenerArn"], LISTENER);
    assert.equal(rule["priority"], 110);
    assert.deepEqual(rule["conditions"], [
      { hostHeader: { values: ["api.tdp.example.com"] } },
      { pathPattern: { values: ["/*"] } },
    ]);
    const tg = inputs(named(rec, "ecs-ts-service-api-tg"));
    assert.equal(tg["targetType"], "ip");
    assert.equal(tg["port"], 3000);
    assert.equal((tg["healthCheck"] as Record<string, unknown>)["path"], "/api/health");
    // A prefix of at most 6 characters (the provider's suffix makes 32): a changed port replaces
    // the group without colliding with the old one's name; the Name tag is the readable name.
    assert.equal(tg["name"], undefined);
    assert.equal(tg["namePrefix"], "ecs-");
    assert.equal((tg["tags"] as Record<string, string>)["Name"], "acme-tdp-production-ts-service-api");
    assert.equal(
      rec.named("ecs-ts-service-link-file-tg"),
      undefined,
      "an unrouted service has no target group",
    );
  });

  it("exposes the tasks security group for the database and search", async () => {
    const id = await offline.outputValue(component.tasksSecurityGroupId);
    assert.match(id, /^sg-/);
  });
});

describe("PlatformServices with AthenaCreateIamUser on", () => {
  it("lets only the creator service create users under the path, with the boundary", async () => {
    const rec = await offline.record(() => {
      new PlatformServices(
        "athena",
        args({
          iamUserCreation: {
            enabled: true,
            services: ["ts-service-user-org"],
            userPath: "/tdp-athena/",
            permissionsBoundaryArn: "arn:aws:iam::111111111111:policy/athena-users",
          },
        }),
      );
    });
    const creator = policyOf(rec, "athena-ts-service-user-org-task-role-task");
    const create = creator.Statement.find((s) => s["Sid"] === "CreateAthenaUsersWithBoundary")!;
    assert.equal(create["Resource"], "arn:aws:iam::111111111111:user/tdp-athena/*");
    assert.deepEqual(create["Condition"], {
      StringEquals: { "iam:PermissionsBoundary": "arn:aws:iam::111111111111:policy/athena-users" },
    });
    assert.ok(creator.Statement.some((s) => s["Sid"] === "KeepTheBoundary" && s["Effect"] === "Deny"));
    const other = policyOf(rec, "athena-ts-service-web-task-role-task");
    assert.ok(other.Statement.some((s) => s["Sid"] === "DenyIamUserCreation"));
  });
});

describe("PlatformServices after the ECS service-linked role", () => {
  it("creates the cluster, and so every service, only after the resources it must wait for", async () => {
    const rec = await offline.record(() => {
      const role = new aws.iam.ServiceLinkedRole("slr-ecs", { awsServiceName: "ecs.amazonaws.com" });
      new PlatformServices("waits", args({ dependsOn: [role] }));
    });
    const role = named(rec, "slr-ecs");
    assert.ok(named(rec, "waits-cluster").dependencies.includes(role.urn));
    assert.ok(named(rec, "waits-capacity-providers").dependencies.includes(named(rec, "waits-cluster").urn));
  });
});

describe("PlatformServices argument checks", () => {
  it("registers nothing when a service is invalid", async () => {
    let error: Error | undefined;
    const rec = await offline.record(() => {
      try {
        new PlatformServices("bad", args({ services: [{ ...SERVICES[0]!, cpu: 256, memory: 8192 }] }));
      } catch (e) {
        error = e as Error;
      }
    });
    assert.match(error!.message, /not valid with cpu 256 on Fargate/);
    assert.equal(rec.resources.filter((r) => r.name.startsWith("bad")).length, 0);
  });

  it("refuses routed services without a web entry point", () => {
    assert.throws(
      () => new PlatformServices("x", args({ web: undefined })),
      /have routing but no web entry point/,
    );
  });

  it("refuses a platform settings path that is not an SSM path", () => {
    assert.throws(
      () =>
        new PlatformServices("x", args({ settingsPath: "tetrascience/production/ECS/platform-settings/" })),
      /settingsPath "tetrascience\/production\/ECS\/platform-settings\/": must be an SSM parameter path/,
    );
  });

  it("puts a given platform settings path in every container", async () => {
    const rec = await offline.record(() => {
      new PlatformServices("given", args({ settingsPath: "/tetrascience/uat/ECS/platform-settings" }));
    });
    const task = inputs(named(rec, "given-ts-service-api-task"));
    const [container] = JSON.parse(task["containerDefinitions"] as string) as Record<string, unknown>[];
    const env = container!["environment"] as { name: string; value: string }[];
    assert.equal(
      env.find((e) => e.name === "PLATFORM_SETTINGS_PATH")?.value,
      "/tetrascience/uat/ECS/platform-settings",
    );
  });

  it("refuses injected secrets for a service that is not in the list", () => {
    assert.throws(
      () => new PlatformServices("x", args({ injectedSecrets: { "ts-service-nope": { A: "arn" } } })),
      /injectedSecrets.ts-service-nope: no service of that name/,
    );
  });
});
