import {
  cloudtrailKmsEncryption,
  cloudtrailLogFileValidation,
  cloudtrailMultiRegion,
} from "../../src/services/cloudtrail";
import { KEY_ARN } from "../fixtures";
import { res, type PolicyCase } from "../harness";

/** A trail as @tdp/data's AuditTrail registers it. */
function trail(inputs: Record<string, unknown> = {}) {
  return [
    res("aws:cloudtrail/trail:Trail", "cloudtrail-trail", {
      name: "acme-tdp-production-trail",
      s3BucketName: "acme-tdp-production-cloudtrail",
      kmsKeyId: KEY_ARN,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      ...inputs,
    }),
  ];
}

export const cloudtrailCases: PolicyCase[] = [
  {
    policy: cloudtrailKmsEncryption,
    passes: [trail(), trail({ kmsKeyId: "[unknown]" })],
    fails: [
      {
        fixture: trail({ kmsKeyId: undefined }),
        message: /trail acme-tdp-production-trail writes its log files with S3's default encryption/,
      },
    ],
  },
  {
    policy: cloudtrailLogFileValidation,
    passes: [trail(), trail({ enableLogFileValidation: "[unknown]" })],
    fails: [
      {
        fixture: trail({ enableLogFileValidation: undefined }),
        message: /trail acme-tdp-production-trail does not validate its log files/,
      },
      { fixture: trail({ enableLogFileValidation: false }), message: /does not validate its log files/ },
    ],
  },
  {
    policy: cloudtrailMultiRegion,
    passes: [trail(), trail({ eventSelectors: [{ includeManagementEvents: true, readWriteType: "All" }] })],
    fails: [
      { fixture: trail({ isMultiRegionTrail: undefined }), message: /records one region only/ },
      { fixture: trail({ enableLogging: false }), message: /has logging turned off/ },
      {
        fixture: trail({ includeGlobalServiceEvents: false }),
        message: /leaves out global service events/,
      },
      {
        fixture: trail({ eventSelectors: [{ includeManagementEvents: true, readWriteType: "WriteOnly" }] }),
        message: /records only WriteOnly management events/,
      },
    ],
  },
];
