import * as assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";

import { Naming, allow, policyDocument } from "@tdp/core";
import { offline } from "@tdp/offline";

import type { PlatformClusterArgs } from "../src/eks";
import {
  CLUSTER_LOG_TYPES,
  DEFAULT_KUBERNETES_VERSION,
  PlatformCluster,
  withoutClusterCreatorAdmin,
} from "../src/eks";
import type { Recording } from "./helpers";
import { named, inputs, statements } from "./helpers";

const naming = new Naming({
  infrastructureName: "acme-tdp",
  environment: "production",
  iamRolePrefix: "TS-",
});
const BOUNDARY = "arn:aws:iam::111111111111:policy/boundary";
const ADMIN = "arn:aws:iam::111111111111:role/PlatformAdmin";
const OPS = "arn:aws:iam::111111111111:role/ops/EksOperator";
const CUSTOMER_AMI = "ami-0123456789abcdef0";
const DATALAKE = "arn:aws:s3:::acme-tdp-production-datalake";
const DATALAKE_KEY = "arn:aws:kms:us-east-1:111111111111:key/datalake";
const SETTINGS = [
  "arn:aws:ssm:us-east-1:111111111111:parameter/tetrascience/production/ECS/platform-settings/TASK_THROUGHPUT",
  "arn:aws:ssm:us-east-1:111111111111:parameter/tetrascience/production/ECS/platform-settings/CONNECTOR_MAX_MEMORY",
];

function args(extra: Partial<PlatformClusterArgs> = {}): PlatformClusterArgs {
  return {
    naming,
    iam: { rolePrefix: "TS-", permissionsBoundaryArn: BOUNDARY },
    region: "us-east-1",
    accountId: "111111111111",
    vpcId: "vpc-0123456789abcdef0",
    privateSubnetIds: ["subnet-0a", "subnet-0b", "subnet-0c"],
    ...extra,
  };
}

