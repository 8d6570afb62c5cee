/**
 * Plausible computed attributes for the resources the program registers: ids, ARNs, endpoints
 * and names, derived deterministically from the stack, type and name so plans are stable.
 * Rows are keyed by type token; anything else gets the generic id, name and ARN.
 */
import { createHash } from "node:crypto";

import type { OfflineContext } from "./context";

type Inputs = Record<string, unknown>;

export interface SynthArgs {
  type: string;
  name: string;
  inputs: Inputs;
}

interface SynthHelpers {
  ctx: OfflineContext;
  /** Deterministic lowercase hex of `length` characters for this resource. */
  hex(length: number, salt?: string): string;
  /** The physical name: the `name` input, or Pulumi-style auto-naming. */
  physical: string;
  arn(service: string, resource: string, options?: { region?: boolean; account?: boolean }): string;
}

type Synth = (args: SynthArgs, h: SynthHelpers) => { id?: string; state: Inputs };

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function uuid(h: SynthHelpers, salt = ""): string {
  const x = h.hex(32, salt);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** EC2 ids: `<prefix>-` and 17 hex digits. */
const EC2_PREFIXES: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/securityGroup:SecurityGroup": "sg",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
  "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule",
  "aws:ec2/natGateway:NatGateway": "nat",
  "aws:ec2/eip:Eip": "eipalloc",
  "aws:ec2/routeTable:RouteTable": "rtb",
  "aws:ec2/internetGateway:InternetGateway": "igw",
  "aws:ec2/launchTemplate:LaunchTemplate": "lt",
  "aws:ec2/instance:Instance": "i",
  "aws:ec2/flowLog:FlowLog": "fl",
  "aws:ec2/networkAcl:NetworkAcl": "acl",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
  "aws:ec2/keyPair:KeyPair": "key",
  "aws:route53/resolverEndpoint:ResolverEndpoint": "rslvr-in",
  "aws:efs/fileSystem:FileSystem": "fs",
  "aws:efs/accessPoint:AccessPoint": "fsap",
  "aws:efs/mountTarget:MountTarget": "fsmt",
  "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": "ns",
};

function loadBalancerDns(name: string, internal: boolean, h: SynthHelpers): string {
  const digits = BigInt(`0x${h.hex(12)}`)
    .toString()
    .slice(0, 10);
  return `${internal ? "internal-" : ""}${name}-${digits}.${h.ctx.region}.elb.amazonaws.com`;
}

