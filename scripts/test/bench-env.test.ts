import { strict as assert } from "node:assert";
import * as path from "node:path";

import { userShellEnv } from "../bench/commands";

describe("pnpm bench: the commands run in the user's shell environment", () => {
  it("drops what pnpm run adds for its script and keeps the rest", () => {
    const bin = path.join("/work", "repo", "node_modules", ".bin");
    const env = userShellEnv({
      PATH: [bin, "/usr/lib/node_modules/pnpm/dist/node-gyp-bin", "/usr/local/bin", "/usr/bin"].join(
        path.delimiter,
      ),
      npm_lifecycle_event: "bench",
      npm_config_user_agent: "pnpm/10",
      pnpm_config_verify_deps_before_run: "false",
      PNPM_PACKAGE_NAME: "tdp-platform",
      INIT_CWD: "/work/repo",
      NODE: "/usr/bin/node",
      HOME: "/root",
      LANG: "C.UTF-8",
    });
    assert.deepEqual(env, {
      PATH: ["/usr/local/bin", "/usr/bin"].join(path.delimiter),
      HOME: "/root",
      LANG: "C.UTF-8",
    });
  });
});
