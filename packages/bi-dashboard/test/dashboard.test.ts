import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";
import { Naming } from "@tdp/core";
import { offline } from "@tdp/offline";

import type { BiDashboardArgs } from "../src";
import { BiDashboard, SYNC_FOLDER_MAP, applicationSecret } from "../src";
import { goodArgs } from "./fixtures";

type Recording = Awaited<ReturnType<typeof offline.record>>;
type Recorded = Recording["resources"][number];

const LICENCE = "PI-LICENCE-0123456789-very-secret";
const SUBNETS = ["subnet-00000000000000a01", "subnet-00000000000000a02", "subnet-00000000000000a03"];

async function record(
  overrides: Partial<BiDashboardArgs> = {},
): Promise<{ rec: Recording; dashboard: BiDashboard }> {
  let dashboard: BiDashboard | undefined;
  const rec = await offline.record(() => {
    dashboard = new BiDashboard("bi", goodArgs(overrides));
  });
  return { rec, dashboard: dashboard! };
}

function one(rec: Recording, type: string, nameSuffix?: string): Recorded {
  const found = rec.ofType(type).filter((r) => nameSuffix === undefined || r.name.endsWith(nameSuffix));
  assert.equal(
    found.length,
    1,
    `expected one ${type}${nameSuffix ? ` named *${nameSuffix}` : ""}, got ${found.length}`,
  );
  return found[0]!;
}

function named(rec: Recording, name: string): Recorded {
  const found = rec.named(name);
  assert.ok(found, `no resource named ${name}`);
  return found as Recorded;
}

/** A policy document input, parsed (inputs hold it as JSON text). */
function policy(value: unknown): { Statement: Record<string, unknown>[] } {
  return (typeof value === "string" ? JSON.parse(value) : value) as { Statement: Record<string, unknown>[] };
}

