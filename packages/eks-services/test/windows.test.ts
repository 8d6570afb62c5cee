import * as assert from "node:assert/strict";

import { Naming, allow, policyDocument } from "@tdp/core";
import { offline } from "@tdp/offline";

import type { WindowsWorkersArgs } from "../src/windows";
import {
  DEFAULT_WINDOWS_AMI_PARAMETER,
  WindowsWorkers,
  validateWindowsInstanceType,
  validateWindowsWorkersArgs,
  windowsUserData,
} from "../src/windows";
import type { Recording } from "./helpers";
import { named, inputs, statements } from "./helpers";

const naming = new Naming({
  infrastructureName: "acme-tdp",
  environment: "production",
  iamRolePrefix: "TS-",
});
const BOUNDARY = "arn:aws:iam::111111111111:policy/boundary";
const EBS_KEY = "arn:aws:kms:us-east-1:111111111111:key/ebs";
const QUEUE = "arn:aws:sqs:us-east-1:111111111111:acme-tdp-production-win-tasks";

function args(extra: Partial<WindowsWorkersArgs> = {}): WindowsWorkersArgs {
  return {
    naming,
    iam: { rolePrefix: "TS-", permissionsBoundaryArn: BOUNDARY },
    vpcId: "vpc-0123456789abcdef0",
    vpcCidrBlock: "10.40.0.0/16",
    isolatedSubnetIds: ["subnet-0i1", "subnet-0i2", "subnet-0i3"],
    ...extra,
  };
}

function refuses(fn: () => void, ...parts: string[]): void {
  assert.throws(fn, (error: Error) => {
    for (const part of parts) {
      assert.ok(error.message.includes(part), `"${error.message}" should contain "${part}"`);
    }
    return true;
  });
}

