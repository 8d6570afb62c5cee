import { SignatureV4 } from "@smithy/signature-v4";
import { SignedClient } from "@tdp/core/lambda-runtime";

import type { Credentials } from "./client";
import { Sha256 } from "./client";

/** Reads one SSM parameter's value; undefined when the parameter does not exist. */
export type ParameterReader = (name: string) => Promise<string | undefined>;

/**
 * SSM `GetParameter` (JSON 1.1 protocol, SigV4 service `ssm`) with the signer the domain client
 * uses: one call does not justify bundling the SDK's SSM client into the function. In the VPC the
 * regional host name resolves to the SSM interface endpoint (private DNS).
 */
export class ParameterStoreClient extends SignedClient {
  constructor(endpoint: URL, region: string, credentials: Credentials, timeoutMs = 30_000) {
    super(new SignatureV4({ service: "ssm", region, credentials, sha256: Sha256 }), "SSM GetParameter", {
      endpoint,
      timeoutMs,
    });
  }

  /** The regional endpoint, `https://ssm.<region>.amazonaws.com/`. */
  static regional(region: string, credentials: Credentials): ParameterStoreClient {
    return new ParameterStoreClient(new URL(`https://ssm.${region}.amazonaws.com/`), region, credentials);
  }

  /** The parameter's value, undefined for ParameterNotFound; any other error throws with the answer. */
  async getParameter(name: string): Promise<string | undefined> {
    const payload = JSON.stringify({ Name: name, WithDecryption: false });
    const { status, text: body } = await this.send({
      method: "POST",
      path: "/",
      body: payload,
      contentType: "application/x-amz-json-1.1",
      headers: { "x-amz-target": "AmazonSSM.GetParameter" },
    });
    let json: { Parameter?: { Value?: string }; __type?: string; message?: string } | undefined;
    try {
      json = JSON.parse(body) as typeof json;
    } catch {
      json = undefined;
    }
    if (status === 200 && typeof json?.Parameter?.Value === "string") {
      return json.Parameter.Value;
    }
    // `__type` is `ParameterNotFound` or `com.amazonaws.ssm#ParameterNotFound`.
    if (status === 400 && /(^|#)ParameterNotFound$/.test(json?.__type ?? "")) {
      return undefined;
    }
    throw new Error(`SSM GetParameter ${name} failed with HTTP ${status}: ${body.slice(0, 1000)}`);
  }
}
