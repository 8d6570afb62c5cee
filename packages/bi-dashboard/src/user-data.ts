import {
  CLOUDWATCH_AGENT_CONFIG,
  CLOUDWATCH_AGENT_CTL,
  DASHBOARD_FOLDERS,
  INSTANCE_EFS_MOUNT,
} from "./defaults";

/** What the instance bootstrap needs: identifiers only, never a secret value. */
export interface UserDataParams {
  region: string;
  /** ARN of the application user's DB secret (engine, host, port, username, password, dbname). */
  dbSecretArn: string;
  /** ARN of the licence secret; empty when the image carries its own licence (PI_LICENCE is then not written). */
  licenceSecretArn: string;
  fileSystemId: string;
  accessPointId: string;
  /** The dashboard's env file (DB settings, PI_EXTERNAL_DB, PI_LICENCE). */
  dashboardEnvFile: string;
  /** The scheduler's env file (DB settings). */
  schedulerEnvFile: string;
  /** systemd units that run the dashboard. */
  serviceUnits: string[];
  /** Extra settings written to both env files (the image's DB TLS option, when it needs one). */
  dbTlsEnv: Record<string, string>;
  /** The log group the CloudWatch agent ships the instance's logs to. */
  logGroupName: string;
}

const SAFE_VALUE = /^[A-Za-z0-9:/._@+=,-]*$/;

/** Single-quotes `value` for bash after checking it holds no shell-special characters. */
function shellWord(name: string, value: string): string {
  if (!SAFE_VALUE.test(value)) {
    throw new Error(
      `user data value ${name} "${value}" holds characters that are not allowed in the bootstrap`,
    );
  }
  return `'${value}'`;
}

/** The CloudWatch agent's configuration: system and container logs, one stream per instance and file. */
export function cloudWatchAgentConfig(logGroupName: string): string {
  const file = (path: string, stream: string) => ({
    file_path: path,
    log_group_name: logGroupName,
    log_stream_name: `{instance_id}/${stream}`,
    retention_in_days: -1,
  });
  return JSON.stringify(
    {
      agent: {
        run_as_user: "root",
        logfile: "/opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log",
      },
      logs: {
        logs_collected: {
          files: {
            collect_list: [
              file("/var/log/syslog", "syslog"),
              file("/var/log/cloud-init-output.log", "cloud-init-output"),
              file("/var/lib/docker/containers/*/*-json.log", "containers"),
            ],
          },
        },
      },
    },
    null,
    2,
  );
}

/**
 * The bootstrap script of a dashboard instance. It runs on the dashboard image (the Marketplace
 * image with amazon-efs-utils, the AWS CLI, jq and the CloudWatch agent layered on by the image
 * pipeline): it installs nothing, compiles nothing and reaches no internet address, only AWS
 * endpoints in the VPC. It never traces commands, never prints a secret and writes secrets only
 * to 0600 root files. Steps: mount EFS over TLS through the access point, link the dashboard's
 * folders to it, install the settings reader and a drop-in that runs it before every start of
 * the dashboard's unit, start the CloudWatch agent, then restart the unit, which starts the
 * dashboard with the settings (the reference rebooted instead).
 *
 * Every path is prefixed with `$TDP_BOOT_ROOT` (empty on an instance), so the package's tests run
 * this very script against a temporary root and stub system commands.
 */
