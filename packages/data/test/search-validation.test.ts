import { strict as assert } from "node:assert";

import { Naming } from "@tdp/core";

import type { SearchDomainArgs } from "../src";
import {
  maxVolumeSizeGiB,
  normalizeSearchInstanceType,
  searchSettingsProblems,
  validateSearchDomainArgs,
  validateSearchSettings,
} from "../src";

describe("OpenSearch settings validation", () => {
  it("maps the seed's .elasticsearch names to .search and keeps .search names", () => {
    assert.equal(
      normalizeSearchInstanceType("masterInstanceType", "t3.medium.elasticsearch"),
      "t3.medium.search",
    );
    assert.equal(
      normalizeSearchInstanceType("dataInstanceType", "m5.large.elasticsearch"),
      "m5.large.search",
    );
    assert.equal(normalizeSearchInstanceType("dataInstanceType", "r6g.2xlarge.search"), "r6g.2xlarge.search");
  });

  it("accepts the defaults over 3 zones and over 2 with an even data node count", () => {
    assert.deepEqual(searchSettingsProblems({}, 3), []);
    assert.deepEqual(searchSettingsProblems({ dataInstanceCount: 4 }, 2), []);
    validateSearchSettings({ volumeSizeGiB: 512, snapshotIntervalHours: 24 }, 3);
  });

  const bad: [string, Parameters<typeof searchSettingsProblems>[0], number, string, RegExp][] = [
    [
      "the seed's m4 data nodes (previous generation, no gp3)",
      { dataInstanceType: "m4.large.elasticsearch" },
      3,
      "dataInstanceType",
      /^dataInstanceType "m4\.large\.elasticsearch": m4 is a previous-generation OpenSearch family without gp3 volumes; use m5\.large\.search \(or m6g\.large\.search on Graviton\)$/,
    ],
    [
      "t2 masters",
      { masterInstanceType: "t2.medium.elasticsearch" },
      3,
      "masterInstanceType",
      /^masterInstanceType "t2\.medium\.elasticsearch": t2 is a previous-generation OpenSearch family without gp3 volumes; use t3\.medium\.search$/,
    ],
    [
      "an unknown family",
      { dataInstanceType: "x9.large.search" },
      3,
      "dataInstanceType",
      /^dataInstanceType "x9\.large\.search": unknown instance family "x9"; use one of c5, c6g, c7g, m5, m6g, m7g, r5, r6g, r7g, t3$/,
    ],
    [
      "an EC2 name without the service suffix",
      { dataInstanceType: "m5.large" },
      3,
      "dataInstanceType",
      /^dataInstanceType "m5\.large" is not an OpenSearch instance type \(<family>\.<size>\.search/,
    ],
    [
      "an instance-store family",
      { dataInstanceType: "i3.large.search" },
      3,
      "dataInstanceType",
      /i3 keeps data on instance storage; this domain uses gp3 EBS volumes/,
    ],
    [
      "a size the family lacks",
      { dataInstanceType: "t3.2xlarge.search" },
      3,
      "dataInstanceType",
      /^dataInstanceType "t3\.2xlarge\.search": t3 has no size "2xlarge" in OpenSearch Service; sizes: small, medium$/,
    ],
    [
      "the seed's 2 data nodes (fewer than 3)",
      { dataInstanceCount: 2 },
      2,
      "dataInstanceCount",
      /^dataInstanceCount 2 must be a whole number from 3 to 80 \(FSBP Opensearch\.6 asks for at least 3 data nodes\)$/,
    ],
    [
      "data nodes not a multiple of the zones",
      { dataInstanceCount: 4 },
      3,
      "dataInstanceCount",
      /^dataInstanceCount 4 is not a multiple of the 3 availability zones the domain spans; use 3 or 6$/,
    ],
    [
      "5 data nodes over 2 zones",
      { dataInstanceCount: 5 },
      2,
      "dataInstanceCount",
      /^dataInstanceCount 5 is not a multiple of the 2 availability zones the domain spans; use 4 or 6$/,
    ],
    ["a single zone", {}, 1, "availabilityZoneCount", /^availabilityZoneCount 1 must be 2 or 3/],
    [
      "volume below 10 GiB",
      { volumeSizeGiB: 5 },
      3,
      "volumeSizeGiB",
      /^volumeSizeGiB 5 must be a whole number of GiB from 10 to 512 \(the EBS quota per m6g\.large\.search node\)$/,
    ],
    [
      "volume above the instance's quota",
      { dataInstanceType: "t3.medium.search", volumeSizeGiB: 500 },
      3,
      "volumeSizeGiB",
      /^volumeSizeGiB 500 must be a whole number of GiB from 10 to 200 \(the EBS quota per t3\.medium\.search node\)$/,
    ],
    [
      "a fractional volume",
      { volumeSizeGiB: 100.5 },
      3,
      "volumeSizeGiB",
      /^volumeSizeGiB 100\.5 must be a whole number of GiB/,
    ],
    [
      "two masters",
      { masterInstanceCount: 2 },
      3,
      "masterInstanceCount",
      /^masterInstanceCount 2 must be 3 or 5 dedicated master nodes .*FSBP ES\.7/,
    ],
    [
      "a backup interval not dividing 24",
      { snapshotIntervalHours: 5 },
      3,
      "snapshotIntervalHours",
      /^snapshotIntervalHours 5 must be a whole number of hours dividing 24 \(1, 2, 3, 4, 6, 8, 12 or 24\)/,
    ],
    [
      "a backup interval above a day",
      { snapshotIntervalHours: 48 },
      3,
      "snapshotIntervalHours",
      /^snapshotIntervalHours 48 must be a whole number of hours dividing 24/,
    ],
    [
      "a zero backup interval",
      { snapshotIntervalHours: 0 },
      3,
      "snapshotIntervalHours",
      /^snapshotIntervalHours 0 /,
    ],
    [
      "retention keeping too many snapshots",
      { snapshotIntervalHours: 1, snapshotRetentionDays: 60 },
      3,
      "snapshotRetentionDays",
      /^snapshotRetentionDays 60 at one snapshot every 1 h keeps 60 × 24 \/ 1 = 1440 snapshots; keep at most 1000/,
    ],
    [
      "no minimum snapshots",
      { minimumSnapshots: 0 },
      3,
      "minimumSnapshots",
      /^minimumSnapshots 0 must be a whole number from 1 to 100/,
    ],
    [
      "an Elasticsearch engine",
      { engineVersion: "Elasticsearch_7.10" },
      3,
      "engineVersion",
      /^engineVersion "Elasticsearch_7\.10" must be OpenSearch_<major>\.<minor>, 2\.x or later/,
    ],
    [
      "a base path with a leading slash",
      { snapshotBasePath: "/opensearch" },
      3,
      "snapshotBasePath",
      /^snapshotBasePath "\/opensearch" must be a relative S3 prefix/,
    ],
  ];
  for (const [what, settings, zones, path, message] of bad) {
    it(`rejects ${what}`, () => {
      const problems = searchSettingsProblems(settings, zones);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.equal(problems[0]!.path, path);
      assert.match(problems[0]!.message, message);
      assert.throws(
        () => validateSearchSettings(settings, zones),
        (e: Error) => message.test(e.message),
      );
    });
  }

  it("reports every problem at once", () => {
    const problems = searchSettingsProblems(
      { dataInstanceCount: 4, volumeSizeGiB: 9999, snapshotIntervalHours: 7 },
      3,
    );
    assert.deepEqual(
      problems.map((p) => p.path),
      ["dataInstanceCount", "volumeSizeGiB", "snapshotIntervalHours"],
    );
  });

  it("knows the volume quota of each size", () => {
    assert.equal(maxVolumeSizeGiB("r6g.large.search"), 1024);
    assert.equal(maxVolumeSizeGiB("c5.large.elasticsearch"), 256);
    assert.equal(maxVolumeSizeGiB("t3.small.search"), 100);
  });
});

describe("SearchDomain arguments", () => {
  const base: SearchDomainArgs = {
    naming: new Naming({ infrastructureName: "acme-tdp" }),
    iam: {},
    region: "us-east-1",
    vpcId: "vpc-1",
    privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    availabilityZoneCount: 3,
    kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/k",
    logsKmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/l",
    snapshots: {
      bucketName: "acme-tdp-production-backup",
      bucketArn: "arn:aws:s3:::acme-tdp-production-backup",
      bucketKmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/b",
    },
  };
  const cases: [string, Partial<SearchDomainArgs>, RegExp][] = [
    [
      "a domain name too long",
      { domainName: "a-very-long-search-domain-name-x" },
      /^domainName "a-very-long-search-domain-name-x" must be 3 to 28 lowercase/,
    ],
    [
      "a domain name with capitals",
      { domainName: "Search" },
      /^domainName "Search" must be 3 to 28 lowercase/,
    ],
    [
      "an off-peak hour of 24",
      { offPeakWindowStartHourUtc: 24 },
      /^offPeakWindowStartHourUtc 24 must be a whole hour from 0 to 23$/,
    ],
    [
      "a repository name with capitals",
      { snapshots: { ...base.snapshots, repositoryName: "TDP" } },
      /^snapshots\.repositoryName "TDP" must be lowercase letters, digits, _ and -$/,
    ],
    [
      "a bad bucket name",
      { snapshots: { ...base.snapshots, bucketName: "Backup_Bucket" } },
      /^snapshots\.bucketName "Backup_Bucket" is not a valid S3 bucket name/,
    ],
    [
      "a snapshot interval of 7 hours",
      { snapshots: { ...base.snapshots, intervalHours: 7 } },
      /^snapshotIntervalHours 7 must be a whole number of hours dividing 24/,
    ],
    [
      "data nodes over 2 zones",
      { availabilityZoneCount: 2, dataInstanceCount: 3 },
      /^dataInstanceCount 3 is not a multiple of the 2 availability zones/,
    ],
  ];
  for (const [what, overrides, message] of cases) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => validateSearchDomainArgs({ ...base, ...overrides }),
        (e: Error) => message.test(e.message),
      );
    });
  }
  it("accepts the defaults", () => {
    validateSearchDomainArgs(base);
  });
});