describe("WindowsWorkers (defaults)", () => {
  let rec: Recording;
  let component: WindowsWorkers;
  before(async () => {
    rec = await offline.record(() => {
      component = new WindowsWorkers("win", args());
    });
  });

  it("registers its type and names every child after itself", () => {
    assert.equal(named(rec, "win").type, "tdp:eks-services:WindowsWorkers");
    for (const r of rec.resources) {
      if (r.type !== "pulumi:pulumi:Stack") {
        assert.ok(r.name.startsWith("win"), `${r.name} is named after the component`);
      }
    }
    assert.deepEqual(
      rec.resources
        .filter((r) => r.custom)
        .map((r) => r.type)
        .sort(),
      [
        "aws:autoscaling/group:Group",
        "aws:ec2/launchTemplate:LaunchTemplate",
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:iam/instanceProfile:InstanceProfile",
        "aws:iam/role:Role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      ],
    );
  });

  it("runs an Auto Scaling group in the isolated subnets on the template's numbered version, with instance refresh", () => {
    const asg = inputs(rec.one("aws:autoscaling/group:Group"));
    assert.equal(asg["name"], "acme-tdp-production-windows-workers");
    assert.deepEqual(asg["vpcZoneIdentifiers"], ["subnet-0i1", "subnet-0i2", "subnet-0i3"]);
    assert.equal(asg["minSize"], 1);
    assert.equal(asg["maxSize"], 2);
    assert.equal(asg["desiredCapacity"], 1);
    const lt = asg["launchTemplate"] as Record<string, unknown>;
    assert.match(String(lt["id"]), /^lt-[0-9a-f]{17}$/);
    assert.equal(
      lt["version"],
      "1",
      "a numbered version, never $Latest, so a new version triggers the refresh",
    );
    assert.deepEqual(asg["instanceRefresh"], {
      strategy: "Rolling",
      preferences: { minHealthyPercentage: 50, instanceWarmup: "600", skipMatching: true },
    });
    assert.equal(asg["healthCheckType"], "EC2");
    assert.equal(asg["launchConfiguration"], undefined);
    assert.deepEqual(asg["tags"], [
      { key: "Name", value: "acme-tdp-production-windows-workers", propagateAtLaunch: true },
    ]);
  });

  it("launches the current Windows Server 2025 image from the public SSM parameter, as the seed's t3.medium", async () => {
    const lt = inputs(rec.one("aws:ec2/launchTemplate:LaunchTemplate"));
    assert.match(String(lt["imageId"]), /^ami-[0-9a-f]{17}$/);
    assert.equal(lt["imageId"], await offline.outputValue(component.amiId));
    assert.equal(lt["instanceType"], "t3.medium");
    assert.equal(lt["name"], "acme-tdp-production-windows-workers");
    assert.equal(
      DEFAULT_WINDOWS_AMI_PARAMETER,
      "/aws/service/ami-windows-latest/Windows_Server-2025-English-Full-Base",
      "Windows Server 2022's mainstream support ends 2026-10-13",
    );
    assert.equal(lt["userData"], undefined);
    assert.equal(lt["keyName"], undefined, "no key pair: administrators use Session Manager");
  });

  it("requires IMDSv2 with one hop, encrypts gp3 root volumes and gives no public address", () => {
    const lt = inputs(rec.one("aws:ec2/launchTemplate:LaunchTemplate"));
    assert.deepEqual(lt["metadataOptions"], {
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: "disabled",
    });
    assert.deepEqual(lt["blockDeviceMappings"], [
      {
        deviceName: "/dev/sda1",
        ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
      },
    ]);
    const [nic] = lt["networkInterfaces"] as Record<string, unknown>[];
    assert.equal(nic!["associatePublicIpAddress"], "false");
    assert.equal(nic!["deviceIndex"], 0);
    assert.equal(lt["vpcSecurityGroupIds"], undefined);
    assert.deepEqual(lt["monitoring"], { enabled: true });
  });

  it("has a security group with no inbound rule and HTTPS out to the VPC CIDR only", async () => {
    const sg = inputs(rec.one("aws:ec2/securityGroup:SecurityGroup"));
    assert.deepEqual(sg["ingress"], []);
    assert.deepEqual(sg["egress"], [
      {
        description: "HTTPS to the VPC interface endpoints",
        protocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrBlocks: ["10.40.0.0/16"],
      },
    ]);
    assert.equal(sg["vpcId"], "vpc-0123456789abcdef0");
    const [nic] = inputs(rec.one("aws:ec2/launchTemplate:LaunchTemplate"))["networkInterfaces"] as Record<
      string,
      unknown
    >[];
    assert.deepEqual(nic!["securityGroups"], [await offline.outputValue(component.securityGroupId)]);
  });

  it("gives the instances a ServiceRole (prefix, boundary) with SSM and the CloudWatch agent, through an instance profile", async () => {
    const role = inputs(rec.one("aws:iam/role:Role"));
    assert.equal(role["name"], "TS-acme-tdp-production-windows-workers");
    assert.equal(role["permissionsBoundary"], BOUNDARY);
    const parent = rec.resources.find((r) => r.urn === rec.one("aws:iam/role:Role").parent)!;
    assert.equal(parent.type, "tdp:core:ServiceRole");
    assert.deepEqual(statements(role["assumeRolePolicy"])[0]!["Principal"], { Service: "ec2.amazonaws.com" });
    assert.deepEqual(
      rec
        .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .map((a) => inputs(a)["policyArn"])
        .sort(),
      [
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
      ],
    );
    assert.equal(rec.ofType("aws:iam/rolePolicy:RolePolicy").length, 0);
    const profile = inputs(rec.one("aws:iam/instanceProfile:InstanceProfile"));
    assert.equal(profile["role"], "TS-acme-tdp-production-windows-workers");
    const lt = inputs(rec.one("aws:ec2/launchTemplate:LaunchTemplate"));
    assert.deepEqual(lt["iamInstanceProfile"], {
      arn: await offline.outputValue(component.instanceProfileArn),
    });
  });

  it("exposes the group, template, security group, role and image as outputs", async () => {
    assert.equal(
      await offline.outputValue(component.autoScalingGroupName),
      "acme-tdp-production-windows-workers",
    );
    assert.match(String(await offline.outputValue(component.autoScalingGroupArn)), /^arn:aws:autoscaling:/);
    assert.match(String(await offline.outputValue(component.launchTemplateId)), /^lt-/);
    assert.match(String(await offline.outputValue(component.securityGroupId)), /^sg-/);
    assert.equal(
      await offline.outputValue(component.roleArn),
      "arn:aws:iam::111111111111:role/TS-acme-tdp-production-windows-workers",
    );
    assert.equal(await offline.outputValue(component.roleName), "TS-acme-tdp-production-windows-workers");
  });
});

describe("WindowsWorkers (options)", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.record(() => {
      new WindowsWorkers(
        "opt",
        args({
          instanceType: "m6i.xlarge",
          minSize: 2,
          maxSize: 6,
          desiredSize: 3,
          volumeSizeGiB: 100,
          ebsKmsKeyArn: EBS_KEY,
          // Windows Server 2022 stays allowed by config (the default is 2025).
          amiParameterName: "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base",
          s3PrefixListId: "pl-63a5400a",
          serviceEndpoints: {
            logs: "vpce-0abc-1234.logs.us-east-1.vpce.amazonaws.com",
            sqs: "sqs.us-east-1.amazonaws.com",
          },
          inlinePolicies: {
            tasks: policyDocument(allow(["sqs:ReceiveMessage", "sqs:DeleteMessage"], QUEUE)),
          },
          bootstrapScript: "Write-Output 'ready'",
        }),
      );
    });
  });

  it("launches the configured Windows Server 2022 image instead of the 2025 default", async () => {
    const chosen = inputs(rec.one("aws:ec2/launchTemplate:LaunchTemplate"))["imageId"];
    assert.match(String(chosen), /^ami-[0-9a-f]{17}$/);
    const byDefault = await offline.record(() => {
      new WindowsWorkers("default", args());
    });
    const defaultImage = inputs(byDefault.one("aws:ec2/launchTemplate:LaunchTemplate"))["imageId"];
    assert.notEqual(chosen, defaultImage, "the 2022 parameter names another image than the 2025 one");
  });

  it("takes the instance type, sizes, volume size and KMS key", () => {
    const lt = inputs(rec.one("aws:ec2/launchTemplate:LaunchTemplate"));
    assert.equal(lt["instanceType"], "m6i.xlarge");
    assert.deepEqual(lt["blockDeviceMappings"], [
      {
        deviceName: "/dev/sda1",
        ebs: {
          volumeSize: 100,
          volumeType: "gp3",
          encrypted: "true",
          kmsKeyId: EBS_KEY,
          deleteOnTermination: "true",
        },
      },
    ]);
    const asg = inputs(rec.one("aws:autoscaling/group:Group"));
    assert.deepEqual([asg["minSize"], asg["maxSize"], asg["desiredCapacity"]], [2, 6, 3]);
  });

  it("adds HTTPS egress to the S3 gateway endpoint's prefix list, still without ingress", () => {
    const sg = inputs(rec.one("aws:ec2/securityGroup:SecurityGroup"));
    assert.deepEqual(sg["ingress"], []);
    const egress = sg["egress"] as Record<string, unknown>[];
    assert.equal(egress.length, 2);
    assert.deepEqual(egress[1], {
      description: "HTTPS to S3 through the gateway endpoint",
      protocol: "tcp",
      fromPort: 443,
      toPort: 443,
      prefixListIds: ["pl-63a5400a"],
    });
    for (const rule of egress) {
      assert.equal(rule["fromPort"], 443);
      assert.equal(rule["toPort"], 443);
    }
  });

  it("sets the seed's endpoint parameters as SDK endpoint variables and runs the bootstrap script", () => {
    const lt = inputs(rec.one("aws:ec2/launchTemplate:LaunchTemplate"));
    const script = Buffer.from(String(lt["userData"]), "base64").toString();
    assert.equal(
      script,
      [
        "<powershell>",
        '[Environment]::SetEnvironmentVariable("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "https://vpce-0abc-1234.logs.us-east-1.vpce.amazonaws.com", "Machine")',
        '[Environment]::SetEnvironmentVariable("AWS_ENDPOINT_URL_SQS", "https://sqs.us-east-1.amazonaws.com", "Machine")',
        "Write-Output 'ready'",
        "</powershell>",
        "",
      ].join("\n"),
    );
  });

  it("attaches the workers' own permissions as an inline policy of the instance role", () => {
    const policy = inputs(named(rec, "opt-role-tasks"));
    assert.equal(policy["name"], "tasks");
    assert.deepEqual(statements(policy["policy"]), [
      { Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: QUEUE },
    ]);
  });
});

