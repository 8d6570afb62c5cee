import type { NodeGroupSpec } from "@tdp/eks-services";
import {
  DEFAULT_KUBERNETES_VERSION,
  DEFAULT_NODE_GROUP,
  DEFAULT_NODE_METADATA_HOP_LIMIT,
  DEFAULT_SERVICE_IPV4_CIDR,
  validateAdminRoleArns,
  validateAmiId,
  validateBucketPrefix,
  validateEndpointAccess,
  validateHopLimit,
  validateKeyPairName,
  validateKubernetesName,
  validateKubernetesVersion,
  validateNodeGroups,
  validateServiceIpv4Cidr,
  validateSupportType,
} from "@tdp/eks-services";
import { z } from "zod";

import { check } from "./check";

const nodeGroupSchema = z.strictObject({
  /** Label of the group; part of its physical name. */
  name: z.string(),
  /** Instance types, first preferred. */
  instanceTypes: z.array(z.string()).optional(),
  minSize: z.number().optional(),
  maxSize: z.number().optional(),
  /** Initial size; the cluster autoscaler owns it afterwards. */
  desiredSize: z.number().optional(),
  /** Encrypted gp3 root volume (GiB). */
  diskSizeGiB: z.number().optional(),
  capacityType: z.enum(["ON_DEMAND", "SPOT"], { message: 'must be "ON_DEMAND" or "SPOT"' }).optional(),
  /** The EKS-optimised image family (checked by the package). */
  amiType: z.string().optional(),
  /** Seed option "EKS worker AMI": a customer AMI for this group (overrides eks.amiId). */
  amiId: z.string().optional(),
  /** Seed pre-deployment task 7 for this group (overrides eks.keyPairName). */
  keyPairName: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
});

/**
 * `tdp:services.eks`: the EKS cluster (seed 001 Service Layer, post-deployment task 3 "EKS
 * endpoint access control" done in code, the planning options public/private endpoint, sizing and
 * EKS worker AMI, pre-deployment task 7 "EC2 KeyPair").
 */
export const eksSchema = z
  .strictObject({
    /** Kubernetes minor version (FSBP EKS.2: a version EKS supports). */
    kubernetesVersion: z.string().default(DEFAULT_KUBERNETES_VERSION),
    /** EKS upgrade policy: STANDARD upgrades when standard support ends; EXTENDED costs extra. */
    supportType: z.string().default("STANDARD"),
    /** The API endpoint: private always; a public one only on request, for listed networks. */
    endpoint: z
      .strictObject({
        publicAccess: z.boolean().default(false),
        publicAccessCidrs: z.array(z.string()).default([]),
      })
      .prefault({}),
    /** IAM roles given cluster-admin access entries. */
    adminRoleArns: z.array(z.string()).default([]),
    /** Kubernetes service address range. */
    serviceIpv4Cidr: z.string().default(DEFAULT_SERVICE_IPV4_CIDR),
    /** Managed node groups. */
    nodeGroups: z
      .array(nodeGroupSchema)
      .default(() => [{ ...DEFAULT_NODE_GROUP, instanceTypes: [...DEFAULT_NODE_GROUP.instanceTypes] }]),
    /** Seed "EKS worker AMI" option: a customer AMI for every group that names none. */
    amiId: z.string().optional(),
    /** Seed pre-deployment task 7: an existing EC2 key pair for every group that names none. */
    keyPairName: z.string().optional(),
    /** IMDSv2 hop limit of the nodes (1: pods cannot reach the node role). */
    metadataHopLimit: z.number().default(DEFAULT_NODE_METADATA_HOP_LIMIT),
    /**
     * CoreDNS as a managed EKS add-on. version: left out, EKS's default version for
     * kubernetesVersion; resolveConflictsOnCreate OVERWRITE takes over the self-managed CoreDNS;
     * resolveConflictsOnUpdate PRESERVE keeps what an administrator changed.
     */
    coreDns: z
      .strictObject({
        version: z
          .string()
          .regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, "must be an EKS add-on version such as v1.12.1-eksbuild.2")
          .optional(),
        resolveConflictsOnCreate: z.enum(["NONE", "OVERWRITE"]).default("OVERWRITE"),
        resolveConflictsOnUpdate: z.enum(["NONE", "OVERWRITE", "PRESERVE"]).default("PRESERVE"),
      })
      .prefault({}),
    /** IRSA roles for the platform's workloads. */
    workloads: z
      .strictObject({
        clusterAutoscaler: z.boolean().default(true),
        /** Data-processing workers: read/write on one prefix of the data layer's datalake bucket. */
        dataProcessing: z
          .strictObject({
            enabled: z.boolean().default(false),
            namespace: z.string().default("data-processing"),
            serviceAccount: z.string().default("worker"),
            prefix: z.string().default("processing/"),
          })
          .prefault({}),
      })
      .prefault({}),
  })
  .superRefine((eks, ctx) => {
    check(ctx, [], () => validateKubernetesVersion(eks.kubernetesVersion));
    check(ctx, [], () => validateSupportType(eks.supportType));
    check(ctx, [], () => validateEndpointAccess(eks.endpoint));
    check(ctx, [], () => validateAdminRoleArns(eks.adminRoleArns));
    check(ctx, [], () => validateServiceIpv4Cidr(eks.serviceIpv4Cidr));
    check(ctx, [], () => validateHopLimit(eks.metadataHopLimit));
    const amiOk = eks.amiId === undefined || check(ctx, [], () => validateAmiId(eks.amiId!));
    const keyOk =
      eks.keyPairName === undefined || check(ctx, [], () => validateKeyPairName(eks.keyPairName!));
    if (amiOk && keyOk) {
      check(ctx, [], () => validateNodeGroups(eksNodeGroups(eks)));
    }
    const data = eks.workloads.dataProcessing;
    if (data.enabled) {
      const base = ["workloads", "dataProcessing"];
      check(ctx, base, () => validateKubernetesName(data.namespace, "namespace"));
      check(ctx, base, () => validateKubernetesName(data.serviceAccount, "serviceAccount"));
      check(ctx, base, () => validateBucketPrefix(data.prefix, "prefix"));
    }
  });

export type EksConfig = z.output<typeof eksSchema>;

/** The upgrade policy as the component types it (the schema has checked the value). */
export function eksSupportType(eks: EksConfig): "STANDARD" | "EXTENDED" {
  return eks.supportType === "EXTENDED" ? "EXTENDED" : "STANDARD";
}

/** The node groups with the section-wide AMI and key pair applied where a group names none. */
export function eksNodeGroups(eks: EksConfig): NodeGroupSpec[] {
  return eks.nodeGroups.map((group) => ({
    ...group,
    amiType: group.amiType as NodeGroupSpec["amiType"],
    amiId: group.amiId ?? (group.amiType === undefined ? eks.amiId : undefined),
    keyPairName: group.keyPairName ?? eks.keyPairName,
  }));
}
