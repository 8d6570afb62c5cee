import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { validateEmail } from "./validation";

export interface SenderEmailArgs {
  /**
   * Seed SourceNotificationEmail: the "From" address of the platform's notification e-mails.
   * SES sends it a verification e-mail that a person must click; leaving the SES sandbox needs an
   * AWS support case (docs/operations.md).
   */
  sourceAddress: string;
}

export function validateSenderEmailArgs(args: SenderEmailArgs): void {
  validateEmail("sourceAddress", args.sourceAddress);
}

/** The SES e-mail identity for the notification sender (seed 001 pre-deployment task 9, in code). */
export class SenderEmail extends pulumi.ComponentResource {
  readonly identity: aws.sesv2.EmailIdentity;
  readonly sourceAddress: pulumi.Output<string>;
  readonly identityArn: pulumi.Output<string>;

  constructor(name: string, args: SenderEmailArgs, opts?: pulumi.ComponentResourceOptions) {
    validateSenderEmailArgs(args);
    super("tdp:data:SenderEmail", name, {}, opts);
    this.identity = new aws.sesv2.EmailIdentity(
      `${name}-identity`,
      { emailIdentity: args.sourceAddress },
      { parent: this },
    );
    this.sourceAddress = this.identity.emailIdentity;
    this.identityArn = this.identity.arn;
    this.registerOutputs({ sourceAddress: this.sourceAddress, identityArn: this.identityArn });
  }
}
