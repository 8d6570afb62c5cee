/**
 * The executable of `pnpm plan` (see `planCli` in ./plan.ts for the command). Only this file sets
 * the process-wide settings below, so tests can run the command in their own process.
 */
import { planCli } from "./plan";

// The Pulumi SDK captures a stack trace for every resource it registers; mapping each through
// source maps costs about a second per plan and nothing in a plan uses the positions.
process.setSourceMapsEnabled(false);
// The SDK also records a stack trace on every promise it tracks (for its leak report) and every
// resource (for its source position); formatting them took about 0.5 s of CPU per plan. This
// command prints only error messages, never stacks, so it keeps none.
Error.stackTraceLimit = 0;

// With preview=false every output resolves; if one never did (say a method call of a
// multi-language component), Node would run out of work and exit 0 with nothing written.
let finished = false;
process.on("beforeExit", () => {
  if (!finished) {
    console.error(
      "the program stopped with an output that never resolved (a method of an awsx/eks component? an invoke the offline engine ignores?)",
    );
    process.exit(1);
  }
});

planCli(process.argv.slice(2)).then(
  (code) => {
    finished = true;
    process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
