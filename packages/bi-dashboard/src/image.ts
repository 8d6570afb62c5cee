import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ServiceRole, shortHash } from "@tdp/core";

import type { DashboardContext } from "./context";
import { CLOUDWATCH_AGENT_CTL, DEFAULT_IMAGE, EFS_UTILS_RELEASE } from "./defaults";

/** Rust toolchain and Go release used once, at image build, for amazon-efs-utils' efs-proxy. */
export const IMAGE_BUILD_TOOLCHAIN = { rust: "1.83.0", go: "1.23.6" } as const;

/** The checks the image must pass (Image Builder's test phase), also the boot's prerequisites. */
export const IMAGE_CHECKS = [
  "command -v mount.efs",
  "command -v aws",
  "command -v jq",
  "command -v stunnel || command -v stunnel4",
  `test -x ${CLOUDWATCH_AGENT_CTL}`,
  "systemctl cat panintelligence.service >/dev/null || echo 'warning: the image has no panintelligence.service'",
];

/**
 * The Image Builder component that layers what the boot needs on the Marketplace image:
 * amazon-efs-utils (EFS over TLS through stunnel/efs-proxy), built from a fixed release with its
 * documented toolchain (rust and cargo, Go, cmake, gcc and g++; gcc-10 on Ubuntu 20.04), and jq.
 * The toolchains are removed after the build. The AWS CLI and the CloudWatch agent come from the
 * AWS-managed components placed before this one in the recipe.
 */
export function imageComponentDocument(): string {
  const build = [
    "set -euo pipefail",
    "export DEBIAN_FRONTEND=noninteractive",
    "apt-get update -q",
    "apt-get install -y -q jq nfs-common stunnel4 git binutils pkg-config libssl-dev gettext cmake gcc g++ curl ca-certificates",
    ". /etc/os-release",
    'if [ "$VERSION_ID" = "20.04" ]; then apt-get install -y -q gcc-10 g++-10; export CC=gcc-10 CXX=g++-10; fi',
    "work=$(mktemp -d)",
    'export CARGO_HOME="$work/cargo" RUSTUP_HOME="$work/rustup" GOPATH="$work/gopath"',
    `curl --proto '=https' --tlsv1.2 -fsSL https://static.rust-lang.org/rustup/dist/x86_64-unknown-linux-gnu/rustup-init -o "$work/rustup-init"`,
    'chmod +x "$work/rustup-init"',
    `"$work/rustup-init" -y --no-modify-path --profile minimal --default-toolchain ${IMAGE_BUILD_TOOLCHAIN.rust}`,
    `go_tar=go${IMAGE_BUILD_TOOLCHAIN.go}.linux-amd64.tar.gz`,
    'curl --proto \'=https\' -fsSL "https://go.dev/dl/$go_tar" -o "$work/$go_tar"',
    "go_sum=$(curl --proto '=https' -fsSL 'https://go.dev/dl/?mode=json&include=all' | jq -r --arg f \"$go_tar\" '.[].files[] | select(.filename == $f) | .sha256')",
    'echo "$go_sum  $work/$go_tar" | sha256sum -c -',
    'tar -C "$work" -xzf "$work/$go_tar"',
    'export PATH="$work/cargo/bin:$work/go/bin:$PATH"',
    `git clone --depth 1 --branch ${EFS_UTILS_RELEASE} https://github.com/aws/efs-utils "$work/efs-utils"`,
    '(cd "$work/efs-utils" && ./build-deb.sh)',
    'apt-get install -y -q "$work"/efs-utils/build/amazon-efs-utils*deb',
    'rm -rf "$work"',
    "apt-get purge -y -q cmake g++ gcc-10 g++-10 || true",
    "apt-get autoremove -y -q",
    "apt-get clean",
  ];
  const check = IMAGE_CHECKS.map((c) => `${c}`);
  const step = (name: string, commands: string[]) =>
    [
      `      - name: ${name}`,
      "        action: ExecuteBash",
      "        inputs:",
      "          commands:",
      ...commands.map((c) => `            - ${JSON.stringify(c)}`),
    ].join("\n");
  return [
    "name: tdp-dashboard-boot-tools",
    "description: amazon-efs-utils (EFS over TLS) and jq for the Panintelligence dashboard's boot",
    "schemaVersion: 1.0",
    "phases:",
    "  - name: build",
    "    steps:",
    step("BuildAmazonEfsUtils", [build.join("\n")]),
    "  - name: validate",
    "    steps:",
    step("BootToolsPresent", check),
    "  - name: test",
    "    steps:",
    step("BootToolsPresent", check),
    "",
  ].join("\n");
}

/** An Image Builder semantic version that changes with `content` (versions are immutable). */
function contentVersion(content: string): string {
  return `1.0.${parseInt(shortHash(content, 6), 16) % 1000000}`;
}

