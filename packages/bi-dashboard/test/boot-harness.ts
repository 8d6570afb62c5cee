/**
 * A harness that EXECUTES the instance bootstrap (the real user data, with bash) against a
 * temporary root and stub system commands: `aws` answers from secret files, `mount` and
 * `mountpoint` keep a mount state, `systemctl` records its calls and, on (re)start, runs the
 * unit's ExecStartPre drop-ins as systemd would and snapshots the env files the unit starts with.
 * Commands a boot must never run (package managers, compilers, downloads, reboot) are stubs that
 * record the attempt and fail.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { CLOUDWATCH_AGENT_CTL } from "../src/defaults";
import type { UserDataParams } from "../src/user-data";
import { renderUserData } from "../src/user-data";

export const FORBIDDEN = [
  "apt-get",
  "apt",
  "dpkg",
  "git",
  "curl",
  "wget",
  "cargo",
  "rustc",
  "make",
  "reboot",
  "pip3",
];

const STUBS: Record<string, string> = {
  aws: `#!/bin/bash
echo "aws $*" >> "$STUB_LOG"
id=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--secret-id" ]; then id="$2"; fi
  shift
done
file="$STUB_SECRETS/$(printf '%s' "$id" | tr -c 'A-Za-z0-9' '_')"
if [ -f "$file" ]; then cat "$file"; else echo "An error occurred (ResourceNotFoundException)" >&2; exit 254; fi
`,
  "mount.efs": `#!/bin/bash
echo "mount.efs $*" >> "$STUB_LOG"
`,
  mount: `#!/bin/bash
echo "mount $*" >> "$STUB_LOG"
if [ -n "\${STUB_MOUNT_FAILS:-}" ]; then echo "mount: failed" >&2; exit 32; fi
touch "$STUB_STATE/mounted"
`,
  mountpoint: `#!/bin/bash
[ -e "$STUB_STATE/mounted" ]
`,
  sleep: `#!/bin/bash
exit 0
`,
  systemctl: `#!/bin/bash
echo "systemctl $*" >> "$STUB_LOG"
case "$1" in
  enable)
    if [ -n "\${STUB_ENABLE_FAILS:-}" ]; then echo "The unit files have no installation config" >&2; exit 1; fi
    ;;
  start|restart)
    unit="$2"
    for conf in "$TDP_BOOT_ROOT/etc/systemd/system/$unit.d/"*.conf; do
      [ -f "$conf" ] || continue
      while IFS= read -r line; do
        case "$line" in
          ExecStartPre=*) "$TDP_BOOT_ROOT\${line#ExecStartPre=}" || { echo "$unit: ExecStartPre failed" >&2; exit 1; } ;;
        esac
      done < "$conf"
    done
    n=$(ls "$STUB_STATE/starts" 2>/dev/null | wc -l)
    snap="$STUB_STATE/starts/$n-$unit"
    mkdir -p "$snap"
    for f in $STUB_ENV_FILES; do
      if [ -f "$TDP_BOOT_ROOT$f" ]; then cp "$TDP_BOOT_ROOT$f" "$snap/$(basename "$f")"; fi
    done
    ;;
esac
`,
};

export interface BootRun {
  status: number;
  stdout: string;
  stderr: string;
  /** Every stub call, in order ("systemctl restart panintelligence.service", ...). */
  calls: string[];
}

export interface StartSnapshot {
  unit: string;
  /** The env files (by base name) as they were when the unit started. */
  files: Record<string, string>;
}

