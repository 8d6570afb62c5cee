import { ofTypes } from "../companions";
import { resourcePolicy, stackPolicy, type StackResource } from "../define";
import { asArray, asRecord, get, isTrue, isUnknown, strings, type Props, isPending } from "../props";

export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
export const INSTANCE = "aws:ec2/instance:Instance";
export const LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration";
export const SUBNET = "aws:ec2/subnet:Subnet";
/** Both shapes of a VPC: awsx's component (offline plan) and the provider's VPC (real preview, or a plain program). */
export const AWSX_VPC = "awsx:ec2:Vpc";
export const VPC_TYPES = [AWSX_VPC, "aws:ec2/vpc:Vpc"];

function kind(resource: { type: string }): string {
  return resource.type.split(":").pop() ?? resource.type;
}

// ---- Instance metadata -------------------------------------------------------------------------

export const ec2Imdsv2Required = resourcePolicy({
  name: "ec2-imdsv2-required",
  satisfiedBy: [
    "packages/eks-services/src/eks/node-groups.ts",
    "packages/eks-services/src/windows/windows-workers.ts",
    "packages/bi-dashboard/src/instances.ts",
  ],
  description: "Instances and launch templates require IMDSv2 session tokens for instance metadata.",
  module: "ec2",
  controls: { fsbp: ["EC2.8", "EC2.170", "AutoScaling.3"], checkov: ["CKV_AWS_79"] },
  enforcementLevel: "mandatory",
  remediation:
    'Set metadataOptions { httpTokens: "required", httpPutResponseHopLimit: 1 or 2 } (or httpEndpoint "disabled")',
  types: [LAUNCH_TEMPLATE, INSTANCE, LAUNCH_CONFIGURATION],
  check(resource, report) {
    const options = resource.props["metadataOptions"];
    if (isPending(options)) return;
    const tokens = get(options, "httpTokens");
    if (isPending(tokens) || get(options, "httpEndpoint") === "disabled") return;
    if (tokens !== "required")
      report(
        `${kind(resource)} ${resource.name} allows IMDSv1 (httpTokens ${typeof tokens === "string" ? tokens : "optional by default"})`,
      );
  },
});

// ---- EBS -----------------------------------------------------------------------------------------