/**
 * The dashboard image (EC2 Image Builder): the Marketplace image plus amazon-efs-utils, jq, the AWS
 * CLI and the CloudWatch agent, built once at deployment (and again when the Marketplace image or
 * the recipe changes). Returns the AMI id the instances launch from: the build's output, or
 * `image.prebuiltAmiId` when given (no pipeline then).
 */
export function createDashboardImage(ctx: DashboardContext): pulumi.Output<string> {
  const { parent, name, args, s, naming, iam, d, region, partition, child, physical } = ctx;
  if (s.image.prebuiltAmiId !== undefined) {
    return pulumi.output(s.image.prebuiltAmiId);
  }
  const role = new ServiceRole(
    `${name}-image-builder-role`,
    {
      naming,
      iam,
      purpose: `${d}-image-builder`,
      services: ["ec2.amazonaws.com"],
      description: "Builds the Panintelligence dashboard image (EC2 Image Builder build instance)",
      managedPolicyArns: [
        "arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder",
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      ],
    },
    child,
  );
  const profile = new aws.iam.InstanceProfile(
    `${name}-image-builder-profile`,
    { name: naming.roleName(`${d}-image-builder`), role: role.roleName },
    child,
  );
  // The build instance only reaches out: package mirrors, GitHub, the toolchains, AWS APIs.
  const securityGroup = new aws.ec2.SecurityGroup(
    `${name}-image-builder-sg`,
    {
      namePrefix: `${physical("securityGroup", "image-builder")}-`,
      description: "Panintelligence image build instance: outbound HTTP and HTTPS only",
      vpcId: args.vpcId,
    },
    child,
  );
  for (const port of [80, 443]) {
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-image-builder-egress-${port}`,
      {
        securityGroupId: securityGroup.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: "0.0.0.0/0",
        description: port === 443 ? "HTTPS: AWS APIs, GitHub, toolchains" : "HTTP: Ubuntu package mirrors",
      },
      child,
    );
  }
  const document = imageComponentDocument();
  const component = new aws.imagebuilder.Component(
    `${name}-image-component`,
    {
      name: physical("generic", "boot-tools"),
      description: "amazon-efs-utils and jq for the dashboard's boot",
      platform: "Linux",
      version: contentVersion(document),
      // Build steps, no secret: Image Builder's own key (the deployment's key admits only the
      // services that hold its data).
      data: document,
      supportedOsVersions: ["Ubuntu 20", "Ubuntu 22", "Ubuntu 24"],
    },
    child,
  );
  const awsComponent = (componentName: string) =>
    pulumi.interpolate`arn:${partition}:imagebuilder:${region}:aws:component/${componentName}/x.x.x`;
  const recipeShape = JSON.stringify({
    parent: s.instances.amiId,
    document,
    aws: DEFAULT_IMAGE.awsComponents,
    root: [s.instances.rootDeviceName, s.instances.rootVolumeSizeGiB],
  });
  const recipe = new aws.imagebuilder.ImageRecipe(
    `${name}-image-recipe`,
    {
      name: physical("generic", "dashboard-image"),
      description: "The Panintelligence Marketplace image with the dashboard's boot tools",
      parentImage: s.instances.amiId,
      version: contentVersion(recipeShape),
      components: [
        ...DEFAULT_IMAGE.awsComponents.map((c) => ({ componentArn: awsComponent(c) })),
        { componentArn: component.arn },
      ],
      blockDeviceMappings: [
        {
          deviceName: s.instances.rootDeviceName,
          ebs: {
            volumeSize: s.instances.rootVolumeSizeGiB,
            volumeType: "gp3",
            // The account's EBS key: Image Builder's service-linked role may use it. The launch
            // template re-encrypts each instance's volume with ebsKmsKeyArn when one is given.
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
    },
    child,
  );
  const infrastructure = new aws.imagebuilder.InfrastructureConfiguration(
    `${name}-image-infrastructure`,
    {
      name: physical("generic", "image-build"),
      description: "Build instance of the Panintelligence dashboard image (private subnet, via NAT)",
      instanceProfileName: profile.name,
      instanceTypes: [s.image.buildInstanceType],
      subnetId: args.image?.buildSubnetId ?? args.privateSubnetIds[0],
      securityGroupIds: [securityGroup.id],
      terminateInstanceOnFailure: true,
      instanceMetadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
    },
    child,
  );
  const image = new aws.imagebuilder.Image(
    `${name}-image`,
    {
      imageRecipeArn: recipe.arn,
      infrastructureConfigurationArn: infrastructure.arn,
      enhancedImageMetadataEnabled: true,
      imageTestsConfiguration: { imageTestsEnabled: true, timeoutMinutes: 60 },
    },
    // The build compiles amazon-efs-utils: allow it the time.
    { parent, customTimeouts: { create: "120m" } },
  );
  // Optional all the way: a preview knows no output yet.
  return image.outputResources.apply((resources) => resources?.[0]?.amis?.[0]?.image ?? "");
}
