import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

import { FAST_CREATE_SECONDS, SLOW_CREATE_TIMES, createSeconds } from "../src/create-times";
import { criticalPath, criticalPathMarkdown } from "../src/critical-path";
import type { PlanFile, PlanResource } from "../src/plan";

const STACK = "urn:pulumi:t::tdp::";

function resource(name: string, type: string, extra: Partial<PlanResource> = {}): PlanResource {
  return {
    urn: `${STACK}${type}::${name}`,
    type,
    name,
    parent: null,
    custom: !type.startsWith("tdp:"),
    protect: false,
    retainOnDelete: false,
    provider: null,
    dependencies: [],
    inputs: {},
    ...extra,
  };
}

function planOf(...resources: PlanResource[]): PlanFile {
  return { project: "tdp", stack: "t", resources, outputs: {} };
}

const SG = "aws:ec2/securityGroup:SecurityGroup";
const DOMAIN = "aws:opensearch/domain:Domain";
const RDS = "aws:rds/instance:Instance";

describe("critical path of a fresh update", () => {
  it("follows the slowest chain of dependencies, not the most resources", () => {
    const sg = resource("sg", SG);
    const domain = resource("domain", DOMAIN, { dependencies: [sg.urn] });
    const a = resource("a", SG);
    const b = resource("b", SG, { dependencies: [a.urn] });
    const c = resource("c", SG, { dependencies: [b.urn] });
    const path = criticalPath(planOf(a, b, c, sg, domain));
    assert.deepEqual(
      path.steps.map((s) => s.name),
      ["sg", "domain"],
    );
    assert.equal(path.totalSeconds, FAST_CREATE_SECONDS + SLOW_CREATE_TIMES[DOMAIN]!.seconds);
  });

  it("waits for the provider a resource names", () => {
    const provider = resource("aws", "pulumi:providers:aws");
    const domain = resource("domain", DOMAIN);
    const slowProvider = { ...provider, dependencies: [domain.urn] };
    const sg = resource("sg", SG, { provider: `${provider.urn}::id-1` });
    const path = criticalPath(planOf(domain, slowProvider, sg));
    assert.deepEqual(
      path.steps.map((s) => s.name),
      ["domain", "aws", "sg"],
    );
  });

  it("makes a dependency on a component wait for every resource inside it", () => {
    const component = resource("data", "tdp:data:Thing");
    const inner = resource("db", RDS, { parent: component.urn, inputs: { multiAz: true } });
    const after = resource("alarm", SG, { dependencies: [component.urn] });
    const path = criticalPath(planOf(component, inner, after));
    assert.deepEqual(
      path.steps.map((s) => s.name),
      ["db", "alarm"],
    );
    assert.equal(path.steps[1]!.startSeconds, 15 * 60);
  });

  it("counts single-AZ databases, reads, providers and components as what they cost", () => {
    assert.equal(createSeconds(resource("db", RDS, { inputs: { multiAz: true } })), 15 * 60);
    assert.equal(createSeconds(resource("db", RDS, { inputs: { multiAz: false } })), 10 * 60);
    assert.equal(createSeconds(resource("read", SG, { read: "sg-1" })), 0);
    assert.equal(createSeconds(resource("aws", "pulumi:providers:aws")), 0);
    assert.equal(createSeconds(resource("c", "tdp:data:Thing")), 0);
    assert.equal(
      createSeconds(resource("svc", "aws:ecs/service:Service", { inputs: { waitForSteadyState: true } })),
      300,
    );
    assert.equal(
      createSeconds(resource("svc", "aws:ecs/service:Service", { inputs: { waitForSteadyState: false } })),
      10,
    );
  });

  it("refuses a cycle, naming a resource on it", () => {
    const a = resource("a", SG, { dependencies: [`${STACK}${SG}::b`] });
    const b = resource("b", SG, { dependencies: [a.urn] });
    assert.throws(() => criticalPath(planOf(a, b)), /cycle through .*::(a|b)$/);
  });

  it("names a public source for every slow type", () => {
    for (const [type, time] of Object.entries(SLOW_CREATE_TIMES)) {
      assert.ok(time.seconds > FAST_CREATE_SECONDS, type);
      assert.ok(time.source.length > 20, type);
    }
  });

  for (const stack of ["prod", "dr"]) {
    describe(`the committed ${stack} plan`, () => {
      const plan = JSON.parse(
        fs.readFileSync(path.join(__dirname, "..", "..", "..", "plans", `${stack}.json`), "utf8"),
      ) as PlanFile;
      const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
      const result = criticalPath(plan);

      // Whether `later` waits for `earlier`: directly, through its provider, or through a
      // component that holds `earlier`.
      const waitsFor = (later: PlanResource, earlier: string): boolean => {
        const targets = [
          ...later.dependencies,
          ...(later.provider ? [later.provider.replace(/::[^:]*$/, "")] : []),
        ];
        return targets.some((target) => {
          for (let at: string | null = earlier; at !== null; at = byUrn.get(at)?.parent ?? null) {
            if (at === target) return true;
          }
          return false;
        });
      };

      it("is a chain of real dependencies with no gaps", () => {
        assert.ok(result.steps.length > 0);
        assert.equal(result.steps[0]!.startSeconds, 0);
        for (let i = 1; i < result.steps.length; i++) {
          const previous = result.steps[i - 1]!;
          const step = result.steps[i]!;
          assert.equal(step.startSeconds, previous.finishSeconds, step.urn);
          assert.ok(
            waitsFor(byUrn.get(step.urn)!, previous.urn),
            `${step.urn} does not wait for ${previous.urn}`,
          );
        }
        assert.equal(result.steps.at(-1)!.finishSeconds, result.totalSeconds);
      });

      it("readies every resource after what it waits for, and ends with the last", () => {
        let last = 0;
        for (const r of plan.resources) {
          const finish = result.finishSeconds.get(r.urn)!;
          last = Math.max(last, finish);
          for (const other of plan.resources) {
            if (other.custom && waitsFor(r, other.urn)) {
              const ready = result.finishSeconds.get(other.urn)!;
              assert.ok(finish >= ready + createSeconds(r), `${r.urn} is ready before ${other.urn}`);
            }
          }
        }
        assert.equal(result.totalSeconds, last);
      });

      it("is printed in the plan's Markdown with its total", () => {
        const markdown = fs.readFileSync(
          path.join(__dirname, "..", "..", "..", "plans", `${stack}.md`),
          "utf8",
        );
        assert.ok(markdown.includes(criticalPathMarkdown(plan).join("\n")));
      });
    });
  }

  it("keeps prod's fresh deployment under 45 minutes", () => {
    const plan = JSON.parse(
      fs.readFileSync(path.join(__dirname, "..", "..", "..", "plans", "prod.json"), "utf8"),
    ) as PlanFile;
    const minutes = criticalPath(plan).totalSeconds / 60;
    assert.ok(minutes < 45, `${minutes} minutes`);
  });
});