export const ATTRIBUTES: Record<string, Synth> = {
  "aws:s3/bucket:Bucket": bucket,
  "aws:s3/bucketV2:BucketV2": bucket,
  "aws:kms/key:Key": (_args, h) => {
    const keyId = uuid(h);
    return { id: keyId, state: { keyId, arn: h.arn("kms", `key/${keyId}`) } };
  },
  "aws:kms/replicaKey:ReplicaKey": (_args, h) => {
    const keyId = `mrk-${h.hex(32)}`;
    return { id: keyId, state: { keyId, arn: h.arn("kms", `key/${keyId}`) } };
  },
  "aws:kms/alias:Alias": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? `alias/${h.physical}`;
    return { id: name, state: { name, arn: h.arn("kms", name), targetKeyArn: inputs["targetKeyId"] } };
  },
  "aws:iam/role:Role": ({ inputs }, h) => {
    const name =
      str(inputs["name"]) ??
      `${str(inputs["namePrefix"]) ?? h.physical}${str(inputs["namePrefix"]) ? h.hex(20) : ""}`;
    const rolePath = str(inputs["path"]) ?? "/";
    return {
      id: name,
      state: {
        name,
        arn: h.arn("iam", `role${rolePath}${name}`, { region: false }),
        uniqueId: `AROA${h.hex(17).toUpperCase()}`,
        createDate: "2026-01-01T00:00:00Z",
      },
    };
  },
  "aws:iam/policy:Policy": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? h.physical;
    const arn = h.arn("iam", `policy${str(inputs["path"]) ?? "/"}${name}`, { region: false });
    return { id: arn, state: { name, arn, policyId: `ANPA${h.hex(17).toUpperCase()}` } };
  },
  "aws:iam/instanceProfile:InstanceProfile": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? h.physical;
    return {
      id: name,
      state: {
        name,
        arn: h.arn("iam", `instance-profile/${name}`, { region: false }),
        uniqueId: `AIPA${h.hex(17).toUpperCase()}`,
      },
    };
  },
  "aws:iam/serviceLinkedRole:ServiceLinkedRole": ({ inputs }, h) => {
    const service = str(inputs["awsServiceName"]) ?? "service.amazonaws.com";
    const name = `AWSServiceRoleFor${service.split(".")[0]!.replace(/^./, (c) => c.toUpperCase())}`;
    const arn = h.arn("iam", `role/aws-service-role/${service}/${name}`, { region: false });
    return { id: arn, state: { name, arn, path: `/aws-service-role/${service}/` } };
  },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ({ inputs }, h) => {
    const url = String(inputs["url"] ?? "oidc.example.com").replace(/^https:\/\//, "");
    const arn = h.arn("iam", `oidc-provider/${url}`, { region: false });
    return { id: arn, state: { arn } };
  },
  "aws:ec2/vpcEndpoint:VpcEndpoint": ({ inputs }, h) => {
    const id = `vpce-${h.hex(17)}`;
    const service =
      String(inputs["serviceName"] ?? "")
        .split(".")
        .slice(3)
        .join(".") || "service";
    return {
      id,
      state: {
        arn: h.arn("ec2", `vpc-endpoint/${id}`),
        dnsEntries: [
          {
            dnsName: `${id}-${h.hex(8)}.${service}.${h.ctx.region}.vpce.amazonaws.com`,
            hostedZoneId: `Z7HUB22UULQXV`,
          },
        ],
        networkInterfaceIds: [],
        prefixListId: inputs["vpcEndpointType"] === "Gateway" ? `pl-${h.hex(8)}` : undefined,
        state: "available",
      },
    };
  },
  "aws:ec2/launchTemplate:LaunchTemplate": (_args, h) => {
    const id = `lt-${h.hex(17)}`;
    return { id, state: { arn: h.arn("ec2", `launch-template/${id}`), latestVersion: 1, defaultVersion: 1 } };
  },
  "aws:imagebuilder/image:Image": (_args, h) => {
    const arn = h.arn("imagebuilder", `image/${h.physical.toLowerCase()}/1.0.0/1`);
    const ami = {
      accountId: h.ctx.accountId,
      description: "",
      image: `ami-${h.hex(17)}`,
      name: h.physical,
      region: h.ctx.region,
    };
    return { id: arn, state: { arn, outputResources: [{ amis: [ami], containers: [] }] } };
  },
  "aws:rds/instance:Instance": ({ inputs }, h) => {
    const identifier = str(inputs["identifier"]) ?? h.physical.toLowerCase();
    const engine = String(inputs["engine"] ?? "postgres");
    const port =
      typeof inputs["port"] === "number"
        ? inputs["port"]
        : engine.includes("maria") || engine.includes("mysql")
          ? 3306
          : 5432;
    const address = `${identifier}.c${h.hex(12)}.${h.ctx.region}.rds.amazonaws.com`;
    const secrets = inputs["manageMasterUserPassword"]
      ? [
          {
            kmsKeyId: inputs["masterUserSecretKmsKeyId"] ?? "",
            secretArn: h.arn("secretsmanager", `secret:rds!db-${uuid(h, "secret")}-${h.hex(6, "s")}`),
            secretStatus: "active",
          },
        ]
      : [];
    return {
      id: identifier,
      state: {
        identifier,
        address,
        port,
        endpoint: `${address}:${port}`,
        arn: h.arn("rds", `db:${identifier}`),
        resourceId: `db-${h.hex(26).toUpperCase()}`,
        hostedZoneId: "Z2R2ITUGPM61AM",
        masterUserSecrets: secrets,
      },
    };
  },
  "aws:opensearch/domain:Domain": ({ inputs }, h) => {
    const domainName = str(inputs["domainName"]) ?? h.physical.toLowerCase().slice(0, 28);
    return {
      id: h.arn("es", `domain/${domainName}`),
      state: {
        domainName,
        arn: h.arn("es", `domain/${domainName}`),
        domainId: `${h.ctx.accountId}/${domainName}`,
        endpoint: `vpc-${domainName}-${h.hex(26)}.${h.ctx.region}.es.amazonaws.com`,
        dashboardEndpoint: `vpc-${domainName}-${h.hex(26)}.${h.ctx.region}.es.amazonaws.com/_dashboards`,
      },
    };
  },
  "aws:lb/loadBalancer:LoadBalancer": loadBalancer,
  "aws:alb/loadBalancer:LoadBalancer": loadBalancer,
  "aws:lb/targetGroup:TargetGroup": targetGroup,
  "aws:alb/targetGroup:TargetGroup": targetGroup,
  "aws:cloudwatch/logGroup:LogGroup": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? h.physical;
    return { id: name, state: { name, arn: h.arn("logs", `log-group:${name}`) } };
  },
  "aws:cloudwatch/eventRule:EventRule": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? h.physical;
    return { id: name, state: { name, arn: h.arn("events", `rule/${name}`) } };
  },
  "aws:sns/topic:Topic": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? h.physical;
    const arn = `arn:${h.ctx.partition}:sns:${h.ctx.region}:${h.ctx.accountId}:${name}`;
    return { id: arn, state: { name, arn } };
  },
  "aws:sqs/queue:Queue": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? h.physical;
    const url = `https://sqs.${h.ctx.region}.amazonaws.com/${h.ctx.accountId}/${name}`;
    return {
      id: url,
      state: { name, url, arn: `arn:${h.ctx.partition}:sqs:${h.ctx.region}:${h.ctx.accountId}:${name}` },
    };
  },
  "aws:lambda/function:Function": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? h.physical;
    const arn = `arn:${h.ctx.partition}:lambda:${h.ctx.region}:${h.ctx.accountId}:function:${name}`;
    return {
      id: name,
      state: {
        name,
        arn,
        qualifiedArn: `${arn}:1`,
        invokeArn: `arn:${h.ctx.partition}:apigateway:${h.ctx.region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        version: "$LATEST",
      },
    };
  },
  "aws:efs/fileSystem:FileSystem": (_args, h) => {
    const id = `fs-${h.hex(17)}`;
    return {
      id,
      state: {
        arn: h.arn("elasticfilesystem", `file-system/${id}`),
        dnsName: `${id}.efs.${h.ctx.region}.amazonaws.com`,
      },
    };
  },
  "aws:efs/accessPoint:AccessPoint": (_args, h) => {
    const id = `fsap-${h.hex(17)}`;
    return { id, state: { arn: h.arn("elasticfilesystem", `access-point/${id}`) } };
  },
  "aws:secretsmanager/secret:Secret": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? h.physical;
    const arn = h.arn("secretsmanager", `secret:${name}-${h.hex(6)}`);
    return { id: arn, state: { name, arn } };
  },
  "aws:route53/zone:Zone": ({ inputs }, h) => {
    const zoneId = `Z${h.hex(20).toUpperCase()}`;
    const name = str(inputs["name"]) ?? h.physical;
    return {
      id: zoneId,
      state: {
        zoneId,
        name,
        arn: `arn:${h.ctx.partition}:route53:::hostedzone/${zoneId}`,
        nameServers: [1, 2, 3, 4].map((n) => `ns-${n}${h.hex(3, String(n))}.awsdns-${n}.org`),
      },
    };
  },
  "aws:acm/certificate:Certificate": ({ inputs }, h) => {
    const id = h.arn("acm", `certificate/${uuid(h)}`);
    const domains = [
      str(inputs["domainName"]),
      ...((inputs["subjectAlternativeNames"] as unknown[]) ?? []).map(str),
    ].filter((d): d is string => d !== undefined);
    return {
      id,
      state: {
        arn: id,
        status: "ISSUED",
        domainValidationOptions: domains.map((domainName) => ({
          domainName,
          resourceRecordName: `_${h.hex(32, domainName)}.${domainName}.`,
          resourceRecordType: "CNAME",
          resourceRecordValue: `_${h.hex(32, `v${domainName}`)}.acm-validations.aws.`,
        })),
      },
    };
  },
  "aws:ecs/cluster:Cluster": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? h.physical;
    const arn = h.arn("ecs", `cluster/${name}`);
    return { id: arn, state: { name, arn } };
  },
  "aws:ecs/taskDefinition:TaskDefinition": ({ inputs }, h) => {
    const family = str(inputs["family"]) ?? h.physical;
    return {
      id: family,
      state: {
        arn: h.arn("ecs", `task-definition/${family}:1`),
        revision: 1,
        arnWithoutRevision: h.arn("ecs", `task-definition/${family}`),
      },
    };
  },
  "aws:ecs/service:Service": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? h.physical;
    return { id: h.arn("ecs", `service/${name}`), state: { name } };
  },
  "aws:eks/cluster:Cluster": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? h.physical;
    const issuer = `https://oidc.eks.${h.ctx.region}.amazonaws.com/id/${h.hex(32).toUpperCase()}`;
    return {
      id: name,
      state: {
        name,
        arn: h.arn("eks", `cluster/${name}`),
        endpoint: `https://${h.hex(32).toUpperCase()}.gr7.${h.ctx.region}.eks.amazonaws.com`,
        certificateAuthority: { data: Buffer.from("offline-ca").toString("base64") },
        identities: [{ oidcs: [{ issuer }] }],
        vpcConfig: {
          ...(inputs["vpcConfig"] as Inputs),
          clusterSecurityGroupId: `sg-${h.hex(17, "cluster")}`,
        },
        status: "ACTIVE",
      },
    };
  },
  "aws:eks/nodeGroup:NodeGroup": ({ inputs }, h) => {
    const prefix = str(inputs["nodeGroupNamePrefix"]);
    // A prefix gets the provider's 26-character unique suffix.
    const name = str(inputs["nodeGroupName"]) ?? (prefix ? `${prefix}${h.hex(26)}` : h.physical);
    return {
      id: `${String(inputs["clusterName"] ?? "cluster")}:${name}`,
      state: { nodeGroupName: name, arn: h.arn("eks", `nodegroup/${name}/${uuid(h)}`) },
    };
  },
  "aws:backup/vault:Vault": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? h.physical;
    return { id: name, state: { name, arn: h.arn("backup", `backup-vault:${name}`) } };
  },
  "aws:backup/plan:Plan": ({ inputs }, h) => {
    const id = uuid(h);
    return {
      id,
      state: {
        name: str(inputs["name"]) ?? h.physical,
        arn: h.arn("backup", `backup-plan:${id}`),
        version: h.hex(32),
      },
    };
  },
  "aws:autoscaling/group:Group": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? h.physical;
    return {
      id: name,
      state: { name, arn: h.arn("autoscaling", `autoScalingGroup:${uuid(h)}:autoScalingGroupName/${name}`) },
    };
  },
  "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": (_args, h) => {
    const id = `ns-${h.hex(16)}`;
    return {
      id,
      state: { arn: h.arn("servicediscovery", `namespace/${id}`), hostedZone: `Z${h.hex(20).toUpperCase()}` },
    };
  },
  "aws:ssm/parameter:Parameter": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? `/${h.physical}`;
    return {
      id: name,
      state: { name, arn: h.arn("ssm", `parameter${name.startsWith("/") ? "" : "/"}${name}`), version: 1 },
    };
  },
  "aws:cloudtrail/trail:Trail": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? h.physical;
    return { id: name, state: { name, arn: h.arn("cloudtrail", `trail/${name}`), homeRegion: h.ctx.region } };
  },
  "aws:ses/emailIdentity:EmailIdentity": ({ inputs }, h) => {
    const email = str(inputs["email"]) ?? h.physical;
    return { id: email, state: { arn: h.arn("ses", `identity/${email}`) } };
  },
  "awsx:ec2:Vpc": ({ inputs }, h) => {
    const zones = Array.isArray(inputs["availabilityZoneNames"])
      ? inputs["availabilityZoneNames"].length
      : typeof inputs["numberOfAvailabilityZones"] === "number"
        ? inputs["numberOfAvailabilityZones"]
        : 3;
    const specs = Array.isArray(inputs["subnetSpecs"])
      ? (inputs["subnetSpecs"] as Inputs[])
      : [{ type: "Public" }, { type: "Private" }];
    const idsOf = (tier: string) =>
      specs.some((spec) => spec["type"] === tier)
        ? Array.from({ length: zones }, (_, i) => `subnet-${h.hex(17, `${tier}${i}`)}`)
        : [];
    return {
      id: `vpc-${h.hex(17)}`,
      state: {
        vpcId: `vpc-${h.hex(17)}`,
        publicSubnetIds: idsOf("Public"),
        privateSubnetIds: idsOf("Private"),
        isolatedSubnetIds: idsOf("Isolated"),
      },
    };
  },
  "eks:index:Cluster": ({ inputs }, h) => {
    const name = str(inputs["name"]) ?? h.physical;
    const issuerHost = `oidc.eks.${h.ctx.region}.amazonaws.com/id/${h.hex(32).toUpperCase()}`;
    const endpoint = `https://${h.hex(32).toUpperCase()}.gr7.${h.ctx.region}.eks.amazonaws.com`;
    const kubeconfig = {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name, cluster: { server: endpoint, "certificate-authority-data": "b2ZmbGluZS1jYQ==" } }],
      contexts: [{ name: "aws", context: { cluster: name, user: "aws" } }],
      "current-context": "aws",
      users: [
        {
          name: "aws",
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "aws",
              args: ["eks", "get-token", "--cluster-name", name],
            },
          },
        },
      ],
    };
    return {
      id: name,
      state: {
        kubeconfig,
        kubeconfigJson: JSON.stringify(kubeconfig),
        clusterSecurityGroupId: `sg-${h.hex(17, "cluster-sg")}`,
        nodeSecurityGroupId: `sg-${h.hex(17, "node-sg")}`,
        clusterIngressRuleId: `sgrule-${h.hex(10)}`,
        oidcIssuer: issuerHost,
        oidcProviderUrl: `https://${issuerHost}`,
        oidcProviderArn: `arn:${h.ctx.partition}:iam::${h.ctx.accountId}:oidc-provider/${issuerHost}`,
        defaultNodeGroupAsgName: "",
        fargateProfileId: "",
        fargateProfileStatus: "",
        autoModeNodeRoleName: "",
        core: {
          endpoint,
          clusterName: name,
          oidcProviderArn: `arn:${h.ctx.partition}:iam::${h.ctx.accountId}:oidc-provider/${issuerHost}`,
        },
      },
    };
  },
};

