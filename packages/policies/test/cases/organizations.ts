import {
  organizationKeys,
  organizationPoliciesOwnPrefix,
  roleAliasCredentialDuration,
} from "../../src/services/organizations";
import type { PlanResource } from "../../src/plan-file";
import { res, urnOf, type PolicyCase } from "../harness";

const ORG = "tdp:organizations:Organization";
const LAKE = "arn:aws:s3:::acme-tdp-production-datalake";

/** An organization component and its children, as @tdp/organizations registers them. */
function organization(
  slug: string,
  statements: object[],
  key: Record<string, unknown> = {},
  keyOptions: { protect?: boolean } = { protect: true },
  extraKeys = 0,
): PlanResource[] {
  const component = { ...res(ORG, `org-${slug}`, { orgSlug: slug }), custom: false };
  const parent = urnOf(ORG, `org-${slug}`);
  const keys = Array.from({ length: 1 + extraKeys }, (_, i) =>
    res(
      "aws:kms/key:Key",
      `org-${slug}-key${i === 0 ? "" : i}`,
      {
        enableKeyRotation: true,
        rotationPeriodInDays: 365,
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        ...key,
      },
      { parent, protect: keyOptions.protect },
    ),
  );
  return [
    component,
    ...keys,
    res(
      "aws:iam/policy:Policy",
      `org-${slug}-athena-policy`,
      {
        name: `ts-athena-us-east-1-production-${slug}-policy`,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
      },
      { parent },
    ),
  ];
}

const ownRead = (slug: string) => ({
  Sid: "S3Access",
  Effect: "Allow",
  Action: ["s3:GetObject"],
  Resource: `${LAKE}/${slug}/*`,
});
const ownList = (slug: string) => ({
  Sid: "S3ListOwnPrefix",
  Effect: "Allow",
  Action: "s3:ListBucket",
  Resource: LAKE,
  Condition: { StringLike: { "s3:prefix": [`${slug}/`, `${slug}/*`] } },
});
const location = {
  Sid: "S3BucketLocation",
  Effect: "Allow",
  Action: "s3:GetBucketLocation",
  Resource: [LAKE],
};

function roleAlias(duration: number | undefined): PlanResource[] {
  return [
    res("aws:iot/roleAlias:RoleAlias", "org-acme-role-alias", {
      alias: "ts-datahub-production-acme",
      roleArn: "arn:aws:iam::111111111111:role/r",
      credentialDuration: duration,
    }),
  ];
}

export const organizationsCases: PolicyCase[] = [
  {
    policy: organizationPoliciesOwnPrefix,
    passes: [
      [
        ...organization("acme", [ownRead("acme"), ownList("acme"), location]),
        ...organization("beta", [ownRead("beta")]),
      ],
      // Statements that deny, or touch no S3, are not grants to a prefix.
      organization("acme", [
        { Effect: "Deny", Action: "s3:*", Resource: "*" },
        { Effect: "Allow", Action: "glue:GetTable", Resource: "*" },
      ]),
    ],
    fails: [
      {
        fixture: organization("acme", [{ ...ownRead("acme"), Resource: `${LAKE}/beta/*` }]),
        message:
          /organization acme: org-acme-athena-policy statement S3Access reaches .*datalake\/beta\/\*, outside the prefix acme\//,
      },
      {
        fixture: organization("acme", [{ ...ownRead("acme"), Resource: `${LAKE}/*` }]),
        message: /reaches .*datalake\/\*, outside the prefix acme\//,
      },
      {
        fixture: organization("acme", [{ ...ownRead("acme"), Resource: "*" }]),
        message: /statement S3Access grants s3:GetObject on every resource/,
      },
      {
        fixture: organization("acme", [{ ...ownList("acme"), Condition: undefined }]),
        message: /lists arn:aws:s3:::acme-tdp-production-datalake beyond the prefix acme\//,
      },
      {
        fixture: organization("acme", [
          { ...ownList("acme"), Condition: { StringLike: { "s3:prefix": ["acme/", "beta/"] } } },
        ]),
        message: /lists .* beyond the prefix acme\//,
      },
      {
        // "acme-labs/" is not under "acme/": prefixes compare with their slash.
        fixture: organization("acme", [{ ...ownRead("acme"), Resource: `${LAKE}/acme-labs/*` }]),
        message: /outside the prefix acme\//,
      },
    ],
  },
  {
    policy: organizationKeys,
    passes: [organization("acme", [ownRead("acme")])],
    fails: [
      {
        fixture: organization("acme", [], { enableKeyRotation: false }),
        message: /organization acme's key org-acme-key does not rotate/,
      },
      {
        fixture: organization("acme", [], { rotationPeriodInDays: 730 }),
        message: /rotates every 730 days, less often than yearly/,
      },
      {
        fixture: organization("acme", [], {}, { protect: false }),
        message: /organization acme's key org-acme-key is not protected from deletion/,
      },
      {
        fixture: organization("acme", [], {}, { protect: true }, 1),
        message: /organization acme has 2 keys of its own, not one/,
      },
      {
        fixture: organization("acme", []).filter((r) => r.type !== "aws:kms/key:Key"),
        message: /organization acme has 0 keys of its own, not one/,
      },
    ],
  },
  {
    policy: roleAliasCredentialDuration,
    passes: [roleAlias(3600), roleAlias(900), roleAlias(undefined)],
    fails: [
      {
        fixture: roleAlias(7200),
        message: /role alias ts-datahub-production-acme issues credentials for 7200 seconds, over 3600/,
      },
    ],
  },
];
