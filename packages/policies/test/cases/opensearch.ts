import {
  opensearchEncryptedAtRest,
  opensearchEncryptedInTransit,
  opensearchFineGrainedAccess,
  opensearchHighAvailability,
  opensearchInVpc,
  opensearchLogging,
} from "../../src/services/opensearch";
import { KEY_ARN } from "../fixtures";
import { res, type PolicyCase } from "../harness";

const LOG_GROUP = "arn:aws:logs:us-east-1:111111111111:log-group:/tdp/search";

/** A domain as @tdp/data's Search registers it; `type` picks the provider's resource type. */
function domain(inputs: Record<string, unknown> = {}, type = "aws:opensearch/domain:Domain") {
  return [
    res(
      type,
      "search-domain",
      {
        domainName: "tdp-search",
        engineVersion: "OpenSearch_2.17",
        clusterConfig: {
          instanceType: "r7g.large.search",
          instanceCount: 3,
          dedicatedMasterEnabled: true,
          dedicatedMasterType: "m7g.large.search",
          dedicatedMasterCount: 3,
          zoneAwarenessEnabled: true,
          zoneAwarenessConfig: { availabilityZoneCount: 3 },
        },
        vpcOptions: { subnetIds: ["subnet-a", "subnet-b", "subnet-c"], securityGroupIds: ["sg-1"] },
        encryptAtRest: { enabled: true, kmsKeyId: KEY_ARN },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
        advancedSecurityOptions: {
          enabled: true,
          anonymousAuthEnabled: false,
          internalUserDatabaseEnabled: false,
          masterUserOptions: { masterUserArn: "arn:aws:iam::111111111111:role/search-master" },
        },
        logPublishingOptions: [
          "ES_APPLICATION_LOGS",
          "INDEX_SLOW_LOGS",
          "SEARCH_SLOW_LOGS",
          "AUDIT_LOGS",
        ].map((logType) => ({ logType, enabled: true, cloudwatchLogGroupArn: `${LOG_GROUP}/${logType}` })),
        ...inputs,
      },
      { protect: true },
    ),
  ];
}

const legacy = domain(
  { domainName: "tdp-es", engineVersion: undefined, elasticsearchVersion: "7.10" },
  "aws:elasticsearch/domain:Domain",
);

export const opensearchCases: PolicyCase[] = [
  {
    policy: opensearchEncryptedAtRest,
    passes: [domain(), legacy, domain({ encryptAtRest: { enabled: true, kmsKeyId: "[unknown]" } })],
    fails: [
      {
        fixture: domain({ encryptAtRest: undefined }),
        message: /domain tdp-search does not encrypt at rest/,
      },
      {
        fixture: domain({ encryptAtRest: { enabled: true } }, "aws:elasticsearch/domain:Domain"),
        message: /encrypts at rest with the AWS-managed key/,
      },
    ],
  },
  {
    policy: opensearchInVpc,
    passes: [domain(), legacy, domain({ vpcOptions: { subnetIds: "[unknown]" } })],
    fails: [
      { fixture: domain({ vpcOptions: undefined }), message: /domain tdp-search has a public endpoint/ },
      { fixture: domain({ vpcOptions: { subnetIds: [] } }), message: /has a public endpoint/ },
    ],
  },
  {
    policy: opensearchEncryptedInTransit,
    passes: [
      domain(),
      legacy,
      domain({
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-2019-07" },
      }),
    ],
    fails: [
      {
        fixture: domain({ nodeToNodeEncryption: { enabled: false } }),
        message: /does not encrypt node-to-node traffic/,
      },
      {
        fixture: domain({ domainEndpointOptions: { tlsSecurityPolicy: "Policy-Min-TLS-1-2-2019-07" } }),
        message: /accepts plain HTTP/,
      },
      {
        fixture: domain({ domainEndpointOptions: { enforceHttps: true } }),
        message: /accepts TLS older than 1.2 \(the default Policy-Min-TLS-1-0-2019-07\)/,
      },
      {
        fixture: legacy.map((r) => ({
          ...r,
          inputs: {
            ...r.inputs,
            domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-0-2019-07" },
          },
        })),
        message: /domain tdp-es accepts TLS older than 1.2 \(Policy-Min-TLS-1-0-2019-07\)/,
      },
    ],
  },
  {
    policy: opensearchLogging,
    passes: [domain(), legacy],
    fails: [
      {
        fixture: domain({ logPublishingOptions: undefined }),
        message: /does not publish ES_APPLICATION_LOGS, AUDIT_LOGS/,
      },
      {
        fixture: domain({
          logPublishingOptions: [
            { logType: "ES_APPLICATION_LOGS", cloudwatchLogGroupArn: LOG_GROUP },
            { logType: "AUDIT_LOGS", enabled: false, cloudwatchLogGroupArn: LOG_GROUP },
          ],
        }),
        message: /domain tdp-search does not publish AUDIT_LOGS/,
      },
    ],
  },
  {
    policy: opensearchFineGrainedAccess,
    passes: [domain(), legacy],
    fails: [
      {
        fixture: domain({ advancedSecurityOptions: undefined }),
        message: /has no fine-grained access control/,
      },
      {
        fixture: domain({ advancedSecurityOptions: { enabled: true, anonymousAuthEnabled: true } }),
        message: /domain tdp-search allows anonymous access/,
      },
    ],
  },
  {
    policy: opensearchHighAvailability,
    passes: [
      domain(),
      legacy,
      domain({
        clusterConfig: { instanceCount: 6, zoneAwarenessEnabled: true, dedicatedMasterEnabled: true },
      }),
    ],
    fails: [
      {
        fixture: domain({ clusterConfig: { instanceType: "t3.small.search" } }),
        message: /has 1 data node\(s\), fewer than 3/,
      },
      {
        fixture: domain({
          clusterConfig: { instanceCount: 3, zoneAwarenessEnabled: false, dedicatedMasterEnabled: true },
        }),
        message: /does not spread its nodes over zones/,
      },
      {
        fixture: domain({
          clusterConfig: {
            instanceCount: 3,
            zoneAwarenessEnabled: true,
            dedicatedMasterEnabled: true,
            dedicatedMasterCount: 2,
          },
        }),
        message: /has 2 dedicated master node\(s\), fewer than 3/,
      },
      {
        fixture: domain({ clusterConfig: { instanceCount: 3, zoneAwarenessEnabled: true } }),
        message: /has no dedicated master nodes/,
      },
    ],
  },
];
