import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";

import { REPO_ROOT } from "@tdp/offline";
import { parse } from "yaml";

/** Pulumi's own reader of the compiler options that decide transpile-only (cmd/run). */
interface PulumiTsUtils {
  loadTypeScriptCompilerOptions(tsConfigPath: string): Record<string, unknown>;
}

describe("deploy-time compilation (Pulumi.yaml runtime options)", () => {
  const project = parse(readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as {
    main: string;
    runtime: { options: Record<string, unknown> };
  };
  // The language host runs the program in its directory (main) and hands `tsconfig` over as it is.
  const programDir = path.join(REPO_ROOT, project.main);
  const tsconfig = String(project.runtime.options["tsconfig"]);

  it("names a tsconfig in the program directory whose own compilerOptions set noCheck and no @types", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tsutils = require("@pulumi/pulumi/tsutils") as PulumiTsUtils;
    const options = tsutils.loadTypeScriptCompilerOptions(path.join(programDir, tsconfig));
    assert.equal(
      options["noCheck"],
      true,
      `${tsconfig} must set compilerOptions.noCheck itself (not by extends)`,
    );
    assert.deepEqual(options["types"], []);
    assert.equal(project.runtime.options["typescript"], true);
  });

  it("extends the type-checked tsconfig, so deploys compile the same sources with the same settings", () => {
    const text = readFileSync(path.join(programDir, tsconfig), "utf8");
    assert.match(text, /"extends": "\.\/tsconfig\.json"/);
  });
});