describe("WindowsWorkers (several instance types)", () => {
  it("launches through a mixed-instances policy, on-demand in the listed order, still refreshing on new versions", async () => {
    const rec = await offline.record(() => {
      new WindowsWorkers("mix", args({ additionalInstanceTypes: ["t3a.medium", "m6i.large"] }));
    });
    const asg = inputs(rec.one("aws:autoscaling/group:Group"));
    assert.equal(asg["launchTemplate"], undefined);
    const policy = asg["mixedInstancesPolicy"] as Record<string, Record<string, unknown>>;
    const spec = policy["launchTemplate"]!["launchTemplateSpecification"] as Record<string, unknown>;
    assert.match(String(spec["launchTemplateId"]), /^lt-/);
    assert.equal(spec["version"], "1");
    assert.deepEqual(policy["launchTemplate"]!["overrides"], [
      { instanceType: "t3.medium" },
      { instanceType: "t3a.medium" },
      { instanceType: "m6i.large" },
    ]);
    assert.deepEqual(policy["instancesDistribution"], {
      onDemandAllocationStrategy: "prioritized",
      onDemandBaseCapacity: 0,
      onDemandPercentageAboveBaseCapacity: 100,
    });
    assert.equal((asg["instanceRefresh"] as Record<string, unknown>)["strategy"], "Rolling");
  });
});

