import { strict as assert } from "node:assert";

import type { PlanFile } from "../src/plan";
import { planHandOver, planMarkdown } from "../src/plan";

const plan = (outputs: PlanFile["outputs"]): PlanFile => ({
  project: "tdp",
  stack: "prod",
  resources: [],
  outputs,
});

describe("the plan's Markdown summary", () => {
  it("prints the handOver output as one table per heading", () => {
    const markdown = planMarkdown(
      plan({
        handOver: {
          "Single sign-on (for the identity team)": {
            "SAML entity id": "urn:amazon:cognito:sp:us-east-1_ABC",
            "A | piped value": "x|y",
          },
        },
      }),
    );
    assert.ok(
      markdown.includes(
        [
          "## Values to hand over",
          "",
          "### Single sign-on (for the identity team)",
          "",
          "| Value | |",
          "|---|---|",
          "| SAML entity id | `urn:amazon:cognito:sp:us-east-1_ABC` |",
          "| A \\| piped value | `x\\|y` |",
          "",
          "## Components and how they connect",
        ].join("\n"),
      ),
      markdown,
    );
  });

  it("has no hand-over section without that output, or with one that is not a mapping", () => {
    assert.deepEqual(planHandOver(plan({ sso: { userPoolId: "x" } })), []);
    assert.deepEqual(planHandOver(plan({ handOver: ["x"] })), []);
    assert.ok(!planMarkdown(plan({})).includes("Values to hand over"));
  });
});