/** Every statement of every inline policy of the ServiceRole whose purpose ends with `purpose`. */
function roleStatements(rec: Recording, component: string): Record<string, unknown>[] {
  return rec
    .ofType("aws:iam/rolePolicy:RolePolicy")
    .filter((r) => r.name.startsWith(`bi-${component}-`))
    .flatMap((r) => policy(r.inputs["policy"]).Statement);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** The ingress rules of the group with `role` (rules are named `bi-<role>-from-<client>`). */
function ingressOf(rec: Recording, role: string): Recorded[] {
  return rec
    .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    .filter((r) => r.name.startsWith(`bi-${role}-from-`));
}

describe("BiDashboard component", function () {
  let rec: Recording;
  let dashboard: BiDashboard;

  before(async () => {
    ({ rec, dashboard } = await record({
      licenceKey: pulumi.secret(LICENCE),
      loadBalancer: { domainName: "bi.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" },
    }));
  });

  describe("the public CloudFormation project's defects, each fixed", () => {
    it("Launch configuration, not launch template", () => {
      assert.equal(rec.ofType("aws:ec2/launchConfiguration:LaunchConfiguration").length, 0);
      const lt = one(rec, "aws:ec2/launchTemplate:LaunchTemplate");
      // The instances launch from the image pipeline's output, built on the Marketplace image.
      const image = one(rec, "aws:imagebuilder/image:Image");
      assert.match(String(lt.inputs["imageId"]), /^ami-[0-9a-f]{17}$/);
      assert.notEqual(lt.inputs["imageId"], "ami-0123456789abcdef0");
      assert.ok(lt.dependencies.includes(image.urn), "the template waits for the image build");
      assert.equal(lt.inputs["instanceType"], "t3.medium");
      const asg = one(rec, "aws:autoscaling/group:Group");
      const ltRef = asg.inputs["launchTemplate"] as Record<string, unknown>;
      assert.ok(ltRef["id"], "the group launches from the template");
      assert.equal(asg.inputs["launchConfiguration"], undefined);
    });

    it("IMDSv1 allowed", () => {
      const lt = one(rec, "aws:ec2/launchTemplate:LaunchTemplate");
      const md = lt.inputs["metadataOptions"] as Record<string, unknown>;
      assert.equal(md["httpTokens"], "required");
      assert.equal(md["httpEndpoint"], "enabled");
    });

    it("EBS encryption unspecified", () => {
      const lt = one(rec, "aws:ec2/launchTemplate:LaunchTemplate");
      const [root] = lt.inputs["blockDeviceMappings"] as Record<string, unknown>[];
      const ebs = root!["ebs"] as Record<string, unknown>;
      assert.equal(root!["deviceName"], "/dev/sda1");
      assert.equal(ebs["encrypted"], "true");
      assert.equal(ebs["volumeType"], "gp3");
      assert.equal(ebs["volumeSize"], 15);
      // No key named: EC2 uses the account's default EBS key (aws/ebs).
      assert.equal(ebs["kmsKeyId"], undefined);
    });

    it("EBS volumes on a customer-managed key when ebsKmsKeyArn is given", async () => {
      const key = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-0000000000eb";
      const { rec: r } = await record({ ebsKmsKeyArn: key });
      const lt = one(r, "aws:ec2/launchTemplate:LaunchTemplate");
      const [root] = lt.inputs["blockDeviceMappings"] as Record<string, unknown>[];
      const ebs = root!["ebs"] as Record<string, unknown>;
      assert.equal(ebs["kmsKeyId"], key);
      assert.equal(ebs["encrypted"], "true");
    });

    it("no public IP on the instances", () => {
      const lt = one(rec, "aws:ec2/launchTemplate:LaunchTemplate");
      const [nic] = lt.inputs["networkInterfaces"] as Record<string, unknown>[];
      assert.equal(nic!["associatePublicIpAddress"], "false");
    });

    it("ASG in one subnet only", () => {
      const asg = one(rec, "aws:autoscaling/group:Group");
      assert.deepEqual(asg.inputs["vpcZoneIdentifiers"], SUBNETS);
    });

    it("min=max=1 (scaling can never act)", () => {
      const asg = one(rec, "aws:autoscaling/group:Group");
      assert.equal(asg.inputs["minSize"], 1);
      assert.equal(asg.inputs["maxSize"], 5);
      assert.equal(asg.inputs["desiredCapacity"], 1);
      const policies = rec.ofType("aws:autoscaling/policy:Policy");
      assert.deepEqual(policies.map((p) => p.inputs["scalingAdjustment"]).sort(), [-1, 1]);
      for (const p of policies) {
        assert.equal(p.inputs["cooldown"], 300);
        assert.equal(p.inputs["adjustmentType"], "ChangeInCapacity");
      }
      const high = named(rec, "bi-cpu-high");
      const low = named(rec, "bi-cpu-low");
      assert.equal(high.inputs["threshold"], 70);
      assert.equal(high.inputs["comparisonOperator"], "GreaterThanThreshold");
      assert.equal(low.inputs["threshold"], 20);
      assert.equal(low.inputs["comparisonOperator"], "LessThanThreshold");
      for (const alarm of [high, low]) {
        assert.equal(alarm.inputs["metricName"], "CPUUtilization");
        assert.equal(alarm.inputs["statistic"], "Average");
        assert.equal(asList(alarm.inputs["alarmActions"]).length, 1);
      }
    });

    it("EC2 health checks only, so an instance the ALB marks unhealthy is never replaced", () => {
      const asg = one(rec, "aws:autoscaling/group:Group");
      assert.equal(asg.inputs["healthCheckType"], "ELB");
      assert.equal(asg.inputs["healthCheckGracePeriod"], 600);
      assert.equal(asList(asg.inputs["targetGroupArns"]).length, 1);
    });

    it("instance refresh when the launch template changes", () => {
      const asg = one(rec, "aws:autoscaling/group:Group");
      const refresh = asg.inputs["instanceRefresh"] as Record<string, unknown>;
      assert.equal(refresh["strategy"], "Rolling");
      const prefs = refresh["preferences"] as Record<string, unknown>;
      assert.equal(prefs["minHealthyPercentage"], 100);
      assert.equal(prefs["maxHealthyPercentage"], 200);
    });

    it("RDS publicly accessible", () => {
      const db = one(rec, "aws:rds/instance:Instance");
      assert.equal(db.inputs["publiclyAccessible"], false);
      assert.deepEqual(one(rec, "aws:rds/subnetGroup:SubnetGroup").inputs["subnetIds"], SUBNETS);
    });

    it("RDS storage unencrypted", () => {
      const db = one(rec, "aws:rds/instance:Instance");
      assert.equal(db.inputs["storageEncrypted"], true);
      assert.ok(db.inputs["kmsKeyId"]);
      assert.equal(db.inputs["storageType"], "gp3");
    });

    it("RDS 1-day backups", () => {
      const db = one(rec, "aws:rds/instance:Instance");
      assert.equal(db.inputs["backupRetentionPeriod"], 7);
    });

    it("RDS no deletion protection", () => {
      const db = one(rec, "aws:rds/instance:Instance");
      assert.equal(db.inputs["deletionProtection"], true);
      assert.equal(db.inputs["skipFinalSnapshot"], false);
      assert.equal(db.inputs["finalSnapshotIdentifier"], "acme-tdp-production-bi-db-final");
      assert.equal(db.protect, true);
      assert.equal(db.retainOnDelete, true);
    });

    it("RDS no engine version while the parameter group is pinned to 10.6", () => {
      const db = one(rec, "aws:rds/instance:Instance");
      assert.equal(db.inputs["engine"], "mariadb");
      assert.equal(db.inputs["engineVersion"], "11.4");
      assert.equal(db.inputs["instanceClass"], "db.t3.small");
      assert.equal(db.inputs["multiAz"], true);
      assert.equal(db.inputs["dbName"], "dashboard");
      const pg = one(rec, "aws:rds/parameterGroup:ParameterGroup");
      assert.equal(pg.inputs["family"], "mariadb11.4");
      const params = Object.fromEntries(
        (pg.inputs["parameters"] as Record<string, string>[]).map((p) => [p["name"], p["value"]]),
      );
      assert.deepEqual(params, {
        sql_mode: "NO_AUTO_VALUE_ON_ZERO",
        lower_case_table_names: "1",
        log_bin_trust_function_creators: "1",
        require_secure_transport: "1",
      });
      assert.equal(one(rec, "aws:rds/optionGroup:OptionGroup").inputs["majorEngineVersion"], "11.4");
    });

    it("RDS security group open to the whole VPC", () => {
      const rules = ingressOf(rec, "db");
      assert.equal(rules.length, 2);
      for (const rule of rules) {
        assert.equal(rule.inputs["fromPort"], 3306);
        assert.equal(
          rule.inputs["cidrIpv4"],
          undefined,
          "no CIDR: only the instances' and rotation's groups",
        );
        assert.ok(rule.inputs["referencedSecurityGroupId"]);
      }
    });

    it("The rotation Lambda cannot reach Secrets Manager", () => {
      const fn = named(rec, "bi-rotation");
      assert.equal(fn.inputs["runtime"], "nodejs22.x");
      assert.equal(fn.inputs["handler"], "index.handler");
      assert.deepEqual((fn.inputs["vpcConfig"] as Record<string, unknown>)["subnetIds"], SUBNETS);
      assert.equal(asList((fn.inputs["vpcConfig"] as Record<string, unknown>)["securityGroupIds"]).length, 1);
      assert.ok(fn.inputs["kmsKeyArn"]);
      assert.equal(fn.inputs["reservedConcurrentExecutions"], 2);
      assert.ok((fn.inputs["deadLetterConfig"] as Record<string, unknown>)["targetArn"]);
      // First and rotated passwords share one alphabet: letters, digits and - _ . only.
      const excluded = String(
        (fn.inputs["environment"] as { variables: Record<string, string> }).variables["EXCLUDE_CHARACTERS"],
      );
      for (const c of "$&;|()<>#!*?`'\"\\ {}[]~^%=+,:/@") {
        assert.ok(excluded.includes(c), `rotation may generate ${JSON.stringify(c)}`);
      }
      for (const c of "-_.aZ09") {
        assert.ok(!excluded.includes(c), `rotation never generates ${JSON.stringify(c)}`);
      }
      assert.equal(named(rec, "bi-db-password").inputs["overrideSpecial"], "-_.");
      const permission = named(rec, "bi-rotation-from-secrets-manager");
      assert.equal(permission.inputs["principal"], "secretsmanager.amazonaws.com");
      assert.match(String(permission.inputs["sourceArn"]), /:secret:acme-tdp-production-bi-db-/);
      assert.ok(permission.inputs["sourceAccount"]);
      const statements = roleStatements(rec, "rotation-role");
      const secretActions = statements.find((st) =>
        asList(st["Action"]).includes("secretsmanager:PutSecretValue"),
      )!;
      assert.match(String(secretActions["Resource"]), /:secret:acme-tdp-production-bi-db-/);
      for (const st of statements) {
        if (st["Resource"] === "*") {
          assert.ok(
            asList(st["Action"]).every(
              (a) => a === "secretsmanager:GetRandomPassword" || String(a).startsWith("ec2:"),
            ),
            JSON.stringify(st),
          );
        }
      }
      const rotationEgress = rec
        .ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
        .filter((r) => r.name.startsWith("bi-rotation-"));
      assert.deepEqual(rotationEgress.map((r) => r.inputs["fromPort"]).sort(), [3306, 443]);
      assert.equal(named(rec, "bi-rotation-to-endpoints").inputs["cidrIpv4"], "10.40.0.0/16");
      // The endpoints' own group admits the rotation function (the reference's admitted only the instances).
      assert.ok(named(rec, "bi-endpoints-from-rotation"));
      const rotation = one(rec, "aws:secretsmanager/secretRotation:SecretRotation");
      assert.deepEqual(rotation.inputs["rotationRules"], { automaticallyAfterDays: 30 });
      assert.equal(
        rotation.inputs["rotationLambdaArn"],
        "arn:aws:lambda:us-east-1:111111111111:function:acme-tdp-production-bi-db-rotation",
      );
    });

    it("nothing refreshes instances when the secret rotates", () => {
      const rule = named(rec, "bi-rotation-succeeded");
      const pattern = JSON.parse(String(rule.inputs["eventPattern"])) as Record<string, unknown>;
      assert.deepEqual(pattern["source"], ["aws.secretsmanager"]);
      const detail = pattern["detail"] as Record<string, unknown>;
      assert.deepEqual(detail["eventName"], ["RotationSucceeded"]);
      const target = named(rec, "bi-rotation-refresh");
      assert.match(
        String(target.inputs["arn"]),
        /:automation-definition\/acme-tdp-production-bi-instance-refresh:\$DEFAULT$/,
      );
      const input = JSON.parse(String(target.inputs["input"])) as Record<string, string[]>;
      assert.deepEqual(input["AutoScalingGroupName"], ["acme-tdp-production-bi-asg"]);
      const doc = JSON.parse(String(one(rec, "aws:ssm/document:Document").inputs["content"])) as {
        mainSteps: { inputs: Record<string, unknown> }[];
      };
      assert.equal(doc.mainSteps[0]!.inputs["Api"], "StartInstanceRefresh");
      const automation = roleStatements(rec, "refresh-automation-role");
      assert.deepEqual(
        automation.map((s) => s["Action"]),
        ["autoscaling:StartInstanceRefresh"],
      );
      assert.match(String(automation[0]!["Resource"]), /autoScalingGroupName\/acme-tdp-production-bi-asg$/);
      const events = roleStatements(rec, "refresh-events-role");
      assert.deepEqual(
        events.map((s) => s["Action"]),
        ["ssm:StartAutomationExecution", "iam:PassRole"],
      );
    });

    it("a failed rotation notifies the alarm topic", () => {
      const rule = named(rec, "bi-rotation-failed");
      const pattern = JSON.parse(String(rule.inputs["eventPattern"])) as { detail: Record<string, unknown> };
      assert.deepEqual(pattern.detail["eventName"], ["RotationFailed"]);
      const target = named(rec, "bi-rotation-failed-notify");
      assert.match(String(target.inputs["arn"]), /alarms/);
      const topicPolicy = policy(named(rec, "bi-alarms-policy").inputs["policy"]);
      assert.deepEqual(
        topicPolicy.Statement.map((s) => (s["Principal"] as Record<string, string>)["Service"]),
        ["cloudwatch.amazonaws.com", "events.amazonaws.com"],
      );
    });

    it("Lambda: python3.8 (deprecated), tracing on without X-Ray permission, 15 s timeout", () => {
      const fn = named(rec, "bi-sync");
      assert.equal(fn.inputs["runtime"], "nodejs22.x");
      assert.equal(fn.inputs["handler"], "index.handler");
      assert.equal(fn.inputs["timeout"], 300);
      assert.equal(fn.inputs["tracingConfig"], undefined);
      assert.equal(fn.inputs["reservedConcurrentExecutions"], 5);
      assert.ok(fn.inputs["kmsKeyArn"]);
      assert.ok((fn.inputs["deadLetterConfig"] as Record<string, unknown>)["targetArn"]);
      assert.deepEqual((fn.inputs["vpcConfig"] as Record<string, unknown>)["subnetIds"], SUBNETS);
      const fsConfig = fn.inputs["fileSystemConfig"] as Record<string, unknown>;
      assert.equal(fsConfig["localMountPath"], "/mnt/dashboard");
      assert.ok(fsConfig["arn"]);
    });

    it("Lambda `s3:*` and `elasticfilesystem:*`", () => {
      const statements = roleStatements(rec, "sync-role");
      for (const s of statements) {
        for (const action of asList(s["Action"])) {
          assert.doesNotMatch(String(action), /\*$/, `wildcard action ${String(action)}`);
        }
      }
      // S3: read the current object of keys under the synced prefixes, and (so a deleted key
      // answers 404, not 403) list this bucket; nothing else, no versions by id.
      const s3Statements = statements.filter((s) =>
        asList(s["Action"]).some((a) => String(a).startsWith("s3:")),
      );
      assert.deepEqual(
        s3Statements.map((s) => s["Action"]),
        ["s3:GetObject", "s3:ListBucket"],
      );
      const [read, list] = s3Statements as [Record<string, unknown>, Record<string, unknown>];
      assert.deepEqual(
        asList(read["Resource"]).map(String),
        Object.keys(SYNC_FOLDER_MAP).map(
          (prefix) => `arn:aws:s3:::acme-tdp-production-bi-resources/${prefix}/*`,
        ),
      );
      assert.equal(String(list["Resource"]), "arn:aws:s3:::acme-tdp-production-bi-resources");
      const efs = statements.find((s) => asList(s["Action"]).includes("elasticfilesystem:ClientWrite"))!;
      const condition = efs["Condition"] as Record<string, Record<string, unknown>>;
      assert.ok(condition["StringEquals"]!["elasticfilesystem:AccessPointArn"]);
      const logs = statements.find((s) => asList(s["Action"]).includes("logs:PutLogEvents"))!;
      assert.match(String(logs["Resource"]), /efs-sync:\*$/);
    });

    it("Lambda: no delete handling (the notification sends removals too)", () => {
      const notification = one(rec, "aws:s3/bucketNotification:BucketNotification");
      const [fn] = notification.inputs["lambdaFunctions"] as Record<string, unknown>[];
      assert.deepEqual(fn!["events"], ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]);
      const permission = named(rec, "bi-sync-from-s3");
      assert.equal(permission.inputs["principal"], "s3.amazonaws.com");
      assert.ok(permission.inputs["sourceAccount"], "scoped by source account");
      assert.match(String(permission.inputs["sourceArn"]), /acme-tdp-production-bi-resources$/);
    });

    it("`excel-data/` lands in a folder the instances never link; `svg` is linked but not accepted", () => {
      const fn = named(rec, "bi-sync");
      const env = (fn.inputs["environment"] as Record<string, Record<string, string>>)["variables"]!;
      assert.equal(
        env["ALLOWED_FOLDERS"],
        "images=images,themes=themes,excel-data=excel,logs=logs,keys=keys,svg=svg",
      );
      assert.equal(SYNC_FOLDER_MAP["excel-data"], "excel");
      assert.equal(env["EFS_MOUNT_PATH"], "/mnt/dashboard");
      assert.equal(env["OWNER_UID"], "1000");
      assert.equal(env["OWNER_GID"], "1000");
      assert.equal(env["FILE_MODE"], "0640");
      assert.equal(env["BUCKET_NAME"], "acme-tdp-production-bi-resources");
      const userData = Buffer.from(
        String(one(rec, "aws:ec2/launchTemplate:LaunchTemplate").inputs["userData"]),
        "base64",
      ).toString();
      assert.match(userData, /for folder in images themes excel keys logs svg; do/);
    });

    it("the dead-letter queue is encrypted and alarmed", () => {
      const dlq = named(rec, "bi-sync-dlq");
      assert.ok(dlq.inputs["kmsMasterKeyId"]);
      const alarm = named(rec, "bi-sync-dlq-alarm");
      assert.equal(alarm.inputs["namespace"], "AWS/SQS");
      assert.equal(alarm.inputs["metricName"], "ApproximateNumberOfMessagesVisible");
      assert.equal(alarm.inputs["threshold"], 0);
      assert.equal(alarm.inputs["comparisonOperator"], "GreaterThanThreshold");
      assert.equal(asList(alarm.inputs["alarmActions"]).length, 1);
    });

    it("EFS access point as root with 777", () => {
      const ap = one(rec, "aws:efs/accessPoint:AccessPoint");
      assert.deepEqual(ap.inputs["posixUser"], { uid: 1000, gid: 1000 });
      const root = ap.inputs["rootDirectory"] as Record<string, unknown>;
      assert.deepEqual(root["creationInfo"], { ownerUid: 1000, ownerGid: 1000, permissions: "0750" });
    });

    it("EFS no file system policy", () => {
      const doc = policy(one(rec, "aws:efs/fileSystemPolicy:FileSystemPolicy").inputs["policy"]);
      const deny = doc.Statement.filter((s) => s["Effect"] === "Deny");
      assert.deepEqual(
        deny.map((s) => s["Condition"]).map((c) => Object.keys(c as object)[0]),
        ["Bool", "StringNotEquals"],
      );
      const allowStatement = doc.Statement.find((s) => s["Effect"] === "Allow")!;
      assert.equal(asList((allowStatement["Principal"] as Record<string, unknown>)["AWS"]).length, 2);
    });

    it("EFS NFS without TLS, encrypted at rest, backed up", () => {
      const fs = one(rec, "aws:efs/fileSystem:FileSystem");
      assert.equal(fs.inputs["encrypted"], true);
      assert.ok(fs.inputs["kmsKeyId"]);
      assert.equal(fs.protect, true);
      assert.deepEqual(one(rec, "aws:efs/backupPolicy:BackupPolicy").inputs["backupPolicy"], {
        status: "ENABLED",
      });
      const userData = Buffer.from(
        String(one(rec, "aws:ec2/launchTemplate:LaunchTemplate").inputs["userData"]),
        "base64",
      ).toString();
      assert.match(userData, /_netdev,noresvport,tls,iam,accesspoint=/);
    });

    it("EFS mount targets in every private subnet", () => {
      const targets = rec.ofType("aws:efs/mountTarget:MountTarget");
      assert.deepEqual(targets.map((t) => t.inputs["subnetId"]).sort(), SUBNETS);
    });

    it("EFS 2049 open to the VPC", () => {
      const rules = ingressOf(rec, "efs");
      assert.deepEqual(rules.map((r) => r.name).sort(), ["bi-efs-from-instances", "bi-efs-from-sync"]);
      for (const rule of rules) {
        assert.equal(rule.inputs["fromPort"], 2049);
        assert.equal(rule.inputs["cidrIpv4"], undefined);
      }
    });

    it("ALB TLS policy 2016-08 (TLS 1.0/1.1)", () => {
      const https = named(rec, "bi-https");
      assert.equal(https.inputs["protocol"], "HTTPS");
      assert.equal(https.inputs["port"], 443);
      assert.equal(https.inputs["sslPolicy"], "ELBSecurityPolicy-TLS13-1-2-2021-06");
      const http = named(rec, "bi-http");
      const [action] = http.inputs["defaultActions"] as Record<string, unknown>[];
      assert.equal(action!["type"], "redirect");
      assert.deepEqual(action!["redirect"], { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" });
    });

    it("ALB no access logs, invalid headers not dropped, no deletion protection", () => {
      const alb = one(rec, "aws:lb/loadBalancer:LoadBalancer");
      const logs = alb.inputs["accessLogs"] as Record<string, unknown>;
      assert.equal(logs["enabled"], true);
      assert.equal(logs["bucket"], "acme-tdp-production-bi-logs");
      assert.equal(alb.inputs["dropInvalidHeaderFields"], true);
      assert.equal(alb.inputs["enableDeletionProtection"], true);
      assert.equal(alb.inputs["internal"], true);
      assert.deepEqual(alb.inputs["subnets"], SUBNETS);
      const logPolicy = policy(named(rec, "bi-log-bucket-policy").inputs["policy"]);
      const elb = logPolicy.Statement.find((s) => s["Sid"] === "LoadBalancerAccessLogs")!;
      assert.deepEqual(elb["Principal"], { AWS: "arn:aws:iam::127311923021:root" });
    });

    it("target group on 8224 with the reference's health check and stickiness", () => {
      const tg = one(rec, "aws:lb/targetGroup:TargetGroup");
      assert.equal(tg.inputs["port"], 8224);
      // TLS to the target: the image's dashboard container serves HTTPS on 8224.
      assert.equal(tg.inputs["protocol"], "HTTPS");
      const hc = tg.inputs["healthCheck"] as Record<string, unknown>;
      assert.equal(hc["path"], "/");
      assert.equal(hc["matcher"], "200,302");
      assert.equal(hc["protocol"], "HTTPS");
      assert.deepEqual(
        [hc["interval"], hc["timeout"], hc["healthyThreshold"], hc["unhealthyThreshold"]],
        [65, 60, 4, 4],
      );
      assert.deepEqual(tg.inputs["stickiness"], { type: "lb_cookie", enabled: true, cookieDuration: 86400 });
    });

    it("a created certificate is RSA 2048, DNS-validated, and the name points at the ALB", () => {
      const cert = one(rec, "aws:acm/certificate:Certificate");
      assert.equal(cert.inputs["keyAlgorithm"], "RSA_2048");
      assert.equal(cert.inputs["validationMethod"], "DNS");
      const alias = named(rec, "bi-alias");
      assert.equal(alias.inputs["name"], "bi.example.com");
      assert.equal(alias.inputs["type"], "A");
    });

    it("`bash -x` user data prints the DB password and licence key; licence key not a secret", () => {
      const secretValue = named(rec, "bi-licence-secret-value");
      assert.equal(secretValue.inputs["secretString"], "[secret]");
      assert.equal(named(rec, "bi-db-secret-value").inputs["secretString"], "[secret]");
      const everything = JSON.stringify(rec.resources.map((r) => r.inputs));
      assert.ok(!everything.includes(LICENCE), "the licence key appears in no recorded input");
      const userData = Buffer.from(
        String(one(rec, "aws:ec2/launchTemplate:LaunchTemplate").inputs["userData"]),
        "base64",
      ).toString();
      assert.doesNotMatch(userData, /set -x|bash -x/);
      assert.ok(!userData.includes(LICENCE));
      for (const secret of rec.ofType("aws:secretsmanager/secret:Secret")) {
        assert.ok(secret.inputs["kmsKeyId"], `${secret.name} uses the deployment's key`);
      }
    });

    it("the instance role reads only this deployment's secrets", () => {
      const statements = roleStatements(rec, "instance-role");
      const read = statements.find((s) => asList(s["Action"]).includes("secretsmanager:GetSecretValue"))!;
      const resources = asList(read["Resource"]).map(String);
      assert.equal(resources.length, 2);
      assert.ok(
        resources.every((r) => /:secret:acme-tdp-production-bi-(db|licence)-/.test(r)),
        resources.join(),
      );
      const attachments = rec
        .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((r) => r.name.startsWith("bi-instance-role-"));
      assert.deepEqual(
        attachments.map((a) => a.inputs["policyArn"]),
        ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
      );
    });

    it("Fixed names (one deployment per account)", async () => {
      const second = await offline.record(() => {
        new BiDashboard("bi", goodArgs({ deploymentName: "bi2" }));
      });
      const physicalNames = (r: Recording) =>
        r.resources
          .map(
            (x) =>
              x.inputs["name"] ?? x.inputs["bucket"] ?? x.inputs["identifier"] ?? x.inputs["creationToken"],
          )
          .filter((n): n is string => typeof n === "string" && n.startsWith("acme-tdp-production-"));
      const first = new Set(physicalNames(rec));
      const clashes = physicalNames(second).filter((n) => first.has(n));
      assert.deepEqual(clashes, []);
      assert.ok(physicalNames(second).every((n) => n.includes("-bi2-")));
    });

    it("AZs guessed as <region>a/b", () => {
      const everything = JSON.stringify(rec.resources.map((r) => r.inputs));
      assert.doesNotMatch(everything, /us-east-1[a-f]\b/);
    });

    it("buckets never emptied on teardown", () => {
      for (const bucket of rec.ofType("aws:s3/bucket:Bucket")) {
        assert.equal(bucket.protect, true);
        assert.equal(
          bucket.retainOnDelete,
          true,
          `${bucket.name} stays (with its data) when the stack is destroyed`,
        );
        assert.equal(bucket.inputs["forceDestroy"], false);
      }
    });

    it("no outputs (not even the ALB DNS name)", async () => {
      assert.equal(await offline.outputValue(dashboard.url), "https://bi.example.com");
      for (const output of [
        dashboard.albDnsName,
        dashboard.asgName,
        dashboard.dbEndpoint,
        dashboard.secretArn,
        dashboard.bucketName,
        dashboard.efsId,
      ]) {
        assert.ok(await offline.outputValue(output));
      }
      assert.equal(await offline.outputValue(dashboard.bucketName), "acme-tdp-production-bi-resources");
    });
  });

  describe("baseline", () => {
    it("one customer-managed key with rotation; log groups with retention and the key", () => {
      const key = one(rec, "aws:kms/key:Key");
      assert.equal(key.inputs["enableKeyRotation"], true);
      assert.equal(key.protect, true);
      const keyPolicy = policy(key.inputs["policy"]);
      for (const statement of keyPolicy.Statement) {
        const actions = asList(statement["Action"]).map(String);
        const principal = statement["Principal"] as Record<string, unknown>;
        if (principal["AWS"] !== undefined && actions.some((a) => a === "kms:Decrypt" || a === "kms:*")) {
          const condition = statement["Condition"] as Record<string, Record<string, unknown>>;
          assert.ok(
            condition?.["StringEquals"]?.["kms:ViaService"],
            `${String(statement["Sid"])} uses the key only through services`,
          );
        }
      }
      // RDS, EFS and Backup create grants for the resources they encrypt, only through themselves.
      const grants = keyPolicy.Statement.filter((st) =>
        asList(st["Action"]).map(String).includes("kms:CreateGrant"),
      );
      assert.deepEqual(
        grants.map((st) => st["Sid"]),
        ["ServicesHoldGrantsForTheirResources"],
      );
      const grantCondition = grants[0]!["Condition"] as Record<string, Record<string, unknown>>;
      assert.equal(grantCondition["Bool"]!["kms:GrantIsForAWSResource"], true);
      for (const service of ["rds", "elasticfilesystem", "backup"]) {
        assert.ok(
          asList(grantCondition["StringEquals"]!["kms:ViaService"]).includes(
            `${service}.us-east-1.amazonaws.com`,
          ),
          service,
        );
      }
      const groups = rec.ofType("aws:cloudwatch/logGroup:LogGroup");
      assert.equal(groups.length, 7);
      assert.ok(
        groups.some((g) => g.inputs["name"] === "/tdp/acme-tdp-production/bi/instances"),
        "instance logs",
      );
      for (const group of groups) {
        assert.equal(group.inputs["retentionInDays"], 90);
        assert.ok(group.inputs["kmsKeyId"], group.name);
      }
      assert.ok(groups.some((g) => g.inputs["name"] === "/aws/rds/instance/acme-tdp-production-bi-db/audit"));
    });

    it("both buckets: owner enforced, public access blocked, versioned, TLS-only; resources bucket SSE-KMS with access logs", () => {
      assert.equal(rec.ofType("aws:s3/bucketOwnershipControls:BucketOwnershipControls").length, 2);
      assert.equal(rec.ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").length, 2);
      assert.equal(rec.ofType("aws:s3/bucketVersioning:BucketVersioning").length, 2);
      for (const p of rec.ofType("aws:s3/bucketPolicy:BucketPolicy")) {
        const deny = policy(p.inputs["policy"]).Statement.find((s) => s["Sid"] === "DenyInsecureTransport");
        assert.ok(deny, p.name);
      }
      const sse = named(rec, "bi-resources-encryption").inputs["rules"] as Record<
        string,
        Record<string, unknown>
      >[];
      assert.equal(sse[0]!["applyServerSideEncryptionByDefault"]!["sseAlgorithm"], "aws:kms");
      const logging = one(rec, "aws:s3/bucketLogging:BucketLogging");
      assert.equal(logging.inputs["targetBucket"], "acme-tdp-production-bi-logs");
    });

    it("the five interface endpoints, admitting the instances and the rotation and sync functions", () => {
      const endpoints = rec.ofType("aws:ec2/vpcEndpoint:VpcEndpoint");
      assert.deepEqual(
        endpoints.map((e) => e.inputs["serviceName"]).sort(),
        ["ec2messages", "logs", "secretsmanager", "ssm", "ssmmessages"].map(
          (s) => `com.amazonaws.us-east-1.${s}`,
        ),
      );
      for (const e of endpoints) {
        assert.equal(e.inputs["privateDnsEnabled"], true);
      }
      assert.equal(ingressOf(rec, "endpoints").length, 3);
    });

    it("every role goes through ServiceRole", () => {
      const roles = rec.ofType("aws:iam/role:Role");
      assert.equal(roles.length, 7);
      for (const role of roles) {
        const parent = rec.resources.find((r) => r.urn === role.parent);
        assert.equal(parent?.type, "tdp:core:ServiceRole");
      }
    });

    it("every child is parented under the component and named after it", () => {
      const component = one(rec, "tdp:bi-dashboard:BiDashboard");
      for (const r of rec.resources.filter((x) => x.parent === component.urn)) {
        assert.ok(r.name.startsWith("bi-"), r.name);
      }
    });
  });

  describe("boot path, database users, logs and alarms", () => {
    it("builds the dashboard image with EC2 Image Builder: the Marketplace image plus efs-utils, jq, the AWS CLI and the CloudWatch agent", () => {
      const recipe = one(rec, "aws:imagebuilder/imageRecipe:ImageRecipe");
      assert.equal(recipe.inputs["parentImage"], "ami-0123456789abcdef0");
      const components = asList(recipe.inputs["components"]).map((c) =>
        String((c as Record<string, unknown>)["componentArn"]),
      );
      assert.deepEqual(components.slice(0, 2), [
        "arn:aws:imagebuilder:us-east-1:aws:component/aws-cli-version-2-linux/x.x.x",
        "arn:aws:imagebuilder:us-east-1:aws:component/amazon-cloudwatch-agent-linux/x.x.x",
      ]);
      const component = one(rec, "aws:imagebuilder/component:Component");
      assert.match(components[2]!, /:component\/acme-tdp-production-bi-boot-tools/);
      assert.equal(component.inputs["name"], "acme-tdp-production-bi-boot-tools");
      const data = String(component.inputs["data"]);
      assert.match(data, /git clone --depth 1 --branch v2\.4\.2 https:\/\/github\.com\/aws\/efs-utils/);
      assert.match(data, /sha256sum -c -/, "the Go toolchain is checked");
      assert.match(data, /- name: test[\s\S]*command -v mount\.efs/);
      const [root] = recipe.inputs["blockDeviceMappings"] as Record<string, Record<string, unknown>>[];
      assert.equal(root!["ebs"]!["encrypted"], "true");
      const infra = one(rec, "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration");
      assert.equal(infra.inputs["subnetId"], SUBNETS[0]);
      assert.equal(infra.inputs["terminateInstanceOnFailure"], true);
      assert.equal(
        (infra.inputs["instanceMetadataOptions"] as Record<string, unknown>)["httpTokens"],
        "required",
      );
      const image = one(rec, "aws:imagebuilder/image:Image");
      assert.equal(
        (image.inputs["imageTestsConfiguration"] as Record<string, unknown>)["imageTestsEnabled"],
        true,
      );
      const egress = rec
        .ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
        .filter((r) => r.name.startsWith("bi-image-builder-egress-"));
      assert.deepEqual(egress.map((r) => r.inputs["fromPort"]).sort(), [443, 80]);
      assert.equal(
        rec
          .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
          .filter((r) => r.name.startsWith("bi-image-builder")).length,
        0,
      );
    });

    it("launches from a prebuilt image without a pipeline when image.prebuiltAmiId is given", async () => {
      const { rec: r, dashboard: d } = await record({ image: { prebuiltAmiId: "ami-0fedcba9876543210" } });
      assert.equal(r.resources.filter((x) => x.type.startsWith("aws:imagebuilder")).length, 0);
      assert.equal(
        one(r, "aws:ec2/launchTemplate:LaunchTemplate").inputs["imageId"],
        "ami-0fedcba9876543210",
      );
      assert.equal(await offline.outputValue(d.imageId), "ami-0fedcba9876543210");
    });

    it("the master user's password is in RDS's own secret (deployment key); the dashboard's secret names the application user", () => {
      const db = one(rec, "aws:rds/instance:Instance");
      assert.equal(db.inputs["manageMasterUserPassword"], true);
      assert.ok(db.inputs["masterUserSecretKmsKeyId"]);
      assert.equal(db.inputs["password"], undefined);
      assert.equal(db.inputs["username"], "pi_admin");
      const rotation = one(rec, "aws:secretsmanager/secretRotation:SecretRotation");
      assert.equal(rotation.inputs["rotateImmediately"], true);
      assert.deepEqual(rotation.inputs["rotationRules"], { automaticallyAfterDays: 30 });
      // The rotation function reads the master secret; the instances never do.
      const isMaster = (r: unknown) => /:secret:rds!db-/.test(String(r));
      const rotationRead = roleStatements(rec, "rotation-role").filter((s) =>
        asList(s["Action"]).includes("secretsmanager:GetSecretValue"),
      );
      assert.ok(
        rotationRead.some((s) => asList(s["Resource"]).some(isMaster)),
        "the rotation reads the master secret",
      );
      const instanceRead = roleStatements(rec, "instance-role").flatMap((s) => asList(s["Resource"]));
      assert.ok(!instanceRead.some(isMaster), "the instances never read the master secret");
    });

    it("the application secret's first value: the application user, its schema and the master's secret", () => {
      assert.deepEqual(applicationSecret("db.example", 3306, "pi_app", "pw", "arn:master"), {
        engine: "mariadb",
        host: "db.example",
        port: 3306,
        username: "pi_app",
        password: "pw",
        dbname: "dashboard",
        masterarn: "arn:master",
      });
    });

    it("ships the instances' logs: the CloudWatch agent may write to the instance log group only", () => {
      const statements = roleStatements(rec, "instance-role");
      const ship = statements.find((s) => asList(s["Action"]).includes("logs:PutLogEvents"))!;
      assert.deepEqual(asList(ship["Resource"]).map(String), [
        "arn:aws:logs:us-east-1:111111111111:log-group:/tdp/acme-tdp-production/bi/instances:*",
      ]);
      const userData = Buffer.from(
        String(one(rec, "aws:ec2/launchTemplate:LaunchTemplate").inputs["userData"]),
        "base64",
      ).toString();
      assert.match(userData, /"log_group_name": "\/tdp\/acme-tdp-production\/bi\/instances"/);
    });

    it("alarms on ALB and target 5xx, unhealthy hosts, DB CPU and DB storage, to the alert topic", () => {
      // The alert topic, as the dead-letter queue's alarm uses it.
      const topicArns = asList(named(rec, "bi-sync-dlq-alarm").inputs["alarmActions"]);
      const expected: Record<string, [string, string]> = {
        "bi-alb-5xx-alarm": ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count"],
        "bi-target-5xx-alarm": ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"],
        "bi-unhealthy-hosts-alarm": ["AWS/ApplicationELB", "UnHealthyHostCount"],
        "bi-db-cpu-alarm": ["AWS/RDS", "CPUUtilization"],
        "bi-db-storage-alarm": ["AWS/RDS", "FreeStorageSpace"],
      };
      for (const [alarmName, [namespace, metric]] of Object.entries(expected)) {
        const alarm = named(rec, alarmName);
        assert.equal(alarm.inputs["namespace"], namespace, alarmName);
        assert.equal(alarm.inputs["metricName"], metric, alarmName);
        assert.deepEqual(asList(alarm.inputs["alarmActions"]), topicArns, alarmName);
        assert.deepEqual(asList(alarm.inputs["okActions"]), topicArns, alarmName);
      }
      assert.equal(named(rec, "bi-db-storage-alarm").inputs["threshold"], 2 * 1024 ** 3);
      assert.equal(named(rec, "bi-db-cpu-alarm").inputs["threshold"], 80);
      const unhealthy = named(rec, "bi-unhealthy-hosts-alarm").inputs["dimensions"] as Record<
        string,
        unknown
      >;
      assert.ok(unhealthy["TargetGroup"] && unhealthy["LoadBalancer"]);
    });

    it("restores the reference's behaviour: 2000 s idle timeout, 1 × 60 s out and 2 × 60 s in, 30-day lifetime", () => {
      assert.equal(one(rec, "aws:lb/loadBalancer:LoadBalancer").inputs["idleTimeout"], 2000);
      const high = named(rec, "bi-cpu-high");
      const low = named(rec, "bi-cpu-low");
      assert.deepEqual([high.inputs["period"], high.inputs["evaluationPeriods"]], [60, 1]);
      assert.deepEqual([low.inputs["period"], low.inputs["evaluationPeriods"]], [60, 2]);
      assert.equal(one(rec, "aws:autoscaling/group:Group").inputs["maxInstanceLifetime"], 2592000);
    });

    it("keeps other behaviour when configured: HTTP to the target, no lifetime, slower alarms", async () => {
      const { rec: r } = await record({
        loadBalancer: {
          certificateArn:
            "arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012",
          targetProtocol: "HTTP",
          idleTimeoutSeconds: 120,
        },
        scaling: { maxInstanceLifetimeDays: 0, scaleOutPeriodSeconds: 300, scaleOutEvaluationPeriods: 2 },
      });
      const tg = one(r, "aws:lb/targetGroup:TargetGroup");
      assert.equal(tg.inputs["protocol"], "HTTP");
      assert.equal((tg.inputs["healthCheck"] as Record<string, unknown>)["protocol"], "HTTP");
      assert.equal(one(r, "aws:lb/loadBalancer:LoadBalancer").inputs["idleTimeout"], 120);
      assert.equal(one(r, "aws:autoscaling/group:Group").inputs["maxInstanceLifetime"], 0);
      const high = named(r, "bi-cpu-high");
      assert.deepEqual([high.inputs["period"], high.inputs["evaluationPeriods"]], [300, 2]);
    });
  });

  describe("options", () => {
    it("uses the network's endpoints when createVpcEndpoints is false", async () => {
      const { rec: r } = await record({ createVpcEndpoints: false });
      assert.equal(r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").length, 0);
      assert.equal(r.named("bi-endpoints-sg"), undefined);
    });

    it("adds an S3 gateway endpoint when route tables are given", async () => {
      const { rec: r } = await record({ routeTableIds: ["rtb-0123456789abcdef0"] });
      const gateway = r
        .ofType("aws:ec2/vpcEndpoint:VpcEndpoint")
        .filter((e) => e.inputs["vpcEndpointType"] === "Gateway");
      assert.equal(gateway.length, 1);
    });

    it("uses a given certificate and the ALB name in the URL", async () => {
      const { rec: r, dashboard: d } = await record();
      assert.equal(r.ofType("aws:acm/certificate:Certificate").length, 0);
      assert.match(String(named(r, "bi-https").inputs["certificateArn"]), /^arn:aws:acm:/);
      assert.match(String(await offline.outputValue(d.url)), /^https:\/\//);
      assert.equal(r.ofType("aws:secretsmanager/secret:Secret").length, 1, "no licence secret without a key");
    });

    it("an internet-facing ALB goes to the public subnets and admits the internet", async () => {
      const { rec: r } = await record({
        loadBalancer: {
          certificateArn:
            "arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012",
          internetFacing: true,
          publicSubnetIds: ["subnet-00000000000000b01", "subnet-00000000000000b02"],
        },
      });
      const alb = one(r, "aws:lb/loadBalancer:LoadBalancer");
      assert.equal(alb.inputs["internal"], false);
      assert.deepEqual(alb.inputs["subnets"], ["subnet-00000000000000b01", "subnet-00000000000000b02"]);
      assert.equal(named(r, "bi-alb-https-0").inputs["cidrIpv4"], "0.0.0.0/0");
    });

    it("applies the IAM role prefix and boundary to every role", async () => {
      const { rec: r } = await record({
        naming: new Naming({
          infrastructureName: "acme-tdp",
          environment: "production",
          iamRolePrefix: "TDP-",
        }),
        iam: { rolePrefix: "TDP-", permissionsBoundaryArn: "arn:aws:iam::111111111111:policy/boundary" },
      });
      for (const role of r.ofType("aws:iam/role:Role")) {
        assert.match(String(role.inputs["name"]), /^TDP-/);
        assert.equal(role.inputs["permissionsBoundary"], "arn:aws:iam::111111111111:policy/boundary");
      }
    });

    it("a bad argument leaves nothing behind", async () => {
      let thrown: unknown;
      const r = await offline.record(() => {
        try {
          new BiDashboard("bad", goodArgs({ instances: { amiId: "" } }));
        } catch (e) {
          thrown = e;
        }
      });
      assert.match(String(thrown), /instances\.amiId: "" — required/);
      assert.equal(r.resources.filter((x) => x.name.startsWith("bad")).length, 0);
    });
  });
});
