import * as assert from "node:assert/strict";

import { Naming, allow, policyDocument } from "@tdp/core";

import type { NodeGroupSpec } from "../src/eks";
import {
  DEFAULT_KUBERNETES_VERSION,
  KUBERNETES_VERSIONS,
  accessEntryKeys,
  isArmInstanceType,
  nodeadmUserData,
  validateAdminRoleArns,
  validateAmiId,
  validateBucketPrefix,
  validateEndpointAccess,
  validateHopLimit,
  validateInstanceType,
  validateKeyPairName,
  validateKubernetesName,
  validateKubernetesVersion,
  validateNodeGroup,
  validateNodeGroups,
  validatePlatformClusterArgs,
  validateServiceIpv4Cidr,
  validateSizes,
  validateSupportType,
  validateWorkloadName,
  validateWorkloadRoleArgs,
} from "../src/eks";

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

function group(extra: Partial<NodeGroupSpec> = {}): NodeGroupSpec {
  return { name: "general", ...extra };
}

describe("EKS validation: Kubernetes version and upgrade policy", () => {
  it("accepts the versions EKS supports, defaulting to the newest in standard support", () => {
    for (const version of Object.keys(KUBERNETES_VERSIONS)) {
      validateKubernetesVersion(version);
    }
    assert.equal(DEFAULT_KUBERNETES_VERSION, "1.35");
    // The default is the version whose standard support lasts longest.
    const ends = Object.entries(KUBERNETES_VERSIONS).sort((a, b) =>
      a[1].standardSupportEnds.localeCompare(b[1].standardSupportEnds),
    );
    assert.equal(ends[ends.length - 1]![0], DEFAULT_KUBERNETES_VERSION);
  });

  it("refuses versions out of support, unreleased or malformed, naming the rule", () => {
    refuses(
      () => validateKubernetesVersion("1.29"),
      'kubernetesVersion "1.29"',
      "FSBP EKS.2",
      "1.33, 1.34, 1.35",
    );
    refuses(() => validateKubernetesVersion("1.32"), 'kubernetesVersion "1.32" is not a Kubernetes version');
    refuses(() => validateKubernetesVersion("1.99"), '"1.99"');
    refuses(() => validateKubernetesVersion("1.35.2"), '"1.35.2"');
    refuses(
      () => validateKubernetesVersion("latest", "tdp:services.eks.kubernetesVersion"),
      "tdp:services.eks",
    );
  });

  it("accepts STANDARD and EXTENDED support only", () => {
    validateSupportType("STANDARD");
    validateSupportType("EXTENDED");
    refuses(() => validateSupportType("standard"), 'supportType "standard" must be STANDARD');
  });
});

