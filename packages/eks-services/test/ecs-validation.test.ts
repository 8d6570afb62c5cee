import * as assert from "node:assert/strict";

import type { PlatformServiceSpec } from "../src/ecs";
import {
  ecrRepositoryArn,
  fargateMemoryOptions,
  isServiceDisabled,
  routePriority,
  validateIamUserCreation,
  validatePlatformService,
  validatePlatformServices,
  validatePlatformSettings,
  validateServiceDiscoverySubdomain,
} from "../src/ecs";

const IMAGE = "111111111111.dkr.ecr.us-east-1.amazonaws.com/ts-service-web:master";

function spec(extra: Partial<PlatformServiceSpec> = {}): PlatformServiceSpec {
  return { name: "ts-service-web", image: IMAGE, port: 8080, routing: {}, ...extra };
}

function refuses(fn: () => void, ...parts: (string | RegExp)[]): void {
  assert.throws(fn, (error: Error) => {
    for (const part of parts) {
      if (typeof part === "string") {
        assert.ok(error.message.includes(part), `"${error.message}" should contain "${part}"`);
      } else {
        assert.match(error.message, part);
      }
    }
    return true;
  });
}

describe("ECS service validation", () => {
  it("accepts a routed service with the seed's defaults, and a worker without routing", () => {
    validatePlatformService(spec());
    validatePlatformService({ name: "ts-service-link-file", image: "docker.io/library/nginx:1.27" });
    validatePlatformService(spec({ image: `${IMAGE}@sha256:${"a".repeat(64)}` }));
  });

  it("knows Fargate's task sizes", () => {
    assert.deepEqual(fargateMemoryOptions(256), [512, 1024, 2048]);
    assert.deepEqual(fargateMemoryOptions(512), [1024, 2048, 3072, 4096]);
    assert.equal(fargateMemoryOptions(300), undefined);
    assert.ok(fargateMemoryOptions(8192)!.includes(16384 + 4096));
  });

  it("refuses a CPU value that is not a Fargate size", () => {
    refuses(
      () => validatePlatformService(spec({ cpu: 768 })),
      "services[ts-service-web].cpu 768",
      "not a Fargate task CPU size",
    );
  });

  it("refuses a cpu/memory combination Fargate does not run", () => {
    refuses(
      () => validatePlatformService(spec({ cpu: 256, memory: 4096 })),
      ".memory 4096",
      "not valid with cpu 256 on Fargate",
      "one of 512, 1024, 2048 MiB",
    );
    refuses(
      () => validatePlatformService(spec({ cpu: 1024, memory: 1024 })),
      "not valid with cpu 1024",
      "2048 to 8192",
    );
  });

  it("refuses MinCapacity above MaxCapacity", () => {
    refuses(
      () => validatePlatformService(spec({ minCapacity: 5, maxCapacity: 4 })),
      "minCapacity 5",
      "must not exceed maxCapacity (4)",
    );
  });

  it("refuses MinCapacity 0 with MaxCapacity above 0 (target tracking cannot start from zero)", () => {
    refuses(
      () => validatePlatformService(spec({ minCapacity: 0, maxCapacity: 3 })),
      "minCapacity 0",
      "cannot scale out from zero tasks",
      "set both to 0",
    );
  });

  it("treats 0/0 as a disabled service (seed: set to 0 if not used)", () => {
    assert.equal(isServiceDisabled({ minCapacity: 0, maxCapacity: 0 }), true);
    assert.equal(isServiceDisabled({}), false);
    validatePlatformService(spec({ minCapacity: 0, maxCapacity: 0 }));
  });

  it("refuses negative or fractional capacities", () => {
    refuses(
      () => validatePlatformService(spec({ maxCapacity: 2.5 })),
      "maxCapacity 2.5",
      "whole number from 0 to 1000",
    );
  });

  it("refuses a bad service name", () => {
    refuses(
      () => validatePlatformService(spec({ name: "TS_Service" })),
      '.name "TS_Service"',
      "lowercase letters",
    );
  });

  it("refuses a bad image reference", () => {
    refuses(
      () => validatePlatformService(spec({ image: "not an image" })),
      '.image "not an image"',
      "container image reference",
    );
  });

  it("refuses a routed service without a port", () => {
    refuses(
      () => validatePlatformService(spec({ port: undefined })),
      ".port",
      "required when the service has routing",
    );
  });

  it("refuses a reserved or out-of-range port", () => {
    refuses(() => validatePlatformService(spec({ port: 51678 })), ".port 51678", "not one ECS reserves");
    refuses(() => validatePlatformService(spec({ port: 70000 })), ".port 70000");
  });

  it("refuses a bad path pattern", () => {
    refuses(
      () => validatePlatformService(spec({ routing: { pathPatterns: ["api/*"] } })),
      '.routing.pathPatterns "api/*"',
      "not an ALB path pattern",
    );
    refuses(
      () => validatePlatformService(spec({ routing: { pathPatterns: ["/a b"] } })),
      "not an ALB path pattern",
    );
  });

  it("refuses an unknown host and more than five condition values", () => {
    refuses(
      () => validatePlatformService(spec({ routing: { hosts: ["www" as "web"] } })),
      ".routing.hosts",
      '"web" (PublicDomain) and/or "api"',
    );
    refuses(
      () =>
        validatePlatformService(
          spec({ routing: { hosts: ["web", "api"], pathPatterns: ["/a", "/b", "/c", "/d"] } }),
        ),
      "6 condition values",
      "at most 5",
    );
  });

  it("refuses a secret-looking plain environment variable (FSBP ECS.8)", () => {
    refuses(
      () => validatePlatformService(spec({ environment: { DB_PASSWORD: "hunter2" } })),
      "environment.DB_PASSWORD",
      "[redacted]",
      "looks like a secret",
    );
    assert.throws(
      () => validatePlatformService(spec({ environment: { API_TOKEN: "abc" } })),
      (e: Error) => !e.message.includes("abc"),
    );
  });

  it("refuses a secret that is a path or ARN instead of a name under the service's own path", () => {
    refuses(
      () => validatePlatformService(spec({ secrets: { X: "/tetrascience/production/ECS/other/X" } })),
      "secrets.X",
      "own SSM path",
    );
  });

  it("refuses the variables the component sets itself (the platform settings path among them)", () => {
    for (const name of ["PLATFORM_SETTINGS_PATH", "SSM_PARAMETER_PATH", "SERVICE_DISCOVERY_NAMESPACE"]) {
      refuses(
        () => validatePlatformService(spec({ environment: { [name]: "/elsewhere" } })),
        `environment.${name} "/elsewhere"`,
        "is set by the component in every container",
      );
      refuses(
        () => validatePlatformService(spec({ secrets: { [name]: "OTHER" } })),
        `secrets.${name} "OTHER"`,
        "is set by the component in every container",
      );
    }
  });

  it("refuses a health check path on a service without routing (it has no target group)", () => {
    refuses(
      () =>
        validatePlatformService({
          name: "ts-service-pipeline",
          image: IMAGE,
          port: 8080,
          healthCheckPath: "/ready",
        }),
      'services[ts-service-pipeline].healthCheckPath "/ready"',
      "applies only to a load-balanced service (one with routing)",
    );
    validatePlatformService(spec({ healthCheckPath: "/ready" }));
  });

  it("refuses a variable given both as environment and as secret", () => {
    refuses(
      () => validatePlatformService(spec({ environment: { MODE: "a" }, secrets: { MODE: "MODE" } })),
      "secrets.MODE",
      "one source",
    );
  });

  it("refuses request-count scaling on a service without routing", () => {
    refuses(
      () =>
        validatePlatformService({ name: "worker", image: IMAGE, autoscaling: { requestsPerTarget: 100 } }),
      "autoscaling.requestsPerTarget 100",
      "needs routing",
    );
  });

  it("refuses a CPU target outside 10-90%", () => {
    refuses(
      () => validatePlatformService(spec({ autoscaling: { cpuTargetPercent: 95 } })),
      "cpuTargetPercent 95",
    );
  });

  it("refuses a writable path that is the root", () => {
    refuses(
      () => validatePlatformService(spec({ writablePaths: ["/"] })),
      'writablePaths "/"',
      "other than /",
    );
  });

  it("refuses duplicate service names", () => {
    refuses(
      () => validatePlatformServices([spec(), spec({ routing: { priority: 5 } })]),
      'services[1].name "ts-service-web"',
      "duplicates services[0].name",
    );
  });

  it("refuses two routed services on one listener rule priority", () => {
    refuses(
      () =>
        validatePlatformServices([
          spec({ routing: { priority: 10 } }),
          spec({ name: "ts-service-api", routing: { priority: 10, hosts: ["api"] } }),
        ]),
      "services[1].routing.priority 10",
      "also the listener rule priority of ts-service-web",
    );
  });

  it("derives rule priorities from the list position unless given", () => {
    assert.equal(routePriority(spec(), 0), 100);
    assert.equal(routePriority(spec(), 3), 130);
    assert.equal(routePriority(spec({ routing: { priority: 7 } }), 3), 7);
  });

  it("checks TaskThroughput and ConnectorMaxMemory", () => {
    validatePlatformSettings({});
    refuses(() => validatePlatformSettings({ taskThroughput: 0 }), "taskThroughput 0", "1 to 1000");
    refuses(
      () => validatePlatformSettings({ connectorMaxMemory: 64 }),
      "connectorMaxMemory 64",
      "128 to 65536",
    );
  });

  it("checks the Cloud Map subdomain label", () => {
    validateServiceDiscoverySubdomain("svc");
    refuses(
      () => validateServiceDiscoverySubdomain("svc.x"),
      'serviceDiscovery.subdomain "svc.x"',
      "one lowercase DNS label",
    );
  });

  it("derives the ECR repository ARN of ECR images only", () => {
    assert.equal(ecrRepositoryArn(IMAGE), "arn:aws:ecr:us-east-1:111111111111:repository/ts-service-web");
    assert.equal(ecrRepositoryArn("docker.io/library/nginx:1.27"), undefined);
  });
});

describe("AthenaCreateIamUser validation", () => {
  it("accepts off, and on with a boundary", () => {
    validateIamUserCreation({});
    validateIamUserCreation({ enabled: true, permissionsBoundaryArn: "arn:aws:iam::111111111111:policy/b" });
  });

  it("refuses on without a permissions boundary", () => {
    refuses(
      () => validateIamUserCreation({ enabled: true }),
      "permissionsBoundaryArn (missing)",
      "carries a permissions boundary",
    );
  });

  it("refuses a bad user path", () => {
    refuses(() => validateIamUserCreation({ userPath: "athena" }), 'userPath "athena"', "IAM path");
    refuses(() => validateIamUserCreation({ userPath: "/" }), "not the root");
  });
});
