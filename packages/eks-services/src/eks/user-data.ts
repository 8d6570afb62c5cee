/**
 * nodeadm configuration for a customer AMI (the EKS-optimised images bootstrap themselves; a
 * custom image in a managed node group must be told where its cluster is).
 */
export function nodeadmUserData(cluster: {
  name: string;
  endpoint: string;
  certificateAuthority: string;
  serviceIpv4Cidr: string;
}): string {
  const document = [
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="//"',
    "",
    "--//",
    "Content-Type: application/node.eks.aws",
    "",
    "---",
    "apiVersion: node.eks.aws/v1alpha1",
    "kind: NodeConfig",
    "spec:",
    "  cluster:",
    `    name: ${cluster.name}`,
    `    apiServerEndpoint: ${cluster.endpoint}`,
    `    certificateAuthority: ${cluster.certificateAuthority}`,
    `    cidr: ${cluster.serviceIpv4Cidr}`,
    "",
    "--//--",
    "",
  ].join("\n");
  return Buffer.from(document).toString("base64");
}