describe("EKS validation: endpoint access", () => {
  it("accepts the private default and a public endpoint for listed networks", () => {
    validateEndpointAccess({});
    validateEndpointAccess({ publicAccess: false });
    validateEndpointAccess({ publicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"] });
    validateEndpointAccess({ publicAccess: true, publicAccessCidrs: ["100.0.0.0/8"] });
  });

  it("refuses a public endpoint without networks (EKS would read that as 0.0.0.0/0)", () => {
    refuses(
      () => validateEndpointAccess({ publicAccess: true }),
      "endpoint.publicAccess is true but endpoint.publicAccessCidrs is empty",
      "0.0.0.0/0",
    );
  });

  it("refuses 0.0.0.0/0 and ranges broader than /8", () => {
    refuses(
      () =>
        validateEndpointAccess({ publicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "0.0.0.0/0"] }),
      'endpoint.publicAccessCidrs[1] "0.0.0.0/0" opens the Kubernetes API to the whole internet',
      "FSBP EKS.1",
    );
    refuses(
      () => validateEndpointAccess({ publicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }),
      'endpoint.publicAccessCidrs[0] "0.0.0.0/1" is broader than /8',
    );
  });

  it("refuses malformed CIDRs, more than 40 networks, and CIDRs without a public endpoint", () => {
    refuses(
      () => validateEndpointAccess({ publicAccess: true, publicAccessCidrs: ["203.0.113.1/24"] }),
      'endpoint.publicAccessCidrs[0] "203.0.113.1/24" is not an IPv4 CIDR block',
    );
    refuses(
      () => validateEndpointAccess({ publicAccess: true, publicAccessCidrs: ["office"] }),
      '"office" is not an IPv4 CIDR block',
    );
    const many = Array.from({ length: 41 }, (_, i) => `198.51.${i}.0/24`);
    refuses(
      () => validateEndpointAccess({ publicAccess: true, publicAccessCidrs: many }),
      "lists 41 networks; EKS accepts at most 40",
    );
    refuses(
      () => validateEndpointAccess({ publicAccessCidrs: ["203.0.113.0/24"] }),
      "endpoint.publicAccessCidrs lists 1 network(s) but endpoint.publicAccess is false",
    );
  });
});

describe("EKS validation: service range, admins, workload names", () => {
  it("accepts service ranges from /12 to /24 and refuses the others", () => {
    validateServiceIpv4Cidr("172.20.0.0/16");
    validateServiceIpv4Cidr("10.100.0.0/24");
    refuses(
      () => validateServiceIpv4Cidr("10.0.0.0/8"),
      'serviceIpv4Cidr "10.0.0.0/8" must be a block between /12 and /24',
    );
    refuses(() => validateServiceIpv4Cidr("10.100.0.0/25"), "between /12 and /24");
    refuses(() => validateServiceIpv4Cidr("172.20.0.1/16"), "is not an IPv4 CIDR block");
  });

  it("accepts role ARNs (with paths, in other partitions) and refuses users, policies and duplicates", () => {
    validateAdminRoleArns([]);
    validateAdminRoleArns([
      "arn:aws:iam::111111111111:role/Admin",
      "arn:aws:iam::111111111111:role/team/ops/EksOperator",
      "arn:aws-us-gov:iam::111111111111:role/Admin",
    ]);
    refuses(
      () => validateAdminRoleArns(["arn:aws:iam::111111111111:user/alice"]),
      'adminRoleArns[0] "arn:aws:iam::111111111111:user/alice" is not an IAM role ARN',
      "never IAM users",
    );
    refuses(() => validateAdminRoleArns(["arn:aws:iam::1111:role/Admin"]), "is not an IAM role ARN");
    refuses(() => validateAdminRoleArns(["Admin"]), 'adminRoleArns[0] "Admin"');
    refuses(
      () => validateAdminRoleArns(["arn:aws:iam::111111111111:role/A", "arn:aws:iam::111111111111:role/A"]),
      'adminRoleArns lists "arn:aws:iam::111111111111:role/A" twice',
    );
  });

  it("keys access entries by role name, stable under reordering", () => {
    const a = "arn:aws:iam::111111111111:role/Admin";
    const b = "arn:aws:iam::222222222222:role/path/Admin";
    const c = "arn:aws:iam::111111111111:role/ci.deployer";
    assert.deepEqual(accessEntryKeys([a, c]), { "admin-admin": a, "admin-ci-deployer": c });
    assert.deepEqual(accessEntryKeys([c, a]), { "admin-ci-deployer": c, "admin-admin": a });
    assert.deepEqual(accessEntryKeys([a, b]), { "admin-admin": a, "admin-admin-1": b });
  });

  it("checks Kubernetes names, bucket prefixes and workload role names", () => {
    validateKubernetesName("data-processing", "ns");
    refuses(
      () => validateKubernetesName("Data_Processing", "ns"),
      'ns "Data_Processing" is not a Kubernetes name',
    );
    refuses(() => validateKubernetesName("a".repeat(64), "ns"), "DNS-1123");
    validateBucketPrefix("processing/", "prefix");
    validateBucketPrefix("a/b/", "prefix");
    refuses(
      () => validateBucketPrefix("/processing/", "prefix"),
      'prefix "/processing/" must be an S3 key prefix',
    );
    refuses(() => validateBucketPrefix("processing", "prefix"), "ends with");
    refuses(() => validateBucketPrefix("processing/*", "prefix"), 'no "*"');
    validateWorkloadName("cluster-autoscaler");
    refuses(() => validateWorkloadName("x"), 'workloadRole name "x" must be 2 to 32');
  });

  it("refuses workload policies with no statements, a * action or NotAction", () => {
    const base = { namespace: "ns", serviceAccount: "sa" };
    validateWorkloadRoleArgs("ok", {
      ...base,
      policy: policyDocument(allow("s3:GetObject", "arn:aws:s3:::b/*")),
    });
    refuses(
      () => validateWorkloadRoleArgs("empty", { ...base, policy: policyDocument() }),
      "workloadRole(empty).policy has no statements",
    );
    refuses(
      () =>
        validateWorkloadRoleArgs("star", {
          ...base,
          policy: policyDocument(allow(["s3:GetObject", "*"], "*")),
        }),
      "workloadRole(star).policy grants every action",
    );
    refuses(
      () =>
        validateWorkloadRoleArgs("not", {
          ...base,
          policy: policyDocument({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
        }),
      "NotAction",
    );
    refuses(
      () =>
        validateWorkloadRoleArgs("ns", { namespace: "Bad", serviceAccount: "sa", policy: policyDocument() }),
      'workloadRole(ns).namespace "Bad"',
    );
  });
});

describe("EKS validation: node groups", () => {
  it("accepts the default group, Graviton groups, a customer AMI with a key pair", () => {
    validateNodeGroups([group()]);
    validateNodeGroup(
      group({ instanceTypes: ["m7g.large", "c6gn.xlarge", "t4g.medium"], amiType: "AL2023_ARM_64_STANDARD" }),
    );
    validateNodeGroup(group({ amiId: "ami-0123456789abcdef0", keyPairName: "tdp admin key" }));
    validateNodeGroup(group({ amiId: "ami-12345678" }));
    validateNodeGroup(group({ minSize: 0, maxSize: 1, desiredSize: 0 }));
  });

  it("recognises instance types and their architecture", () => {
    for (const t of [
      "m6i.large",
      "c7a.2xlarge",
      "t3.medium",
      "m5.metal",
      "r7iz.32xlarge",
      "m7i-flex.large",
    ]) {
      validateInstanceType(t);
    }
    refuses(() => validateInstanceType("large"), 'instanceType "large" is not an EC2 instance type');
    refuses(() => validateInstanceType("M6i.large"), "family.size");
    assert.equal(isArmInstanceType("m7g.large"), true);
    assert.equal(isArmInstanceType("c6gn.xlarge"), true);
    assert.equal(isArmInstanceType("t4g.micro"), true);
    assert.equal(isArmInstanceType("m6i.large"), false);
    assert.equal(isArmInstanceType("g5.xlarge"), false);
  });

  it("refuses min above max, desired outside min..max, negative or oversized groups", () => {
    refuses(
      () => validateNodeGroups([group({ minSize: 5, maxSize: 3, desiredSize: 4 })]),
      "nodeGroups[0].minSize 5 is greater than maxSize 3; min must not exceed max",
    );
    refuses(
      () => validateNodeGroups([group({ minSize: 2, maxSize: 4, desiredSize: 5 })]),
      "nodeGroups[0].desiredSize 5 must lie between minSize 2 and maxSize 4",
    );
    refuses(
      () => validateNodeGroups([group({ minSize: 2, maxSize: 4, desiredSize: 1 })]),
      "nodeGroups[0].desiredSize 1 must lie between minSize 2 and maxSize 4",
    );
    refuses(
      () => validateSizes({ minSize: -1, maxSize: 2 }, "g"),
      "g.minSize -1 must be a whole number from 0 to 450",
    );
    refuses(
      () => validateSizes({ minSize: 0, maxSize: 451 }, "g"),
      "g.maxSize 451 must be a whole number from 0 to 450",
    );
    refuses(() => validateSizes({ minSize: 0, maxSize: 2.5 }, "g"), "g.maxSize 2.5");
    refuses(() => validateSizes({ minSize: 0, maxSize: 0 }, "g"), "g.maxSize 0 must be at least 1");
  });

  it("refuses bad AMI ids, key pair names, disk sizes, names and AMI choices", () => {
    refuses(() => validateAmiId("ami-xyz"), 'amiId "ami-xyz" is not an AMI id');
    refuses(
      () => validateNodeGroup(group({ amiId: "ami-0123456789ABCDEF0" }), "g"),
      'g.amiId "ami-0123456789ABCDEF0"',
    );
    refuses(
      () => validateNodeGroup(group({ amiId: "i-0123456789abcdef0" }), "g"),
      "ami- followed by 8 or 17 hexadecimal digits",
    );
    refuses(
      () =>
        validateNodeGroup(group({ amiId: "ami-0123456789abcdef0", amiType: "AL2023_x86_64_STANDARD" }), "g"),
      'g sets both amiId "ami-0123456789abcdef0" and amiType "AL2023_x86_64_STANDARD"',
    );
    refuses(() => validateKeyPairName(""), 'keyPairName "" is not an EC2 key pair name');
    refuses(() => validateNodeGroup(group({ keyPairName: "é" }), "g"), 'g.keyPairName "é"');
    refuses(
      () => validateNodeGroup(group({ diskSizeGiB: 10 }), "g"),
      "g.diskSizeGiB 10 must be a whole number of GiB from 20 to 16384",
    );
    refuses(
      () => validateNodeGroup(group({ name: "General" }), "g"),
      'g.name "General" must be 2 to 20 lowercase letters',
    );
    refuses(() => validateNodeGroup(group({ instanceTypes: [] }), "g"), "g.instanceTypes is empty");
    refuses(
      () => validateNodeGroup(group({ instanceTypes: ["m6i.large", "huge"] }), "g"),
      'g.instanceTypes[1] "huge"',
    );
    refuses(
      () => validateNodeGroup(group({ instanceTypes: ["m6i.large", "m7g.large"] }), "g"),
      "mix arm64 (Graviton) and x86_64 types",
    );
    refuses(
      () =>
        validateNodeGroup(group({ instanceTypes: ["m7g.large"], amiType: "AL2023_x86_64_STANDARD" }), "g"),
      'g.amiType "AL2023_x86_64_STANDARD" does not match the architecture',
    );
    refuses(
      () => validateNodeGroup(group({ amiType: "BOTTLEROCKET_x86_64" as "AL2023_x86_64_STANDARD" }), "g"),
      'g.amiType "BOTTLEROCKET_x86_64" must be one of AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD',
    );
  });

  it("refuses an empty list, duplicate names and a bad hop limit", () => {
    refuses(
      () => validateNodeGroups([]),
      "nodeGroups is empty; the cluster needs at least one managed node group",
    );
    refuses(() => validateNodeGroups([group(), group()]), 'nodeGroups[1].name "general" is used twice');
    validateHopLimit(1);
    validateHopLimit(2);
    refuses(() => validateHopLimit(3), "metadataHopLimit 3 must be 1");
    refuses(() => validateHopLimit(0), "metadataHopLimit 0");
  });
});

describe("EKS validation: whole args and the customer-AMI bootstrap", () => {
  const naming = new Naming({ infrastructureName: "acme-tdp" });
  const base = {
    naming,
    iam: {},
    region: "us-east-1",
    vpcId: "vpc-1",
    privateSubnetIds: ["subnet-a", "subnet-b"],
  };

  it("accepts the minimal args and reports the first broken rule by field", () => {
    validatePlatformClusterArgs(base);
    refuses(() => validatePlatformClusterArgs({ ...base, metadataHopLimit: 4 }), "metadataHopLimit 4");
    refuses(() => validatePlatformClusterArgs({ ...base, serviceIpv4Cidr: "10.0.0.0/8" }), "serviceIpv4Cidr");
    refuses(
      () => validatePlatformClusterArgs({ ...base, privateSubnetIds: [] }),
      "privateSubnetIds has 0 subnet(s)",
    );
    refuses(
      () =>
        validatePlatformClusterArgs({
          ...base,
          workloads: { dataProcessing: { bucketArn: "b", kmsKeyArn: "k", namespace: "Data" } },
        }),
      'workloads.dataProcessing.namespace "Data"',
    );
  });

  it("writes a nodeadm NodeConfig for customer AMIs", () => {
    const data = Buffer.from(
      nodeadmUserData({
        name: "acme-tdp-production-eks",
        endpoint: "https://ABC.gr7.us-east-1.eks.amazonaws.com",
        certificateAuthority: "Q0E=",
        serviceIpv4Cidr: "172.20.0.0/16",
      }),
      "base64",
    ).toString();
    assert.match(data, /^MIME-Version: 1\.0\nContent-Type: multipart\/mixed; boundary="\/\/"/);
    assert.match(data, /apiVersion: node\.eks\.aws\/v1alpha1\nkind: NodeConfig/);
    assert.match(data, /apiServerEndpoint: https:\/\/ABC\.gr7\.us-east-1\.eks\.amazonaws\.com/);
    assert.match(data, /certificateAuthority: Q0E=/);
    assert.match(data, /cidr: 172\.20\.0\.0\/16/);
    assert.match(data, /--\/\/--\n$/);
  });
});
