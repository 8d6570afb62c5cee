import { acmDnsValidation, acmKeyLength } from "../../src/services/acm";
import { res, type PolicyCase } from "../harness";

const certificate = (inputs: Record<string, unknown> = {}) =>
  res("aws:acm/certificate:Certificate", "web-certificate", {
    domainName: "tdp.example.com",
    keyAlgorithm: "RSA_2048",
    validationMethod: "DNS",
    ...inputs,
  });

export const acmCases: PolicyCase[] = [
  {
    policy: acmKeyLength,
    passes: [
      [certificate()],
      [certificate({ keyAlgorithm: undefined })],
      [certificate({ keyAlgorithm: "EC_prime256v1" })],
      [certificate({ keyAlgorithm: "RSA_4096" })],
    ],
    fails: [
      {
        fixture: [certificate({ keyAlgorithm: "RSA_1024" })],
        message:
          /certificate web-certificate asks for a 1024-bit RSA key \(RSA_1024\)\. .*deprecated by NIST/,
      },
    ],
  },
  {
    policy: acmDnsValidation,
    passes: [
      [certificate()],
      // Imported certificates are not validated by ACM.
      [
        res("aws:acm/certificate:Certificate", "imported", {
          privateKey: "[secret]",
          certificateBody: "-----BEGIN CERTIFICATE-----",
        }),
      ],
    ],
    fails: [
      {
        fixture: [certificate({ validationMethod: "EMAIL" })],
        message: /certificate web-certificate validates by EMAIL, not DNS/,
      },
    ],
  },
];