describe("PlatformCluster (defaults)", () => {
  let rec: Recording;
  let component: PlatformCluster;
  before(async () => {
    rec = await offline.record(() => {
      component = new PlatformCluster("eks", args({ adminRoleArns: [ADMIN, OPS] }));
    });
  });

  it("registers its type and names every child after itself", () => {
    assert.equal(named(rec, "eks").type, "tdp:eks-services:PlatformCluster");
    for (const r of rec.resources) {
      if (r.type !== "pulumi:pulumi:Stack") {
        assert.ok(r.name.startsWith("eks"), `${r.name} is named after the component`);
      }
    }
  });

  it("runs CoreDNS as a managed add-on after the node groups, at EKS's default version, taking over the self-managed one", async () => {
    const addon = named(rec, "eks-coredns");
    assert.equal(addon.type, "aws:eks/addon:Addon");
    const i = inputs(addon);
    assert.equal(i["addonName"], "coredns");
    assert.equal(i["clusterName"], "acme-tdp-production-eks");
    assert.equal(i["addonVersion"], `v0.0.0-offline-coredns-for-${DEFAULT_KUBERNETES_VERSION}`);
    assert.equal(i["resolveConflictsOnCreate"], "OVERWRITE");
    assert.equal(i["resolveConflictsOnUpdate"], "PRESERVE");
    assert.ok(addon.dependencies.includes(named(rec, "eks-general").urn), "waits for the node group");
    // pulumi-eks is told not to make its own (it would not, without a default node group).
    assert.equal(
      (inputs(rec.one("eks:index:Cluster"))["corednsAddonOptions"] as Record<string, unknown>)["enabled"],
      false,
    );
    assert.equal(
      await offline.outputValue(component.coreDnsVersion),
      `v0.0.0-offline-coredns-for-${DEFAULT_KUBERNETES_VERSION}`,
    );
  });

  it("declares the transform that drops pulumi-eks's cluster-creator admin entry", () => {
    assert.equal(rec.one("eks:index:Cluster").options?.transforms, 1);
  });

  it("creates one @pulumi/eks cluster in the private subnets on the default Kubernetes version", () => {
    const cluster = rec.one("eks:index:Cluster");
    const i = inputs(cluster);
    assert.equal(cluster.name, "eks-cluster");
    assert.equal(i["name"], "acme-tdp-production-eks");
    assert.equal(i["version"], DEFAULT_KUBERNETES_VERSION);
    assert.equal(DEFAULT_KUBERNETES_VERSION, "1.35");
    assert.equal(i["vpcId"], "vpc-0123456789abcdef0");
    assert.deepEqual(i["privateSubnetIds"], ["subnet-0a", "subnet-0b", "subnet-0c"]);
    assert.equal(i["publicSubnetIds"], undefined);
    assert.equal(i["nodeAssociatePublicIpAddress"], false);
    assert.equal(i["deletionProtection"], true);
    assert.deepEqual(i["upgradePolicy"], { supportType: "STANDARD" });
  });

  it("serves the Kubernetes API on a private endpoint only by default (seed post-deployment task 3, FSBP EKS.1)", () => {
    const i = inputs(rec.one("eks:index:Cluster"));
    assert.equal(i["endpointPrivateAccess"], true);
    assert.equal(i["endpointPublicAccess"], false);
    assert.equal(i["publicAccessCidrs"], undefined);
  });

  it("sends all five control-plane log types to its own log group with retention and KMS", () => {
    const cluster = rec.one("eks:index:Cluster");
    assert.deepEqual(inputs(cluster)["enabledClusterLogTypes"], [
      "api",
      "audit",
      "authenticator",
      "controllerManager",
      "scheduler",
    ]);
    assert.equal(CLUSTER_LOG_TYPES.length, 5);
    const logGroup = rec.one("aws:cloudwatch/logGroup:LogGroup");
    assert.equal(inputs(logGroup)["name"], "/aws/eks/acme-tdp-production-eks/cluster");
    assert.equal(inputs(logGroup)["retentionInDays"], 90);
    const key = rec.one("aws:kms/key:Key");
    assert.match(String(inputs(logGroup)["kmsKeyId"]), /^arn:aws:kms:us-east-1:111111111111:key\//);
    // EKS writes into the group only if it exists first.
    assert.ok(cluster.dependencies.includes(logGroup.urn), "the cluster depends on the log group");
    assert.ok(key.protect, "the key is protected");
  });

  it("encrypts Kubernetes secrets with a rotating KMS key whose policy admits the cluster role and the log group", async () => {
    const key = rec.one("aws:kms/key:Key");
    assert.equal(inputs(key)["enableKeyRotation"], true);
    assert.equal(inputs(key)["deletionWindowInDays"], 30);
    assert.equal(key.retainOnDelete, true);
    const cluster = inputs(rec.one("eks:index:Cluster"));
    assert.equal(cluster["encryptionConfigKeyArn"], await offline.outputValue(component.secretsKmsKeyArn));
    const policy = statements(inputs(key)["policy"]);
    const sids = policy.map((s) => s["Sid"]);
    assert.deepEqual(sids, [
      "KeyAdministration",
      "ClusterSecretsEncryption",
      "ClusterGrantsForAwsResources",
      "ControlPlaneLogGroup",
    ]);
    const secrets = policy.find((s) => s["Sid"] === "ClusterSecretsEncryption")!;
    assert.deepEqual(secrets["Principal"], {
      AWS: "arn:aws:iam::111111111111:role/TS-acme-tdp-production-eks-cluster",
    });
    const logs = policy.find((s) => s["Sid"] === "ControlPlaneLogGroup")!;
    assert.deepEqual(logs["Principal"], { Service: "logs.us-east-1.amazonaws.com" });
    assert.deepEqual(logs["Condition"], {
      ArnEquals: {
        "kms:EncryptionContext:aws:logs:arn":
          "arn:aws:logs:us-east-1:111111111111:log-group:/aws/eks/acme-tdp-production-eks/cluster",
      },
    });
    // The administration statement never lets anyone use the key to decrypt.
    const admin = policy.find((s) => s["Sid"] === "KeyAdministration")!;
    assert.ok(!(admin["Action"] as string[]).some((a) => /Decrypt|Encrypt|GenerateDataKey/.test(a)));
  });

  it("uses API authentication with a cluster-admin access entry per admin role, keyed by role name", () => {
    const i = inputs(rec.one("eks:index:Cluster"));
    assert.equal(i["authenticationMode"], "API");
    const entries = i["accessEntries"] as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(entries).sort(), ["admin-eksoperator", "admin-platformadmin"]);
    assert.deepEqual(entries["admin-platformadmin"], {
      principalArn: ADMIN,
      type: "STANDARD",
      accessPolicies: {
        clusterAdmin: {
          policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
          accessScope: { type: "cluster" },
        },
      },
    });
    assert.equal(entries["admin-eksoperator"]!["principalArn"], OPS);
    assert.equal(i["roleMappings"], undefined);
    assert.equal(i["userMappings"], undefined);
  });

  it("gives pulumi-eks our own cluster role and leaves node roles, node groups and security groups to the component", () => {
    const i = inputs(rec.one("eks:index:Cluster"));
    assert.equal(i["serviceRole"], named(rec, "eks-cluster-role-role").urn);
    assert.equal(i["skipDefaultNodeGroup"], true);
    assert.equal(i["createInstanceRole"], false);
    assert.equal(i["skipDefaultSecurityGroups"], true);
    assert.equal(i["createOidcProvider"], true);
    assert.equal(i["instanceRole"], undefined);
    assert.equal(i["nodePublicKey"], undefined);
    assert.equal(i["kubernetesServiceIpAddressRange"], "172.20.0.0/16");
  });

  it("makes every IAM role through ServiceRole: IAMRolePrefix and the permissions boundary", () => {
    const roles = rec.ofType("aws:iam/role:Role");
    assert.deepEqual(roles.map((r) => inputs(r)["name"]).sort(), [
      "TS-acme-tdp-production-eks-cluster",
      "TS-acme-tdp-production-eks-node",
      "TS-acme-tdp-production-irsa-cluster-autoscaler",
    ]);
    for (const role of roles) {
      assert.equal(inputs(role)["permissionsBoundary"], BOUNDARY, `${role.name} has the boundary`);
      const parent = rec.resources.find((r) => r.urn === role.parent)!;
      assert.equal(parent.type, "tdp:core:ServiceRole", `${role.name} is made by ServiceRole`);
    }
  });

  it("trusts the cluster role to EKS and the node role to EC2, with managed policies for nodes and SSM", () => {
    const clusterTrust = statements(inputs(named(rec, "eks-cluster-role-role"))["assumeRolePolicy"]);
    assert.deepEqual(clusterTrust[0]!["Principal"], { Service: "eks.amazonaws.com" });
    const nodeTrust = statements(inputs(named(rec, "eks-node-role-role"))["assumeRolePolicy"]);
    assert.deepEqual(nodeTrust[0]!["Principal"], { Service: "ec2.amazonaws.com" });
    const attached = (parent: string) =>
      rec
        .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => a.parent === named(rec, parent).urn)
        .map((a) => String(inputs(a)["policyArn"]).replace("arn:aws:iam::aws:policy/", ""))
        .sort();
    assert.deepEqual(attached("eks-cluster-role"), ["AmazonEKSClusterPolicy"]);
    assert.deepEqual(attached("eks-node-role"), [
      "AmazonEC2ContainerRegistryPullOnly",
      "AmazonEKSWorkerNodePolicy",
      "AmazonEKS_CNI_Policy",
      "AmazonSSMManagedInstanceCore",
    ]);
  });

  it("runs one managed node group by default: EKS-optimised AL2023, m6i.large, 2-6 nodes, 3 desired, private subnets", async () => {
    const groups = rec.ofType("aws:eks/nodeGroup:NodeGroup");
    assert.equal(groups.length, 1);
    const group = inputs(groups[0]!);
    assert.equal(groups[0]!.name, "eks-general");
    assert.equal(group["amiType"], "AL2023_x86_64_STANDARD");
    assert.equal(group["version"], "1.35");
    assert.deepEqual(group["instanceTypes"], ["m6i.large"]);
    assert.equal(group["capacityType"], "ON_DEMAND");
    assert.deepEqual(group["scalingConfig"], { minSize: 2, maxSize: 6, desiredSize: 3 });
    assert.deepEqual(group["subnetIds"], ["subnet-0a", "subnet-0b", "subnet-0c"]);
    assert.equal(group["clusterName"], "acme-tdp-production-eks");
    assert.equal(group["nodeRoleArn"], "arn:aws:iam::111111111111:role/TS-acme-tdp-production-eks-node");
    // No remoteAccess: a managed node group with remoteAccess opens port 22 (CKV_AWS_100).
    assert.equal(group["remoteAccess"], undefined);
    const template = group["launchTemplate"] as Record<string, unknown>;
    assert.match(String(template["id"]), /^lt-[0-9a-f]{17}$/);
    assert.equal(template["version"], "1");
    // A name prefix: a replacement (new instance types) never collides with the old group's name.
    assert.equal(group["nodeGroupName"], undefined);
    assert.equal(group["nodeGroupNamePrefix"], "acme-tdp-production-eks-general-");
    assert.match(
      await offline.outputValue(component.nodeGroupNames[0]!),
      /^acme-tdp-production-eks-general-[0-9a-f]{26}$/,
    );
  });

  it("launches nodes with IMDSv2 required (hop limit 1), encrypted gp3 root volumes and no image override", () => {
    const lt = inputs(named(rec, "eks-general-lt"));
    assert.deepEqual(lt["metadataOptions"], {
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: "disabled",
    });
    assert.deepEqual(lt["blockDeviceMappings"], [
      {
        deviceName: "/dev/xvda",
        ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
      },
    ]);
    assert.equal(lt["imageId"], undefined);
    assert.equal(lt["userData"], undefined);
    assert.equal(lt["keyName"], undefined);
    assert.equal(lt["networkInterfaces"], undefined);
  });

  it("puts nodes in the EKS cluster security group and a rule-less node security group; nothing opens SSH", async () => {
    const sg = inputs(named(rec, "eks-node-sg"));
    assert.deepEqual(sg["ingress"], []);
    assert.deepEqual(sg["egress"], []);
    assert.equal(sg["vpcId"], "vpc-0123456789abcdef0");
    const lt = inputs(named(rec, "eks-general-lt"));
    assert.deepEqual(lt["vpcSecurityGroupIds"], [
      await offline.outputValue(component.clusterSecurityGroupId),
      await offline.outputValue(component.nodeSecurityGroupId),
    ]);
    assert.equal(rec.ofType("aws:ec2/securityGroupRule:SecurityGroupRule").length, 0);
    assert.equal(rec.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").length, 0);
  });

  it("gives the cluster autoscaler an IRSA role trusted only by kube-system/cluster-autoscaler", async () => {
    const role = inputs(named(rec, "eks-irsa-cluster-autoscaler-role"));
    const [trust] = statements(role["assumeRolePolicy"]);
    const oidcArn = await offline.outputValue(component.oidcProviderArn);
    const issuer = await offline.outputValue(component.oidcIssuer);
    assert.match(
      String(oidcArn),
      /^arn:aws:iam::111111111111:oidc-provider\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\//,
    );
    assert.deepEqual(trust!["Principal"], { Federated: oidcArn });
    assert.equal(trust!["Action"], "sts:AssumeRoleWithWebIdentity");
    assert.deepEqual(trust!["Condition"], {
      StringEquals: {
        [`${String(issuer)}:sub`]: "system:serviceaccount:kube-system:cluster-autoscaler",
        [`${String(issuer)}:aud`]: "sts.amazonaws.com",
      },
    });
    const policy = statements(inputs(named(rec, "eks-irsa-cluster-autoscaler-workload"))["policy"]);
    for (const s of policy) {
      assert.ok(![s["Action"]].flat().includes("*"), "no * action");
    }
    const scaling = policy.find((s) => [s["Action"]].flat().includes("autoscaling:SetDesiredCapacity"))!;
    assert.equal(
      scaling["Resource"],
      "arn:aws:autoscaling:us-east-1:111111111111:autoScalingGroup:*:autoScalingGroupName/eks-*",
    );
    assert.deepEqual(scaling["Condition"], {
      StringEquals: { "aws:ResourceTag/eks:cluster-name": "acme-tdp-production-eks" },
    });
    assert.deepEqual(Object.keys(component.workloadRoleArns), ["clusterAutoscaler"]);
  });

  it("exposes the cluster name, endpoint, OIDC provider and security groups as outputs", async () => {
    assert.equal(await offline.outputValue(component.clusterName), "acme-tdp-production-eks");
    assert.match(
      String(await offline.outputValue(component.endpoint)),
      /^https:\/\/[0-9A-F]+\.gr7\.us-east-1\.eks\.amazonaws\.com$/,
    );
    assert.match(String(await offline.outputValue(component.clusterSecurityGroupId)), /^sg-/);
    assert.match(String(await offline.outputValue(component.nodeSecurityGroupId)), /^sg-/);
    assert.notEqual(
      await offline.outputValue(component.clusterSecurityGroupId),
      await offline.outputValue(component.nodeSecurityGroupId),
    );
    assert.equal(
      await offline.outputValue(component.logGroupName),
      "/aws/eks/acme-tdp-production-eks/cluster",
    );
    assert.equal(component.kubernetesVersion, "1.35");
    assert.equal(
      await offline.outputValue(component.nodeRoleArn),
      "arn:aws:iam::111111111111:role/TS-acme-tdp-production-eks-node",
    );
  });
});