describe("WindowsWorkers argument checks", () => {
  async function refusedWithNothingRegistered(
    extra: Partial<WindowsWorkersArgs>,
    message: string,
  ): Promise<void> {
    let error: Error | undefined;
    const rec = await offline.record(() => {
      try {
        new WindowsWorkers("bad", args(extra));
      } catch (e) {
        error = e as Error;
      }
    });
    assert.ok(error, "the constructor throws");
    assert.ok(error.message.includes(message), `"${error.message}" should contain "${message}"`);
    assert.deepEqual(
      rec.resources.filter((r) => r.name.startsWith("bad")).map((r) => r.name),
      [],
      "no resource is registered",
    );
  }

  it("refuses an empty subnet list", () =>
    refusedWithNothingRegistered(
      { isolatedSubnetIds: [] },
      "isolatedSubnetIds is empty; the Windows workers need at least one isolated subnet (seed IsolatedSubnetIds)",
    ));

  it("refuses an instance type below 4 GiB", () =>
    refusedWithNothingRegistered(
      { instanceType: "t2.micro" },
      'instanceType "t2.micro" has less than 4 GiB of memory; Windows workers need at least a t3.medium',
    ));

  it("refuses a Graviton instance type", () =>
    refusedWithNothingRegistered(
      { instanceType: "m7g.large" },
      'instanceType "m7g.large" is an arm64 (Graviton) type; Windows Server runs only on x86_64',
    ));

  it("refuses sizes with min above max", () =>
    refusedWithNothingRegistered(
      { minSize: 3, maxSize: 2 },
      "windowsWorkers.minSize 3 is greater than maxSize 2; min must not exceed max",
    ));

  it("refuses a desired size outside min..max", () =>
    refusedWithNothingRegistered(
      { minSize: 1, maxSize: 2, desiredSize: 4 },
      "windowsWorkers.desiredSize 4 must lie between minSize 1 and maxSize 2",
    ));

  it("refuses a root volume below Windows Server's minimum", () =>
    refusedWithNothingRegistered(
      { volumeSizeGiB: 20 },
      "volumeSizeGiB 20 must be a whole number of GiB from 30 (Windows Server's minimum) to 16384",
    ));

  it("refuses an AMI parameter that is not a public Windows image", () =>
    refusedWithNothingRegistered(
      { amiParameterName: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" },
      'amiParameterName "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" is not a public Windows Server AMI parameter',
    ));

  it("refuses an endpoint given as a URL", () =>
    refusedWithNothingRegistered(
      { serviceEndpoints: { logs: "https://logs.us-east-1.amazonaws.com" } },
      'serviceEndpoints.logs "https://logs.us-east-1.amazonaws.com" is not a host name',
    ));

  it("refuses an additional instance type that cannot run Windows, or a repeated one", async () => {
    await refusedWithNothingRegistered(
      { additionalInstanceTypes: ["t3a.medium", "c7g.large"] },
      'additionalInstanceTypes[1] "c7g.large" is an arm64 (Graviton) type',
    );
    await refusedWithNothingRegistered(
      { additionalInstanceTypes: ["t3.medium"] },
      'additionalInstanceTypes[0] "t3.medium" is already listed',
    );
  });

  it("refuses a wildcard inline policy", () =>
    refusedWithNothingRegistered(
      { inlinePolicies: { all: policyDocument(allow("*", "*")) } },
      'inlinePolicies.all grants every action ("*" or NotAction)',
    ));
});

describe("Windows validation", () => {
  it("accepts the seed's default and other x86_64 types of 4 GiB or more", () => {
    for (const t of [
      "t3.medium",
      "t3a.large",
      "t2.medium",
      "m6i.large",
      "c6i.xlarge",
      "r7i.2xlarge",
      "m5.metal",
    ]) {
      validateWindowsInstanceType(t);
    }
  });

  it("refuses small, arm64, Mac and malformed types", () => {
    refuses(() => validateWindowsInstanceType("t3.small"), '"t3.small" has less than 4 GiB');
    refuses(() => validateWindowsInstanceType("t3.nano"), '"t3.nano" has less than 4 GiB');
    refuses(() => validateWindowsInstanceType("t4g.medium"), '"t4g.medium" is an arm64 (Graviton) type');
    refuses(() => validateWindowsInstanceType("a1.large"), '"a1.large" is an arm64');
    refuses(() => validateWindowsInstanceType("mac2.metal"), '"mac2.metal" is a Mac instance type');
    refuses(
      () => validateWindowsInstanceType("t3-medium", "tdp:services.windows.instanceType"),
      'tdp:services.windows.instanceType "t3-medium" is not an EC2 instance type',
    );
  });

  it("checks the CIDR, prefix list, endpoint names, sizes and policy names", () => {
    const base = { isolatedSubnetIds: ["subnet-1"] };
    validateWindowsWorkersArgs(base);
    validateWindowsWorkersArgs({ ...base, minSize: 0, maxSize: 1, desiredSize: 0 });
    refuses(
      () => validateWindowsWorkersArgs({ ...base, vpcCidrBlock: "10.40.0.1/16" }),
      'vpcCidrBlock "10.40.0.1/16"',
    );
    refuses(
      () => validateWindowsWorkersArgs({ ...base, s3PrefixListId: "s3" }),
      's3PrefixListId "s3" is not a managed prefix list id',
    );
    refuses(
      () => validateWindowsWorkersArgs({ ...base, serviceEndpoints: { ssm: "ssm.us-east-1.amazonaws.com" } }),
      "serviceEndpoints.ssm is not one of the seed's endpoints (logs, monitoring, sqs, cloudformation)",
    );
    refuses(
      () =>
        validateWindowsWorkersArgs({
          ...base,
          serviceEndpoints: { sqs: "sqs.us-east-1.amazonaws.com/queue" },
        }),
      'serviceEndpoints.sqs "sqs.us-east-1.amazonaws.com/queue" is not a host name',
    );
    refuses(
      () => validateWindowsWorkersArgs({ ...base, maxSize: 51 }),
      "windowsWorkers.maxSize 51 must be a whole number from 0 to 50",
    );
    refuses(() => validateWindowsWorkersArgs({ ...base, volumeSizeGiB: 40.5 }), "volumeSizeGiB 40.5");
    refuses(
      () =>
        validateWindowsWorkersArgs({
          ...base,
          inlinePolicies: { "my policy": policyDocument(allow("sqs:SendMessage", QUEUE)) },
        }),
      'inlinePolicies key "my policy" is not an IAM policy name',
    );
    refuses(
      () =>
        validateWindowsWorkersArgs({
          ...base,
          inlinePolicies: { x: policyDocument({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }) },
        }),
      "inlinePolicies.x grants every action",
    );
  });

  it("writes no user data without endpoints or a script", () => {
    assert.equal(windowsUserData({}), undefined);
    assert.equal(windowsUserData({ logs: undefined }, "  "), undefined);
    const text = Buffer.from(
      windowsUserData({
        monitoring: "monitoring.us-east-1.amazonaws.com",
        cloudformation: "cloudformation.us-east-1.amazonaws.com",
      })!,
      "base64",
    ).toString();
    assert.match(text, /AWS_ENDPOINT_URL_CLOUDWATCH", "https:\/\/monitoring\.us-east-1\.amazonaws\.com"/);
    assert.match(
      text,
      /AWS_ENDPOINT_URL_CLOUDFORMATION", "https:\/\/cloudformation\.us-east-1\.amazonaws\.com"/,
    );
  });
});
