import { DASHBOARD_FOLDERS, EFS_UTILS_RELEASE, INSTANCE_EFS_MOUNT } from "./defaults";

/** What the instance bootstrap needs: identifiers only, never a secret value. */
export interface UserDataParams {
  region: string;
  /** ARN of the DB secret (engine, host, port, username, password, dbname). */
  dbSecretArn: string;
  /** ARN of the licence secret; empty when the AMI carries its own licence. */
  licenceSecretArn: string;
  fileSystemId: string;
  accessPointId: string;
  /** Env files the dashboard reads. */
  envFiles: string[];
  /** systemd units that start the dashboard. */
  serviceUnits: string[];
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

/**
 * The bootstrap script of a dashboard instance (Ubuntu, the Marketplace AMI's OS). Unlike the
 * reference (`bash -x`, secrets echoed into startup.sh, then a reboot) it never traces commands,
 * never prints a secret and writes secrets only to 0600 root files, re-read at every start of
 * the dashboard so a restart after rotation uses the new password. EFS is mounted over TLS,
 * through the access point, with IAM authorization.
 */
export function renderUserData(p: UserDataParams): string {
  const envFiles = p.envFiles.map((f, i) => shellWord(`envFiles[${i}]`, f)).join(" ");
  const units = p.serviceUnits.map((u, i) => shellWord(`serviceUnits[${i}]`, u));
  const dropIns = units
    .map((unit) =>
      [
        `mkdir -p /etc/systemd/system/${unit.slice(1, -1)}.d`,
        `cat > /etc/systemd/system/${unit.slice(1, -1)}.d/tdp-pi-settings.conf <<'UNIT'`,
        "# Re-read the dashboard's settings from Secrets Manager before every start.",
        "[Service]",
        "ExecStartPre=/usr/local/sbin/tdp-pi-settings",
        "UNIT",
      ].join("\n"),
    )
    .join("\n");
  return `#!/bin/bash
# Panintelligence dashboard bootstrap (@tdp/bi-dashboard).
# This script handles secrets: command tracing stays off and no secret is ever printed.
set -euo pipefail
umask 077

REGION=${shellWord("region", p.region)}
DB_SECRET_ARN=${shellWord("dbSecretArn", p.dbSecretArn)}
LICENCE_SECRET_ARN=${shellWord("licenceSecretArn", p.licenceSecretArn)}
FILE_SYSTEM_ID=${shellWord("fileSystemId", p.fileSystemId)}
ACCESS_POINT_ID=${shellWord("accessPointId", p.accessPointId)}
EFS_MOUNT=${shellWord("efsMount", INSTANCE_EFS_MOUNT)}
export DEBIAN_FRONTEND=noninteractive

# Tools: the AWS CLI and jq read the secrets; amazon-efs-utils mounts EFS over TLS.
missing=()
command -v aws >/dev/null || missing+=(awscli)
command -v jq >/dev/null || missing+=(jq)
if [ "\${#missing[@]}" -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q "\${missing[@]}"
fi
if ! command -v mount.efs >/dev/null; then
  apt-get update -q
  apt-get install -y -q git binutils rustc cargo pkg-config libssl-dev gettext nfs-common stunnel4
  rm -rf /tmp/efs-utils
  git clone --depth 1 --branch ${shellWord("efsUtilsRelease", EFS_UTILS_RELEASE)} https://github.com/aws/efs-utils /tmp/efs-utils
  (cd /tmp/efs-utils && ./build-deb.sh)
  apt-get install -y -q /tmp/efs-utils/build/amazon-efs-utils*deb
  rm -rf /tmp/efs-utils
fi

# EFS over TLS, through the access point (owned by the dashboard user), with IAM authorization.
mkdir -p "$EFS_MOUNT"
if ! grep -qF "$FILE_SYSTEM_ID:/ $EFS_MOUNT " /etc/fstab; then
  echo "$FILE_SYSTEM_ID:/ $EFS_MOUNT efs _netdev,noresvport,tls,iam,accesspoint=$ACCESS_POINT_ID 0 0" >> /etc/fstab
fi
mountpoint -q "$EFS_MOUNT" || mount "$EFS_MOUNT"

# The dashboard's folders live on EFS; the AMI's own files seed an empty share, never overwriting.
mkdir -p /var/panintelligence
for folder in ${DASHBOARD_FOLDERS.join(" ")}; do
  target="$EFS_MOUNT/$folder"
  link="/var/panintelligence/$folder"
  mkdir -p "$target"
  if [ -d "$link" ] && [ ! -L "$link" ]; then
    cp -rn --no-preserve=ownership "$link/." "$target/" || true
    rm -rf "$link"
  fi
  ln -sfn "$target" "$link"
done

# The settings reader, run before every start of the dashboard: the DB settings and the licence
# come from Secrets Manager each time, so a restart after rotation uses the new password.
cat > /usr/local/sbin/tdp-pi-settings <<'READER'
#!/bin/bash
# Writes the dashboard's env files from Secrets Manager. No tracing, nothing printed; secrets
# pass through variables and the environment of jq only (never a command line), files are 0600.
set -euo pipefail
umask 077
REGION=${shellWord("region", p.region)}
DB_SECRET_ARN=${shellWord("dbSecretArn", p.dbSecretArn)}
LICENCE_SECRET_ARN=${shellWord("licenceSecretArn", p.licenceSecretArn)}
ENV_FILES=(${envFiles})
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
for file in "\${ENV_FILES[@]}"; do
  mkdir -p "$(dirname "$file")"
  tmp="$(mktemp "$file.XXXXXX")"
  printf '%s' "$DB_JSON" | jq -r '"PI_DB_HOST=\\(.host)",
    "PI_DB_USERNAME=\\(.username)",
    "PI_DB_PASSWORD=\\(.password)",
    "PI_DB_PORT=\\(.port)",
    "PI_DB_SCHEMA_NAME=\\(.dbname)",
    "PI_EXTERNAL_DB=true",
    "PI_LICENCE=\\(env.PI_LICENCE)"' > "$tmp"
  chmod 0600 "$tmp"
  mv -f "$tmp" "$file"
done
READER
chown root:root /usr/local/sbin/tdp-pi-settings
chmod 0700 /usr/local/sbin/tdp-pi-settings

${dropIns}
systemctl daemon-reload
/usr/local/sbin/tdp-pi-settings
for unit in ${units.join(" ")}; do
  systemctl restart "$unit"
done
`;
}