describe("PlatformCluster (options)", () => {
  let rec: Recording;
  let component: PlatformCluster;
  before(async () => {
    rec = await offline.record(() => {
      component = new PlatformCluster(
        "opt",
        args({
          kubernetesVersion: "1.34",
          supportType: "EXTENDED",
          coreDns: {
            version: "v1.11.4-eksbuild.14",
            resolveConflictsOnCreate: "NONE",
            resolveConflictsOnUpdate: "OVERWRITE",
          },
          endpoint: { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"] },
          secretsKmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/secrets",
          logsKmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/logs",
          ebsKmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/ebs",
          logRetentionDays: 365,
          metadataHopLimit: 2,
          serviceIpv4Cidr: "10.100.0.0/16",
          nodeGroups: [
            {
              name: "arm",
              instanceTypes: ["m7g.xlarge", "c7g.xlarge"],
              minSize: 1,
              maxSize: 10,
              desiredSize: 2,
              diskSizeGiB: 100,
              capacityType: "SPOT",
              labels: { workload: "batch" },
            },
            {
              name: "custom",
              amiId: CUSTOMER_AMI,
              keyPairName: "tdp-admin",
              minSize: 0,
              maxSize: 2,
              desiredSize: 0,
            },
          ],
          workloads: {
            clusterAutoscaler: false,
            dataProcessing: {
              bucketArn: DATALAKE,
              kmsKeyArn: DATALAKE_KEY,
              prefix: "processing/",
              settingsParameterArns: SETTINGS,
            },
          },
        }),
      );
      component.workloadRole("report-builder", {
        namespace: "reports",
        serviceAccount: "builder",
        policy: policyDocument(allow("s3:GetObject", `${DATALAKE}/reports/*`)),
      });
    });
  });

  it("pins the CoreDNS add-on's version and conflict settings when asked", () => {
    const i = inputs(named(rec, "opt-coredns"));
    assert.equal(i["addonVersion"], "v1.11.4-eksbuild.14");
    assert.equal(i["resolveConflictsOnCreate"], "NONE");
    assert.equal(i["resolveConflictsOnUpdate"], "OVERWRITE");
  });

  it("opens a public endpoint only for the listed networks, keeping the private one", () => {
    const i = inputs(rec.one("eks:index:Cluster"));
    assert.equal(i["endpointPrivateAccess"], true);
    assert.equal(i["endpointPublicAccess"], true);
    assert.deepEqual(i["publicAccessCidrs"], ["203.0.113.0/24", "198.51.100.7/32"]);
  });

  it("takes the version, upgrade policy, service range and the given KMS keys, creating no key of its own", () => {
    const i = inputs(rec.one("eks:index:Cluster"));
    assert.equal(i["version"], "1.34");
    assert.deepEqual(i["upgradePolicy"], { supportType: "EXTENDED" });
    assert.equal(i["kubernetesServiceIpAddressRange"], "10.100.0.0/16");
    assert.equal(i["encryptionConfigKeyArn"], "arn:aws:kms:us-east-1:111111111111:key/secrets");
    assert.deepEqual(i["accessEntries"], {});
    assert.equal(rec.ofType("aws:kms/key:Key").length, 0);
    const logGroup = inputs(rec.one("aws:cloudwatch/logGroup:LogGroup"));
    assert.equal(logGroup["kmsKeyId"], "arn:aws:kms:us-east-1:111111111111:key/logs");
    assert.equal(logGroup["retentionInDays"], 365);
  });

  it("sizes node groups from the args and picks the arm64 image for Graviton types", () => {
    const arm = inputs(named(rec, "opt-arm"));
    assert.equal(arm["amiType"], "AL2023_ARM_64_STANDARD");
    assert.deepEqual(arm["instanceTypes"], ["m7g.xlarge", "c7g.xlarge"]);
    assert.deepEqual(arm["scalingConfig"], { minSize: 1, maxSize: 10, desiredSize: 2 });
    assert.equal(arm["capacityType"], "SPOT");
    assert.deepEqual(arm["labels"], { "tdp/node-group": "arm", workload: "batch" });
    const lt = inputs(named(rec, "opt-arm-lt"));
    assert.deepEqual(lt["blockDeviceMappings"], [
      {
        deviceName: "/dev/xvda",
        ebs: {
          volumeSize: 100,
          volumeType: "gp3",
          encrypted: "true",
          kmsKeyId: "arn:aws:kms:us-east-1:111111111111:key/ebs",
          deleteOnTermination: "true",
        },
      },
    ]);
    assert.equal((lt["metadataOptions"] as Record<string, unknown>)["httpPutResponseHopLimit"], 2);
    assert.equal((lt["metadataOptions"] as Record<string, unknown>)["httpTokens"], "required");
  });

  it("runs a customer AMI through its launch template with nodeadm user data, the key pair and no SSH rule", async () => {
    const group = inputs(named(rec, "opt-custom"));
    assert.equal(group["amiType"], "CUSTOM");
    assert.equal(group["version"], undefined, "a customer AMI carries its own kubelet version");
    assert.deepEqual(group["scalingConfig"], { minSize: 0, maxSize: 2, desiredSize: 0 });
    assert.equal(group["remoteAccess"], undefined);
    const lt = inputs(named(rec, "opt-custom-lt"));
    assert.equal(lt["imageId"], CUSTOMER_AMI);
    assert.equal(lt["keyName"], "tdp-admin");
    const userData = Buffer.from(String(lt["userData"]), "base64").toString();
    assert.match(userData, /Content-Type: application\/node\.eks\.aws/);
    assert.match(userData, /kind: NodeConfig/);
    assert.match(userData, /name: acme-tdp-production-eks\n/);
    assert.ok(
      userData.includes(`apiServerEndpoint: ${String(await offline.outputValue(component.endpoint))}`),
    );
    assert.match(userData, /cidr: 10\.100\.0\.0\/16/);
    for (const sg of rec.ofType("aws:ec2/securityGroup:SecurityGroup")) {
      assert.deepEqual(inputs(sg)["ingress"], []);
    }
  });

  it("gives data-processing workers their prefix of the datalake only, and makes roles on request", () => {
    assert.equal(rec.named("opt-irsa-cluster-autoscaler"), undefined);
    assert.deepEqual(Object.keys(component.workloadRoleArns).sort(), ["dataProcessing", "reportBuilder"]);
    const [trust] = statements(inputs(named(rec, "opt-irsa-data-processing-role"))["assumeRolePolicy"]);
    const conditions = (trust!["Condition"] as Record<string, Record<string, string>>)["StringEquals"]!;
    assert.ok(Object.values(conditions).includes("system:serviceaccount:data-processing:worker"));
    const policy = statements(inputs(named(rec, "opt-irsa-data-processing-workload"))["policy"]);
    assert.deepEqual(policy, [
      {
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
        Resource: `${DATALAKE}/processing/*`,
      },
      {
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: DATALAKE,
        Condition: { StringLike: { "s3:prefix": "processing/*" } },
      },
      {
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: DATALAKE_KEY,
        Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
      },
      // The platform settings (TaskThroughput, ConnectorMaxMemory, ...) by name, nothing else in SSM.
      {
        Sid: "PlatformSettings",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameters"],
        Resource: SETTINGS,
      },
    ]);
    const report = inputs(named(rec, "opt-irsa-report-builder-role"));
    assert.equal(report["name"], "TS-acme-tdp-production-irsa-report-builder");
    assert.equal(report["permissionsBoundary"], BOUNDARY);
  });
});

describe("PlatformCluster (longest allowed names)", () => {
  it("keeps a node group name within EKS's 63 characters for the longest infrastructure, environment and group names", async () => {
    // 24 + 16 + a 20-character group: `<base>-eks-<group>` would be 66 characters.
    const longNaming = new Naming({
      infrastructureName: "abcdefghijklmnopqrstuvwx",
      environment: "preproductionabc",
    });
    const group = "batch-processing-x86";
    const rec = await offline.record(() => {
      new PlatformCluster("long", args({ naming: longNaming, nodeGroups: [{ name: group }] }));
    });
    const prefix = String(inputs(named(rec, `long-${group}`))["nodeGroupNamePrefix"]);
    // The provider appends 26 characters to the prefix.
    const name = `${prefix}${"0".repeat(26)}`;
    assert.ok(name.length <= 63, `${name} is ${name.length} characters`);
    assert.match(prefix, /^abcdefghijklmnopqrstuvwx-prep-[0-9a-f]{6}-$/);
    assert.match(name, /^[A-Za-z0-9][A-Za-z0-9_-]*$/);
  });
});

describe("PlatformCluster argument checks", () => {
  async function refusedWithNothingRegistered(
    extra: Partial<PlatformClusterArgs>,
    message: RegExp,
  ): Promise<void> {
    let error: Error | undefined;
    const rec = await offline.record(() => {
      try {
        new PlatformCluster("bad", args(extra));
      } catch (e) {
        error = e as Error;
      }
    });
    assert.ok(error, "the constructor throws");
    assert.match(error.message, message);
    assert.deepEqual(
      rec.resources.filter((r) => r.name.startsWith("bad")).map((r) => r.name),
      [],
      "no resource is registered",
    );
  }

  it("refuses an unsupported Kubernetes version", () =>
    refusedWithNothingRegistered(
      { kubernetesVersion: "1.29" },
      /kubernetesVersion "1\.29" is not a Kubernetes version Amazon EKS supports \(FSBP EKS\.2\); use one of 1\.33, 1\.34, 1\.35/,
    ));

  it("refuses a public endpoint open to 0.0.0.0/0", () =>
    refusedWithNothingRegistered(
      { endpoint: { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } },
      /endpoint\.publicAccessCidrs\[0\] "0\.0\.0\.0\/0" opens the Kubernetes API to the whole internet/,
    ));

  it("refuses node group sizes with min above max", () =>
    refusedWithNothingRegistered(
      { nodeGroups: [{ name: "general", minSize: 5, maxSize: 3, desiredSize: 4 }] },
      /nodeGroups\[0\]\.minSize 5 is greater than maxSize 3/,
    ));

  it("refuses a customer AMI id that is not an AMI id", () =>
    refusedWithNothingRegistered(
      { nodeGroups: [{ name: "general", amiId: "ami-xyz" }] },
      /nodeGroups\[0\]\.amiId "ami-xyz" is not an AMI id/,
    ));

  it("refuses an admin that is not an IAM role ARN", () =>
    refusedWithNothingRegistered(
      { adminRoleArns: ["arn:aws:iam::111111111111:user/alice"] },
      /adminRoleArns\[0\] "arn:aws:iam::111111111111:user\/alice" is not an IAM role ARN/,
    ));

  it("refuses fewer than two private subnets", () =>
    refusedWithNothingRegistered(
      { privateSubnetIds: ["subnet-0a"] },
      /privateSubnetIds has 1 subnet\(s\); EKS needs subnets in at least two Availability Zones/,
    ));

  it("refuses a log retention CloudWatch does not offer", () =>
    refusedWithNothingRegistered({ logRetentionDays: 45 }, /logRetentionDays 45 is not a retention period/));

  it("refuses an unknown upgrade support type", () =>
    refusedWithNothingRegistered(
      { supportType: "NONE" as "STANDARD" },
      /supportType "NONE" must be STANDARD .* or EXTENDED/,
    ));

  it("refuses a data-processing prefix with a wildcard", () =>
    refusedWithNothingRegistered(
      { workloads: { dataProcessing: { bucketArn: DATALAKE, kmsKeyArn: DATALAKE_KEY, prefix: "*" } } },
      /workloads\.dataProcessing\.prefix "\*" must be an S3 key prefix/,
    ));

  it("refuses a workload role that grants every action", async () => {
    await offline.record(() => {
      const cluster = new PlatformCluster("wl", args());
      assert.throws(
        () =>
          cluster.workloadRole("greedy", {
            namespace: "default",
            serviceAccount: "greedy",
            policy: policyDocument(allow("*", "*")),
          }),
        /workloadRole\(greedy\)\.policy grants every action/,
      );
      assert.throws(
        () =>
          cluster.workloadRole("Bad_Name", {
            namespace: "default",
            serviceAccount: "x",
            policy: policyDocument(allow("s3:GetObject", DATALAKE)),
          }),
        /workloadRole name "Bad_Name" must be 2 to 32 lowercase letters/,
      );
    });
  });
});

describe("withoutClusterCreatorAdmin", () => {
  const opts = { parent: undefined } as pulumi.ResourceOptions;
  it("turns off bootstrapClusterCreatorAdminPermissions on the aws:eks Cluster and keeps the rest", () => {
    const result = withoutClusterCreatorAdmin({
      type: "aws:eks/cluster:Cluster",
      name: "eks-cluster-eksCluster",
      custom: true,
      props: {
        name: "acme-tdp-production-eks",
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
      },
      opts,
    });
    assert.ok(result && !(result instanceof Promise));
    assert.deepEqual(result.props, {
      name: "acme-tdp-production-eks",
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
    });
    assert.equal(result.opts, opts);
  });

  it("leaves every other resource alone", () => {
    const result = withoutClusterCreatorAdmin({
      type: "aws:eks/accessEntry:AccessEntry",
      name: "entry",
      custom: true,
      props: {},
      opts,
    });
    assert.equal(result, undefined);
  });
});