function bucket({ inputs }: SynthArgs, h: SynthHelpers): { id: string; state: Inputs } {
  const prefix = str(inputs["bucketPrefix"]);
  const name = (str(inputs["bucket"]) ?? (prefix ? `${prefix}${h.hex(26)}` : `${h.physical}`)).toLowerCase();
  return {
    id: name,
    state: {
      bucket: name,
      arn: `arn:${h.ctx.partition}:s3:::${name}`,
      bucketDomainName: `${name}.s3.amazonaws.com`,
      bucketRegionalDomainName: `${name}.s3.${h.ctx.region}.amazonaws.com`,
      region: h.ctx.region,
      hostedZoneId: "Z3AQBSTGFYJSTF",
    },
  };
}

function loadBalancer({ inputs }: SynthArgs, h: SynthHelpers): { id: string; state: Inputs } {
  const name = str(inputs["name"]) ?? h.physical.slice(0, 32);
  const kind = inputs["loadBalancerType"] === "network" ? "net" : "app";
  const suffix = `${kind}/${name}/${h.hex(16)}`;
  const arn = h.arn("elasticloadbalancing", `loadbalancer/${suffix}`);
  return {
    id: arn,
    state: {
      name,
      arn,
      arnSuffix: suffix,
      dnsName: loadBalancerDns(name, inputs["internal"] === true, h),
      zoneId: "Z35SXDOTRQ7X7K",
    },
  };
}

