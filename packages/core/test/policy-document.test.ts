import { strict as assert } from "node:assert";

import * as pulumi from "@pulumi/pulumi";

import {
  allow,
  denyInsecureTransport,
  objectsArn,
  policyDocument,
  policyJson,
  serviceTrustPolicy,
} from "../src/policy-document";

const resolved = <T>(output: pulumi.Output<T>): Promise<T> => new Promise((resolve) => output.apply(resolve));

const BUCKET = "arn:aws:s3:::acme-tdp-data";

describe("IAM policy document helpers", () => {
  it("policyDocument wraps statements in the 2012-10-17 version", () => {
    assert.deepEqual(policyDocument(allow("s3:GetObject", BUCKET)), {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: BUCKET }],
    });
  });

  it("allow takes actions, resources and extra fields", () => {
    assert.deepEqual(
      allow(["kms:Decrypt"], "*", { Sid: "Use", Condition: { Bool: { "aws:SecureTransport": true } } }),
      {
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: "*",
        Sid: "Use",
        Condition: { Bool: { "aws:SecureTransport": true } },
      },
    );
  });

  it("serviceTrustPolicy: one service as a string, several as a list, the source account as a condition", () => {
    assert.deepEqual(serviceTrustPolicy(["lambda.amazonaws.com"]).Statement, [
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    assert.deepEqual(
      serviceTrustPolicy(["ec2.amazonaws.com", "ssm.amazonaws.com"], "111111111111").Statement,
      [
        {
          Effect: "Allow",
          Principal: { Service: ["ec2.amazonaws.com", "ssm.amazonaws.com"] },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
        },
      ],
    );
  });

  it("denyInsecureTransport denies non-TLS requests to the bucket and its objects", async () => {
    const statement = denyInsecureTransport(BUCKET);
    const json = JSON.parse(await resolved(policyJson(policyDocument(statement)))) as {
      Statement: Record<string, unknown>[];
    };
    assert.deepEqual(json.Statement, [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [BUCKET, `${BUCKET}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("policyJson resolves outputs anywhere in the document; objectsArn names every object", async () => {
    const arn = pulumi.output(BUCKET);
    const text = await resolved(
      policyJson(
        policyDocument(
          allow("s3:PutObject", [objectsArn(arn)], {
            Principal: { AWS: pulumi.output("arn:aws:iam::111111111111:root") },
          }),
        ),
      ),
    );
    assert.equal(
      text,
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":["arn:aws:s3:::acme-tdp-data/*"],"Principal":{"AWS":"arn:aws:iam::111111111111:root"}}]}',
    );
  });
});