/** One instance: its temporary root, stubs and secrets. */
export class BootHarness {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "tdp-boot-"));
  readonly root = path.join(this.dir, "root");
  private readonly bin = path.join(this.dir, "bin");
  private readonly state = path.join(this.dir, "state");
  private readonly secrets = path.join(this.dir, "secrets");
  private readonly log = path.join(this.dir, "calls.log");

  constructor(
    readonly params: UserDataParams,
    options: { omit?: string[]; agent?: boolean } = {},
  ) {
    for (const d of [this.root, this.bin, this.state, this.secrets]) {
      fs.mkdirSync(d, { recursive: true });
    }
    fs.writeFileSync(this.log, "");
    const omit = new Set(options.omit ?? []);
    for (const [name, body] of Object.entries(STUBS)) {
      if (!omit.has(name)) {
        this.stub(name, body);
      }
    }
    for (const name of FORBIDDEN) {
      this.stub(name, `#!/bin/bash\necho "${name} $*" >> "$STUB_LOG"\nexit 100\n`);
    }
    if (options.agent !== false) {
      const ctl = path.join(this.root, CLOUDWATCH_AGENT_CTL);
      fs.mkdirSync(path.dirname(ctl), { recursive: true });
      fs.writeFileSync(ctl, `#!/bin/bash\necho "amazon-cloudwatch-agent-ctl $*" >> "$STUB_LOG"\n`, {
        mode: 0o755,
      });
    }
  }

  private stub(name: string, body: string): void {
    fs.writeFileSync(path.join(this.bin, name), body, { mode: 0o755 });
  }

  /** What Secrets Manager holds for `arn` (its AWSCURRENT value). */
  setSecret(arn: string, value: string): void {
    fs.writeFileSync(path.join(this.secrets, arn.replace(/[^A-Za-z0-9]/g, "_")), value);
  }

  /** A file of the image (written under the temporary root). */
  imageFile(file: string, content: string): void {
    const full = this.path(file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }

  path(file: string): string {
    return path.join(this.root, file);
  }

  read(file: string): string {
    return fs.readFileSync(this.path(file), "utf8");
  }

  private env(extra: Record<string, string>): NodeJS.ProcessEnv {
    return {
      PATH: `${this.bin}:/usr/bin:/bin`,
      HOME: this.dir,
      LANG: "C.UTF-8",
      TDP_BOOT_ROOT: this.root,
      STUB_LOG: this.log,
      STUB_STATE: this.state,
      STUB_SECRETS: this.secrets,
      STUB_ENV_FILES: `${this.params.dashboardEnvFile} ${this.params.schedulerEnvFile}`,
      ...extra,
    };
  }

  private exec(args: string[], extra: Record<string, string>): BootRun {
    const before = fs.readFileSync(this.log, "utf8").length;
    const result = spawnSync("bash", args, { env: this.env(extra), encoding: "utf8", timeout: 30000 });
    return {
      status: result.status ?? -1,
      stdout: result.stdout,
      stderr: result.stderr,
      calls: fs.readFileSync(this.log, "utf8").slice(before).split("\n").filter(Boolean),
    };
  }

  /** Runs the real user data, as cloud-init would (bash, as root of the temporary root). */
  boot(extra: Record<string, string> = {}): BootRun {
    const file = path.join(this.dir, "user-data.sh");
    fs.writeFileSync(file, renderUserData(this.params), { mode: 0o700 });
    return this.exec([file], extra);
  }

  /** What systemd does on `systemctl restart <unit>` (through the systemctl stub). */
  restart(unit: string): BootRun {
    return this.exec([path.join(this.bin, "systemctl"), "restart", unit], {});
  }

  /** Every start of a unit so far, with the env files it started with. */
  starts(): StartSnapshot[] {
    const dir = path.join(this.state, "starts");
    if (!fs.existsSync(dir)) {
      return [];
    }
    return fs
      .readdirSync(dir)
      .sort((a, b) => Number(a.split("-")[0]) - Number(b.split("-")[0]))
      .map((entry) => {
        const snap = path.join(dir, entry);
        const files: Record<string, string> = {};
        for (const f of fs.readdirSync(snap)) {
          files[f] = fs.readFileSync(path.join(snap, f), "utf8");
        }
        return { unit: entry.slice(entry.indexOf("-") + 1), files };
      });
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