/** The EBS volumes a resource declares, with where they are declared. */
function ebsVolumes(resource: { type: string; props: Props }): [string, Props][] {
  const props = resource.props;
  if (resource.type === "aws:ebs/volume:Volume") return [["volume", props]];
  if (resource.type === LAUNCH_TEMPLATE) {
    return asArray(props["blockDeviceMappings"]).flatMap((mapping, i) => {
      const ebs = asRecord(get(mapping, "ebs"));
      const device = get(mapping, "deviceName");
      return ebs
        ? [[`block device ${typeof device === "string" ? device : `#${i}`}`, ebs] as [string, Props]]
        : [];
    });
  }
  const root = asRecord(props["rootBlockDevice"]);
  return [
    ...(root ? [["root volume", root] as [string, Props]] : []),
    ...asArray(props["ebsBlockDevices"]).flatMap((device, i) => {
      const record = asRecord(device);
      const name = get(device, "deviceName");
      return record
        ? [[`EBS device ${typeof name === "string" ? name : `#${i}`}`, record] as [string, Props]]
        : [];
    }),
  ];
}

/** Volume types the policy refuses where a type is set: gp2 (gp3 is cheaper and faster) and magnetic. */
const OUTDATED_VOLUME_TYPES = ["gp2", "standard"];

export const ec2EbsEncrypted = resourcePolicy({
  name: "ec2-ebs-encrypted",
  satisfiedBy: [
    "packages/eks-services/src/eks/node-groups.ts",
    "packages/eks-services/src/windows/windows-workers.ts",
    "packages/bi-dashboard/src/instances.ts",
  ],
  description:
    "Every EBS volume an instance, launch template or volume declares is encrypted (a KMS key, when named, comes with encrypted on) and is gp3 where a type is set.",
  module: "ec2",
  controls: { fsbp: ["EC2.3", "EC2.7"], checkov: ["CKV_AWS_3", "CKV_AWS_8"] },
  enforcementLevel: "mandatory",
  remediation:
    'Set encrypted "true" (with the platform\'s kmsKeyId where one is set) and volumeType "gp3" on the volume',
  types: [LAUNCH_TEMPLATE, INSTANCE, LAUNCH_CONFIGURATION, "aws:ebs/volume:Volume"],
  check(resource, report) {
    for (const [where, volume] of ebsVolumes(resource)) {
      const encrypted = volume["encrypted"];
      if (!isPending(encrypted) && !isTrue(encrypted)) {
        const key = volume["kmsKeyId"];
        report(
          `${kind(resource)} ${resource.name}'s ${where} is not encrypted${typeof key === "string" && key !== "" ? ` (kmsKeyId ${key} without encrypted)` : ""}`,
        );
      }
      const type = volume["volumeType"] ?? volume["type"];
      if (typeof type === "string" && OUTDATED_VOLUME_TYPES.includes(type))
        report(`${kind(resource)} ${resource.name}'s ${where} is ${type}, not gp3`);
    }
  },
});

// ---- Public addresses ----------------------------------------------------------------------------

export const ec2NoPublicIp = resourcePolicy({
  name: "ec2-no-public-ip",
  satisfiedBy: [
    "packages/eks-services/src/windows/windows-workers.ts",
    "packages/bi-dashboard/src/instances.ts",
    "packages/network/src/network.ts",
  ],
  description: "Instances and launch templates do not associate public IP addresses.",
  module: "ec2",
  controls: { fsbp: ["EC2.9", "AutoScaling.5"], checkov: ["CKV_AWS_88"] },
  enforcementLevel: "mandatory",
  remediation:
    'Set associatePublicIpAddress false ("false" in launch template network interfaces) and reach the instances through a load balancer or SSM',
  types: [LAUNCH_TEMPLATE, INSTANCE, LAUNCH_CONFIGURATION],
  check(resource, report) {
    if (isTrue(resource.props["associatePublicIpAddress"]))
      report(`${kind(resource)} ${resource.name} associates a public IP address`);
    asArray(resource.props["networkInterfaces"]).forEach((nic, i) => {
      if (isTrue(get(nic, "associatePublicIpAddress")))
        report(`${kind(resource)} ${resource.name}'s network interface #${i} associates a public IP address`);
    });
  },
});

/** Which tier a subnet says it is in, from its Tier/Name tags (awsx tags and names them by spec). */
function subnetTier(subnet: StackResource): string {
  const tags = asRecord(subnet.props["tags"]) ?? {};
  const text = [tags["Tier"], tags["Name"], tags["SubnetType"], subnet.name]
    .filter((t): t is string => typeof t === "string")
    .join(" ")
    .toLowerCase();
  if (text.includes("private")) return "private ";
  if (text.includes("isolated")) return "isolated ";
  if (text.includes("public")) return "public ";
  return "";
}

/** Does the stack need public subnets in this awsx VPC: NAT gateways or an internet-facing load balancer. */
function needsPublicSubnets(vpc: StackResource, resources: StackResource[]): boolean {
  const strategy = get(vpc.props, "natGateways.strategy");
  // awsx's default strategy is OnePerAz: NAT gateways live in the public subnets.
  if (strategy === undefined || isUnknown(strategy) || strategy !== "None") return true;
  return ofTypes(resources, ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"]).some(
    (lb) => lb.props["internal"] !== true && lb.props["internal"] !== "true",
  );
}

export const ec2SubnetNoPublicIpOnLaunch = stackPolicy({
  name: "ec2-subnet-no-public-ip-on-launch",
  satisfiedBy: ["packages/network/src/network.ts", "packages/network/src/adopted.ts"],
  description:
    "No subnet assigns public IP addresses on launch (public subnets exist for NAT gateways and load balancers, which get their own addresses); an awsx VPC has public subnets only when something needs them.",
  module: "ec2",
  controls: { fsbp: ["EC2.15"], checkov: ["CKV_AWS_130"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set mapPublicIpOnLaunch false on every subnet (network's noPublicIpOnLaunch transform does it for awsx's public subnets), and drop public subnet specs a VPC without NAT gateways or internet-facing load balancers does not need",
  check(resources, report) {
    for (const subnet of ofTypes(resources, [SUBNET])) {
      if (isTrue(subnet.props["mapPublicIpOnLaunch"]))
        report(
          `${subnetTier(subnet)}subnet ${subnet.name} assigns public IP addresses on launch`,
          subnet.urn,
        );
    }
    for (const vpc of ofTypes(resources, [AWSX_VPC])) {
      const specs = vpc.props["subnetSpecs"];
      if (specs === undefined || isUnknown(specs)) continue;
      const publicSpecs = asArray(specs).filter((s) => get(s, "type") === "Public");
      if (publicSpecs.length > 0 && !needsPublicSubnets(vpc, resources)) {
        const names = publicSpecs.map((s) => String(get(s, "name") ?? "public")).join(", ");
        report(
          `VPC ${vpc.name} has public subnets (${names}) that no NAT gateway or internet-facing load balancer needs, and awsx assigns public IP addresses on launch in them`,
          vpc.urn,
        );
      }
    }
  },
});

// ---- Security groups -----------------------------------------------------------------------------

const WORLD = ["0.0.0.0/0", "::/0"];

/** Administration and data ports never open to the internet (FSBP EC2.19's list, plus data stores). */
export const ADMIN_PORTS: Record<number, string> = {
  20: "FTP data",
  21: "FTP",
  22: "SSH",
  23: "Telnet",
  25: "SMTP",
  110: "POP3",
  135: "RPC",
  143: "IMAP",
  445: "SMB",
  1433: "SQL Server",
  1434: "SQL Server browser",
  1521: "Oracle",
  2049: "NFS",
  2375: "Docker",
  2376: "Docker TLS",
  3000: "dev servers",
  3306: "MySQL",
  3389: "RDP",
  4333: "mSQL",
  5000: "dev servers",
  5432: "PostgreSQL",
  5439: "Redshift",
  5500: "VNC",
  5601: "Kibana",
  5985: "WinRM",
  5986: "WinRM HTTPS",
  6379: "Redis",
  8080: "HTTP proxy",
  8088: "Hadoop",
  8888: "HTTP alt",
  9200: "OpenSearch",
  9300: "OpenSearch transport",
  11211: "Memcached",
  27017: "MongoDB",
};

/** Ports the internet may reach (FSBP EC2.18's authorised ports). */
const INTERNET_PORTS = [80, 443];

interface OpenRule {
  where: string;
  protocol: string;
  from: number;
  to: number;
  cidrs: string[];
}

const ALL_PROTOCOLS = ["-1", "all"];
const PORTLESS_PROTOCOLS = ["icmp", "1", "icmpv6", "58"];

/** The port range a rule admits: all ports for protocol -1 (whatever from/to say). */
function range(protocol: string, from: unknown, to: unknown): [number, number] {
  if (ALL_PROTOCOLS.includes(protocol)) return [0, 65535];
  const low = Number(from ?? 0);
  const high = Number(to ?? 65535);
  return [low < 0 ? 0 : low, high < 0 ? 65535 : high];
}

/** What is wrong with a rule open to the internet, or undefined. */
export function openRuleProblem(rule: OpenRule): string | undefined {
  const world = rule.cidrs.filter((c) => WORLD.includes(c));
  if (world.length === 0 || PORTLESS_PROTOCOLS.includes(rule.protocol.toLowerCase())) return undefined;
  const [from, to] = range(rule.protocol, rule.from, rule.to);
  const source = world.join(" and ");
  if (from <= 0 && to >= 65535) return `${rule.where} admits ${source} on all ports`;
  const admin = Object.entries(ADMIN_PORTS)
    .filter(([port]) => Number(port) >= from && Number(port) <= to)
    .map(([port, name]) => `${port} (${name})`);
  if (admin.length > 0) return `${rule.where} admits ${source} on ${admin.join(", ")}`;
  const ports = from === to ? `port ${from}` : `ports ${from}-${to}`;
  if (from !== to || !INTERNET_PORTS.includes(from))
    return `${rule.where} admits ${source} on ${ports} (only 80 and 443 may be open to the internet)`;
  return undefined;
}

function securityGroupRules(resource: { type: string; name: string; props: Props }): OpenRule[] {
  const p = resource.props;
  const protocolOf = (value: unknown) => (typeof value === "string" ? value : String(value ?? "-1"));
  switch (resource.type) {
    case "aws:ec2/securityGroup:SecurityGroup":
      return asArray(p["ingress"]).map((rule, i) => ({
        where: `security group ${resource.name} ingress #${i}`,
        protocol: protocolOf(get(rule, "protocol")),
        from: Number(get(rule, "fromPort") ?? 0),
        to: Number(get(rule, "toPort") ?? 0),
        cidrs: [...strings(get(rule, "cidrBlocks")), ...strings(get(rule, "ipv6CidrBlocks"))],
      }));
    case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
      return [
        {
          where: `ingress rule ${resource.name}`,
          protocol: protocolOf(p["ipProtocol"]),
          from: Number(p["fromPort"] ?? 0),
          to: Number(p["toPort"] ?? 65535),
          cidrs: [...strings(p["cidrIpv4"]), ...strings(p["cidrIpv6"])],
        },
      ];
    case "aws:ec2/securityGroupRule:SecurityGroupRule":
      if (p["type"] !== "ingress") return [];
      return [
        {
          where: `security group rule ${resource.name}`,
          protocol: protocolOf(p["protocol"]),
          from: Number(p["fromPort"] ?? 0),
          to: Number(p["toPort"] ?? 0),
          cidrs: [...strings(p["cidrBlocks"]), ...strings(p["ipv6CidrBlocks"])],
        },
      ];
    default:
      return [];
  }
}

export const ec2NoOpenAdminPorts = resourcePolicy({
  name: "ec2-no-open-admin-ports",
  satisfiedBy: [
    "packages/network/src/network.ts",
    "packages/eks-services/src/web/web-entry-point.ts",
    "packages/bi-dashboard/src/security-groups.ts",
  ],
  description:
    "No security group admits 0.0.0.0/0 or ::/0 on all ports, on SSH, RDP or another administration or database port, or on anything but 80 and 443.",
  module: "ec2",
  controls: {
    fsbp: ["EC2.13", "EC2.14", "EC2.18", "EC2.19", "EC2.53", "EC2.54"],
    checkov: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_277"],
  },
  enforcementLevel: "mandatory",
  remediation:
    "Admit the VPC CIDR, named admin CIDRs or a source security group instead of 0.0.0.0/0; reach instances through SSM Session Manager",
  types: [
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
  ],
  check(resource, report) {
    for (const rule of securityGroupRules(resource)) {
      const problem = openRuleProblem(rule);
      if (problem) report(problem);
    }
  },
});

// ---- VPC-wide: default security group, flow logs -----------------------------------------------------

/** The resources of `type` that belong to `vpc`: by vpcId where both ids are known, else by dependency. */
function ofVpc(vpc: StackResource, resources: StackResource[], type: string): StackResource[] {
  const ids = new Set(
    [vpc.props["id"], vpc.props["vpcId"]].filter((v): v is string => typeof v === "string" && !isUnknown(v)),
  );
  // A preview's aws:ec2/vpc:Vpc is a child of awsx's component, which is what the others depend on.
  const urns = new Set([vpc.urn, ...(vpc.parentUrn ? [vpc.parentUrn] : [])]);
  return resources.filter((r) => {
    if (r.type !== type) return false;
    const reference = r.props["vpcId"] ?? r.props["resourceId"];
    if (ids.size > 0 && typeof reference === "string" && !isUnknown(reference)) return ids.has(reference);
    return r.dependencyUrns.some((u) => urns.has(u));
  });
}

function vpcs(resources: StackResource[]): StackResource[] {
  return ofTypes(resources, VPC_TYPES);
}

export const ec2DefaultSecurityGroupClosed = stackPolicy({
  name: "ec2-default-security-group-closed",
  satisfiedBy: ["packages/network/src/network.ts"],
  description: "Every VPC's default security group is adopted with no ingress and no egress rules.",
  module: "ec2",
  controls: { fsbp: ["EC2.2"], checkov: ["CKV2_AWS_12"] },
  enforcementLevel: "mandatory",
  remediation: "Add an aws.ec2.DefaultSecurityGroup for the VPC with ingress [] and egress [] (network does)",
  check(resources, report) {
    const groups = ofTypes(resources, ["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"]);
    for (const vpc of vpcs(resources)) {
      if (ofVpc(vpc, resources, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").length === 0)
        report(
          `VPC ${vpc.name} keeps its default security group's rules (no DefaultSecurityGroup adopts it)`,
          vpc.urn,
        );
    }
    for (const group of groups) {
      const rules = ["ingress", "egress"].filter(
        (key) => !isPending(group.props[key]) && asArray(group.props[key]).length > 0,
      );
      if (rules.length > 0)
        report(`default security group ${group.name} has ${rules.join(" and ")} rules`, group.urn);
    }
  },
});

export const ec2VpcFlowLogs = stackPolicy({
  name: "ec2-vpc-flow-logs",
  satisfiedBy: ["packages/network/src/network.ts"],
  description: "Every VPC the stack creates has a flow log capturing rejected (or all) traffic.",
  module: "ec2",
  controls: { fsbp: ["EC2.6"], checkov: ["CKV2_AWS_11"] },
  enforcementLevel: "mandatory",
  remediation:
    'Add an aws.ec2.FlowLog with the VPC\'s vpcId and trafficType "ALL" (or "REJECT") to the flow-log group (network does)',
  check(resources, report) {
    for (const vpc of vpcs(resources)) {
      const logs = ofVpc(vpc, resources, "aws:ec2/flowLog:FlowLog");
      if (logs.length === 0) {
        report(`VPC ${vpc.name} has no flow log`, vpc.urn);
      } else if (
        !logs.some((l) => ["ALL", "REJECT", "[unknown]"].includes(String(l.props["trafficType"] ?? "ALL")))
      ) {
        report(`VPC ${vpc.name}'s flow logs do not capture rejected traffic`, vpc.urn);
      }
    }
  },
});

/** FSBP EC2.55-57: the interface endpoints a VPC should have, by the service name's ending. */
const REQUIRED_INTERFACE_ENDPOINTS: [string, string, string][] = [
  ["ecr.api", "ECR API", "EC2.55"],
  ["ecr.dkr", "ECR Docker registry", "EC2.56"],
  ["ssm", "Systems Manager", "EC2.57"],
];

/** The service names of a VPC's interface endpoints; undefined when one is not known yet. */
function interfaceServices(vpc: StackResource, resources: StackResource[]): string[] | undefined {
  const names: unknown[] = [];
  for (const endpoint of ofVpc(vpc, resources, "aws:ec2/vpcEndpoint:VpcEndpoint")) {
    const type = endpoint.props["vpcEndpointType"];
    if (isPending(type) || type === "Interface") names.push(endpoint.props["serviceName"]);
  }
  // awsx's VPC declares endpoints among its own inputs (offline plan).
  for (const spec of asArray(vpc.props["vpcEndpointSpecs"])) {
    const type = get(spec, "vpcEndpointType");
    if (isPending(type) || type === "Interface") names.push(get(spec, "serviceName"));
  }
  if (names.some((n) => isPending(n))) return undefined;
  return names.filter((n): n is string => typeof n === "string");
}

export const ec2InterfaceEndpoints = stackPolicy({
  name: "ec2-interface-endpoints",
  satisfiedBy: ["packages/network/src/network.ts", "packages/network/src/defaults.ts"],
  description:
    "Every VPC the stack creates has interface endpoints for ECR (API and Docker registry) and Systems Manager, so images and instance management stay off the internet.",
  module: "ec2",
  controls: { fsbp: REQUIRED_INTERFACE_ENDPOINTS.map(([, , id]) => id), checkov: [] },
  enforcementLevel: "advisory",
  remediation:
    "Add aws.ec2.VpcEndpoint resources of type Interface (private DNS on) for com.amazonaws.<region>.ecr.api, .ecr.dkr and .ssm in the VPC (@tdp/network's interfaceEndpoints default has them)",
  check(resources, report) {
    for (const vpc of vpcs(resources)) {
      const services = interfaceServices(vpc, resources);
      if (services === undefined) continue;
      for (const [suffix, service, id] of REQUIRED_INTERFACE_ENDPOINTS) {
        if (!services.some((name) => name.endsWith(`.${suffix}`)))
          report(`VPC ${vpc.name} has no interface endpoint for ${service} (*.${suffix}, ${id})`, vpc.urn);
      }
    }
  },
});

// ---- Network ACLs ----------------------------------------------------------------------------------

interface AclEntry {
  number: number;
  allow: boolean;
  protocol: string;
  from: number;
  to: number;
  cidrs: string[];
}

function aclEntries(resource: { type: string; props: Props }): AclEntry[] {
  const p = resource.props;
  const entry = (rule: unknown, numberKey: string, actionKey: string): AclEntry => ({
    number: Number(get(rule, numberKey) ?? 0),
    allow: String(get(rule, actionKey) ?? "").toLowerCase() === "allow",
    protocol: String(get(rule, "protocol") ?? "-1"),
    from: Number(get(rule, "fromPort") ?? 0),
    to: Number(get(rule, "toPort") ?? 0),
    cidrs: [...strings(get(rule, "cidrBlock")), ...strings(get(rule, "ipv6CidrBlock"))],
  });
  if (resource.type === "aws:ec2/networkAclRule:NetworkAclRule") {
    return isTrue(p["egress"]) ? [] : [entry(p, "ruleNumber", "ruleAction")];
  }
  return asArray(p["ingress"]).map((rule) => entry(rule, "ruleNo", "action"));
}

/** Remote administration ports FSBP EC2.21 checks. */
const NACL_ADMIN_PORTS: Record<number, string> = { 22: "SSH", 3389: "RDP" };

export const ec2NaclNoOpenAdminPorts = resourcePolicy({
  name: "ec2-nacl-no-open-admin-ports",
  satisfiedBy: ["packages/network/src/network.ts"],
  description: "No network ACL lets 0.0.0.0/0 or ::/0 in on SSH (22) or RDP (3389).",
  module: "ec2",
  controls: { fsbp: ["EC2.21"], checkov: ["CKV_AWS_231", "CKV_AWS_232"] },
  enforcementLevel: "mandatory",
  remediation:
    "Leave 22 and 3389 out of the internet-facing allow entries (split the ephemeral range around them) or deny them first",
  types: [
    "aws:ec2/networkAcl:NetworkAcl",
    "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
    "aws:ec2/networkAclRule:NetworkAclRule",
  ],
  check(resource, report) {
    const world = aclEntries(resource)
      .filter(
        (e) =>
          e.cidrs.some((c) => WORLD.includes(c)) && !PORTLESS_PROTOCOLS.includes(e.protocol.toLowerCase()),
      )
      .sort((a, b) => a.number - b.number);
    for (const [port, service] of Object.entries(NACL_ADMIN_PORTS)) {
      // ACL entries apply in rule-number order: the first internet entry covering the port decides.
      const first = world.find((e) => {
        const [from, to] = range(e.protocol, e.from, e.to);
        return ALL_PROTOCOLS.includes(e.protocol) || (from <= Number(port) && Number(port) <= to);
      });
      if (first?.allow)
        report(
          `${kind(resource)} ${resource.name} rule ${first.number} lets the internet in on ${port} (${service})`,
        );
    }
  },
});

export const ec2Policies = [
  ec2Imdsv2Required,
  ec2EbsEncrypted,
  ec2NoPublicIp,
  ec2SubnetNoPublicIpOnLaunch,
  ec2NoOpenAdminPorts,
  ec2DefaultSecurityGroupClosed,
  ec2VpcFlowLogs,
  ec2InterfaceEndpoints,
  ec2NaclNoOpenAdminPorts,
];
