import * as pulumi from "@pulumi/pulumi";

import { createAlarmTopic, createAlarmTopicPolicy } from "./alarm-topic";
import type { BiDashboardArgs } from "./args";
import { rotationFunctionCode, syncFunctionCode } from "./bundle";
import { dashboardContext } from "./context";
import { createDatabase } from "./database";
import { createDbRotation } from "./db-rotation";
import { createBuckets } from "./deployment-buckets";
import { createDataKey } from "./encryption";
import { createVpcEndpoints } from "./endpoints";
import { createFileSystem } from "./file-system";
import { createDashboardImage } from "./image";
import { createAlarms } from "./alarms";
import { createInstances } from "./instances";
import { createLoadBalancer } from "./load-balancer";
import { createLogGroups, logGroupArnPatterns } from "./log-groups";
import { createRotationEvents } from "./rotation-events";
import { createScaling } from "./scaling";
import { createSecrets } from "./secrets";
import { createSecurityGroups, securityGroupFactories } from "./security-groups";
import { createSyncFunction } from "./sync-function";
import { validateBiDashboardArgs } from "./validation";

export { KEY_VIA_SERVICES } from "./encryption";
export { DB_LOG_EXPORTS } from "./log-groups";
export { rotationEventPattern } from "./rotation-events";

/**
 * The Panintelligence BI dashboard (seed 004), as the public CloudFormation project builds it and
 * without its defects: an ALB with TLS 1.2+ in front of an Auto
 * Scaling group of Marketplace-AMI instances (launch template, IMDSv2, encrypted gp3), RDS
 * MariaDB (Multi-AZ, KMS, 7+ days of backups) whose credentials live in Secrets Manager and
 * rotate every 30 days through the package's own rotation function (src/rotation), an instance refresh after each
 * rotation, EFS (KMS, TLS and access point required) shared by the instances and fed from an S3
 * bucket by a Lambda function, and the interface endpoints private instances need.
 */
export class BiDashboard extends pulumi.ComponentResource {
  /** https://<domainName or ALB DNS name>. */
  readonly url: pulumi.Output<string>;
  readonly albDnsName: pulumi.Output<string>;
  readonly albArn: pulumi.Output<string>;
  readonly asgName: pulumi.Output<string>;
  readonly launchTemplateId: pulumi.Output<string>;
  readonly dbEndpoint: pulumi.Output<string>;
  readonly dbAddress: pulumi.Output<string>;
  /** The DB credentials secret (engine, host, port, username, password, dbname). */
  readonly secretArn: pulumi.Output<string>;
  /** The licence secret, when a licence key was given. */
  readonly licenceSecretArn: pulumi.Output<string | undefined>;
  /** The bucket the sync function copies to EFS. */
  readonly bucketName: pulumi.Output<string>;
  readonly logBucketName: pulumi.Output<string>;
  readonly efsId: pulumi.Output<string>;
  readonly accessPointId: pulumi.Output<string>;
  readonly syncFunctionName: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly alarmTopicArn: pulumi.Output<string>;
  readonly instanceSecurityGroupId: pulumi.Output<string>;
  /** The AMI the instances launch from (the image pipeline's output, or image.prebuiltAmiId). */
  readonly imageId: pulumi.Output<string>;
  /** The master user's secret, created and rotated by RDS. */
  readonly masterSecretArn: pulumi.Output<string>;
  /** The instances' system and container logs. */
  readonly instanceLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: BiDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validated before the component registers: a bad argument leaves nothing behind.
    const s = validateBiDashboardArgs(args);
    // Bundled first too: a handler that does not build leaves nothing behind either.
    const syncCode = args.sync?.code ?? syncFunctionCode();
    const rotationCode = args.database?.rotationCode ?? rotationFunctionCode();
    super("tdp:bi-dashboard:BiDashboard", name, {}, opts);

    // The order of these calls is the order the resources register in, which the plans record.
    const ctx = dashboardContext(this, name, args, s);
    const keyArn = createDataKey(ctx, logGroupArnPatterns(ctx));
    const keyed = { ...ctx, keyArn };
    const logGroups = createLogGroups(keyed);
    const alarmTopic = createAlarmTopic(keyed);
    const securityGroups = securityGroupFactories(ctx);
    const groups = createSecurityGroups(ctx, securityGroups);
    createVpcEndpoints(ctx, securityGroups, groups);
    const buckets = createBuckets(keyed);
    const secrets = createSecrets(keyed);
    const fileSystem = createFileSystem(keyed, groups.efs.id);
    const database = createDatabase(keyed, groups.db.id, logGroups.db, secrets);
    const rotation = createDbRotation(keyed, groups.rotation.id, {
      logGroup: logGroups.rotation,
      dbSecret: secrets.db,
      database,
      code: rotationCode,
    });
    const { alb, targetGroup } = createLoadBalancer(ctx, groups.alb.id, buckets.log);
    const imageId = createDashboardImage(keyed);
    const instances = createInstances(keyed, groups.instances.id, {
      secrets,
      dbSecretValue: database.secretValue,
      fileSystem,
      targetGroup,
      imageId,
      logGroup: logGroups.instances,
      rotation,
    });
    createScaling(ctx, instances.asg);
    createAlarms(ctx, { alb, targetGroup, db: database.db, alarmTopicArn: alarmTopic.arn });
    const rotationFailedRule = createRotationEvents(ctx, {
      dbSecret: secrets.db,
      rotation,
      instances,
      alarmTopicArn: alarmTopic.arn,
    });
    if (alarmTopic.created) {
      createAlarmTopicPolicy(ctx, alarmTopic.created, rotationFailedRule.arn);
    }
    const syncFunction = createSyncFunction(keyed, groups.sync.id, {
      alarmTopicArn: alarmTopic.arn,
      logGroup: logGroups.sync,
      resourcesBucket: buckets.resources,
      fileSystem,
      instanceRoleArn: instances.role.arn,
      code: syncCode,
    });

    const lbArgs = s.loadBalancer;
    this.url =
      lbArgs.domainName !== undefined
        ? pulumi.output(`https://${lbArgs.domainName}`)
        : pulumi.interpolate`https://${alb.dnsName}`;
    this.albDnsName = alb.dnsName;
    this.albArn = alb.arn;
    this.asgName = instances.asg.name;
    this.launchTemplateId = instances.launchTemplate.id;
    this.dbEndpoint = database.db.endpoint;
    this.dbAddress = database.db.address;
    this.secretArn = secrets.db.arn;
    this.licenceSecretArn = secrets.licence ? secrets.licence.arn : pulumi.output(undefined);
    this.bucketName = buckets.resources.bucketName;
    this.logBucketName = buckets.log.bucketName;
    this.efsId = fileSystem.fileSystem.id;
    this.accessPointId = fileSystem.accessPoint.id;
    this.syncFunctionName = syncFunction.name;
    this.kmsKeyArn = keyArn;
    this.alarmTopicArn = alarmTopic.arn;
    this.instanceSecurityGroupId = groups.instances.id;
    this.imageId = pulumi.output(imageId);
    this.masterSecretArn = database.masterSecretArn;
    this.instanceLogGroupName = logGroups.instances.name;
    this.registerOutputs({
      url: this.url,
      albDnsName: this.albDnsName,
      asgName: this.asgName,
      dbEndpoint: this.dbEndpoint,
      secretArn: this.secretArn,
      bucketName: this.bucketName,
      efsId: this.efsId,
    });
  }
}