function targetGroup({ inputs }: SynthArgs, h: SynthHelpers): { id: string; state: Inputs } {
  const name = str(inputs["name"]) ?? h.physical.slice(0, 32);
  const suffix = `targetgroup/${name}/${h.hex(16)}`;
  const arn = h.arn("elasticloadbalancing", suffix);
  return { id: arn, state: { name, arn, arnSuffix: suffix } };
}

/** The module and resource of a token: `aws:s3/bucket:Bucket` → ["s3", "bucket"]. */
function tokenParts(type: string): [string, string] {
  const [, module = "", member = ""] = type.split(":");
  const service = module.split("/")[0] ?? "";
  const kind = member.replace(/^./, (c) => c.toLowerCase());
  return [service === "index" ? "aws" : service, kind];
}

/** The id and state the engine answers a registration with: the inputs plus computed attributes. */
export function synthesize(args: SynthArgs, ctx: OfflineContext): { id: string; state: Inputs } {
  const seed = `${ctx.stack}\u0000${args.type}\u0000${args.name}`;
  const hex = (length: number, salt = "") => {
    let out = "";
    for (let i = 0; out.length < length; i++) {
      out += createHash("sha256").update(`${seed}\u0000${salt}\u0000${i}`).digest("hex");
    }
    return out.slice(0, length);
  };
  const physical = str(args.inputs["name"]) ?? `${args.name}-${hex(7, "name")}`;
  const h: SynthHelpers = {
    ctx,
    hex,
    physical,
    arn: (service, resource, options = {}) =>
      `arn:${ctx.partition}:${service}:${options.region === false ? "" : ctx.region}:${options.account === false ? "" : ctx.accountId}:${resource}`,
  };
  const [service, kind] = tokenParts(args.type);
  const prefix = EC2_PREFIXES[args.type];
  const genericId = prefix ? `${prefix}-${hex(17)}` : physical;
  const generic: Inputs = { arn: h.arn(service, `${kind}/${physical}`) };
  if (!prefix && args.inputs["name"] === undefined && args.type.startsWith("aws:")) {
    generic["name"] = physical;
  }
  const specific = ATTRIBUTES[args.type]?.(args, h);
  return {
    id: specific?.id ?? genericId,
    state: { ...args.inputs, ...generic, ...(specific?.state ?? {}) },
  };
}
