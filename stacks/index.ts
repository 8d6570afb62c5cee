// The Pulumi program (Pulumi.yaml `main: stacks/`). Pulumi calls the exported function and
// publishes what it returns as the stack outputs.
import { program } from "./src/program";

export = program;
