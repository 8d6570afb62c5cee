import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface DnsValidatedCertificateArgs {
  domainName: pulumi.Input<string>;
  /** More names on the certificate, each validated by its own record. @default none */
  subjectAlternativeNames?: string[];
  /** ACM's key algorithm (RSA_2048, EC_prime256v1, ...). */
  keyAlgorithm: pulumi.Input<string>;
  /** The public hosted zone the validation records go in. */
  zoneId: pulumi.Input<string>;
  /**
   * The logical name of each name's validation record, by position (the domain name first).
   * @default `${name}-certificate-validation-record` for a certificate of one name
   */
  recordName?: (index: number) => string;
  /** Options of the certificate and its validation only (a us-east-1 provider for CloudFront). */
  certificateOptions?: pulumi.CustomResourceOptions;
}

/** A DNS validation option as ACM lists them on the certificate. */
export interface DnsValidationOption {
  domainName: string;
  resourceRecordName: string;
  resourceRecordType: string;
  resourceRecordValue: string;
}

/**
 * The option of `domainName` among ACM's (matched by name: ACM does not promise their order);
 * throws when ACM listed none for it.
 */
export function validationOptionFor<T extends DnsValidationOption>(options: T[], domainName: string): T {
  const found = options.find((o) => o.domainName === domainName);
  if (!found) {
    throw new Error(`ACM returned no DNS validation option for ${domainName}`);
  }
  return found;
}

/**
 * An ACM certificate validated by DNS: the certificate `${name}-certificate`, one Route 53 record
 * per name (matched by domain name: ACM does not promise the options' order), and the validation
 * `${name}-certificate-validation` that waits until ACM issues it. Returns the validated ARN.
 */
export function dnsValidatedCertificate(
  name: string,
  args: DnsValidatedCertificateArgs,
  opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
  const certificateOpts = { ...opts, ...args.certificateOptions };
  const certificate = new aws.acm.Certificate(
    `${name}-certificate`,
    {
      domainName: args.domainName,
      ...(args.subjectAlternativeNames === undefined
        ? {}
        : { subjectAlternativeNames: args.subjectAlternativeNames }),
      validationMethod: "DNS",
      keyAlgorithm: args.keyAlgorithm,
    },
    certificateOpts,
  );
  const names: pulumi.Input<string>[] = [args.domainName, ...(args.subjectAlternativeNames ?? [])];
  const recordName = args.recordName ?? (() => `${name}-certificate-validation-record`);
  const records = names.map((host, index) => {
    const option = pulumi
      .all([certificate.domainValidationOptions, host])
      .apply(([options, wanted]) => validationOptionFor(options, wanted));
    return new aws.route53.Record(
      recordName(index),
      {
        zoneId: args.zoneId,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 300,
        allowOverwrite: true,
      },
      opts,
    );
  });
  return new aws.acm.CertificateValidation(
    `${name}-certificate-validation`,
    { certificateArn: certificate.arn, validationRecordFqdns: records.map((r) => r.fqdn) },
    certificateOpts,
  ).certificateArn;
}