export function renderUserData(p: UserDataParams): string {
  const units = p.serviceUnits.map((u, i) => shellWord(`serviceUnits[${i}]`, u));
  const extra = Object.entries(p.dbTlsEnv).map(([k, v]) => shellWord(`dbTlsEnv.${k}`, `${k}=${v}`));
  const agentConfig = cloudWatchAgentConfig(p.logGroupName);
  shellWord("logGroupName", p.logGroupName);
  return `#!/bin/bash
# Panintelligence dashboard bootstrap (@tdp/bi-dashboard), on the dashboard image.
# This script handles secrets: command tracing stays off and no secret is ever printed.
set -euo pipefail
umask 077
# Empty on an instance; a temporary root when the package's tests run this script.
R="\${TDP_BOOT_ROOT:-}"

FILE_SYSTEM_ID=${shellWord("fileSystemId", p.fileSystemId)}
ACCESS_POINT_ID=${shellWord("accessPointId", p.accessPointId)}
EFS_MOUNT=${shellWord("efsMount", INSTANCE_EFS_MOUNT)}
AGENT_CTL="$R"${shellWord("agentCtl", CLOUDWATCH_AGENT_CTL)}
AGENT_CONFIG=${shellWord("agentConfig", CLOUDWATCH_AGENT_CONFIG)}
UNITS=(${units.join(" ")})

# The image carries every tool. One missing means the instance did not launch from the dashboard
# image: stop here (the load balancer's health check replaces the instance) rather than install.
for tool in aws jq mount.efs systemctl mountpoint; do
  if ! command -v "$tool" >/dev/null; then
    echo "tdp-boot: $tool is missing; launch from the dashboard image (image pipeline)" >&2
    exit 1
  fi
done
if [ ! -x "$AGENT_CTL" ]; then
  echo "tdp-boot: the CloudWatch agent is missing; launch from the dashboard image (image pipeline)" >&2
  exit 1
fi

# EFS over TLS (amazon-efs-utils), through the access point, with IAM authorization.
mkdir -p "$R$EFS_MOUNT"
if ! grep -qsF "$FILE_SYSTEM_ID:/ $EFS_MOUNT " "$R/etc/fstab"; then
  echo "$FILE_SYSTEM_ID:/ $EFS_MOUNT efs _netdev,noresvport,tls,iam,accesspoint=$ACCESS_POINT_ID 0 0" >> "$R/etc/fstab"
fi
mountpoint -q "$R$EFS_MOUNT" || mount "$R$EFS_MOUNT"
# Never touch the local folders unless the share is really mounted (the reference deleted them anyway).
mountpoint -q "$R$EFS_MOUNT"

# The dashboard's folders live on EFS; the image's own files seed an empty share, never overwriting.
mkdir -p "$R/var/panintelligence"
for folder in ${DASHBOARD_FOLDERS.join(" ")}; do
  target="$EFS_MOUNT/$folder"
  link="$R/var/panintelligence/$folder"
  mkdir -p "$R$target"
  if [ -d "$link" ] && [ ! -L "$link" ]; then
    cp -rn --no-preserve=ownership "$link/." "$R$target/" || true
    rm -rf "$link"
  fi
  ln -sfn "$target" "$link"
done

# The settings reader, run before every start of the dashboard: the DB settings and the licence
# come from Secrets Manager each time, so a start after a rotation uses the new user and password.
mkdir -p "$R/usr/local/sbin"
cat > "$R/usr/local/sbin/tdp-pi-settings" <<'READER'
#!/bin/bash
# Writes the dashboard's env files from Secrets Manager. No tracing, nothing printed; secrets
# pass through variables and the environment of jq only (never a command line), files are 0600.
set -euo pipefail
umask 077
R="\${TDP_BOOT_ROOT:-}"
REGION=${shellWord("region", p.region)}
DB_SECRET_ARN=${shellWord("dbSecretArn", p.dbSecretArn)}
LICENCE_SECRET_ARN=${shellWord("licenceSecretArn", p.licenceSecretArn)}
DASHBOARD_ENV=${shellWord("dashboardEnvFile", p.dashboardEnvFile)}
SCHEDULER_ENV=${shellWord("schedulerEnvFile", p.schedulerEnvFile)}
EXTRA=(${extra.join(" ")})
fetch() {
  local attempt
  for attempt in 1 2 3 4 5; do
    if aws secretsmanager get-secret-value --region "$REGION" --secret-id "$1" \\
      --query SecretString --output text 2>/dev/null; then
      return 0
    fi
    sleep $((attempt * 5))
  done
  echo "tdp-pi-settings: cannot read secret $1" >&2
  return 1
}
DB_JSON="$(fetch "$DB_SECRET_ARN")"
PI_LICENCE=""
if [ -n "$LICENCE_SECRET_ARN" ]; then
  PI_LICENCE="$(fetch "$LICENCE_SECRET_ARN")"
fi
export PI_LICENCE
# write FILE ROLE: the DB settings; the dashboard's file also PI_EXTERNAL_DB and, when there is
# one, PI_LICENCE (an empty PI_LICENCE= is not written: the image would read it as a bad key).
write() {
  local file="$R$1" tmp
  mkdir -p "$(dirname "$file")"
  tmp="$(mktemp "$file.XXXXXX")"
  printf '%s' "$DB_JSON" | ROLE="$2" jq -r '
    "PI_DB_HOST=\\(.host)",
    "PI_DB_PORT=\\(.port)",
    "PI_DB_USERNAME=\\(.username)",
    "PI_DB_PASSWORD=\\(.password)",
    "PI_DB_SCHEMA_NAME=\\(.dbname)",
    (if env.ROLE == "dashboard" then "PI_EXTERNAL_DB=true" else empty end),
    (if env.ROLE == "dashboard" and env.PI_LICENCE != "" then "PI_LICENCE=\\(env.PI_LICENCE)" else empty end)' > "$tmp"
  if [ "\${#EXTRA[@]}" -gt 0 ]; then
    printf '%s\\n' "\${EXTRA[@]}" >> "$tmp"
  fi
  chmod 0600 "$tmp"
  mv -f "$tmp" "$file"
}
write "$DASHBOARD_ENV" dashboard
write "$SCHEDULER_ENV" scheduler
READER
chmod 0700 "$R/usr/local/sbin/tdp-pi-settings"

# Each unit that runs the dashboard re-reads the settings before every start, after EFS is mounted.
for unit in "\${UNITS[@]}"; do
  mkdir -p "$R/etc/systemd/system/$unit.d"
  cat > "$R/etc/systemd/system/$unit.d/tdp-pi-settings.conf" <<UNIT
# Written by the dashboard bootstrap: the settings come from Secrets Manager before every start.
[Unit]
RequiresMountsFor=$EFS_MOUNT
[Service]
ExecStartPre=/usr/local/sbin/tdp-pi-settings
UNIT
done

# Logs: the CloudWatch agent ships system and container logs to the deployment's log group.
mkdir -p "$R$(dirname "$AGENT_CONFIG")"
cat > "$R$AGENT_CONFIG" <<'AGENT'
${agentConfig}
AGENT
"$AGENT_CTL" -a fetch-config -m ec2 -s -c "file:$AGENT_CONFIG"

# Start the dashboard with its settings: the unit may have started at boot before this script
# (without them); the restart runs the settings reader first.
systemctl daemon-reload
for unit in "\${UNITS[@]}"; do
  # Enabled, so a reboot starts it too; a static unit cannot be enabled, and is started all the same.
  systemctl enable "$unit" >/dev/null 2>&1 || echo "tdp-boot: $unit is not enabled (static unit)" >&2
  systemctl restart "$unit"
done
`;
}
