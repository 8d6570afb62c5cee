import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";

import type { OfflineContext, RegionZones } from "./context";
import type { Inventory } from "./inventory";
import { loadInventory } from "./inventory";
import { answerInvoke } from "./invokes";
import type { RecordedOptions, RecordedResource } from "./recording";
import { Recording, readRecord } from "./recording";
import type { PlanValue } from "./serialize";
import { toPlanValue, unwrapSecrets } from "./serialize";
import { readStackFile } from "./stack-file";
import { synthesize } from "./synth";

/** The repository root: stack files, `stacks/` and `plans/` live there. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
export const PROJECT = "tdp";
/** The organization of every stack on DIY backends (local, S3), and of the offline engine's. */
export const ORGANIZATION = "organization";
/** The config key that turns default providers off, per package (`["aws"]`, or `["*"]` for all). */
export const DISABLE_DEFAULT_PROVIDERS_KEY = "pulumi:disable-default-providers";
const DEFAULT_ACCOUNT = "111111111111";
const DEFAULT_REGION = "us-east-1";

/** The parts of the runtime the engine uses that the SDK's typings keep internal. */
interface RuntimeInternals {
  _setStack(stack: string): void;
  waitForRPCs(): Promise<void>;
}

export interface WireStruct {
  toJavaScript(): Record<string, unknown>;
}

/** The parts of a RegisterResourceRequest a recording reads. */
export interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDependenciesList(): string[];
  getProvider(): string;
  getObject(): WireStruct | undefined;
  getProvidersMap(): { toArray(): [string, string][] };
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getAliasesList(): WireAlias[];
  getDeletedwith(): string;
  getImportid(): string;
  getTransformsList(): unknown[];
}

export interface WireAlias {
  getUrn(): string;
  getSpec():
    | {
        getName(): string;
        getType(): string;
        getStack(): string;
        getProject(): string;
        getParenturn(): string;
        getNoparent(): boolean;
      }
    | undefined;
}

interface ReadRequest {
  getId(): string;
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getProvider(): string;
  getProperties(): WireStruct | undefined;
}

interface RegisterOutputsRequest {
  getUrn(): string;
  getOutputs(): WireStruct | undefined;
}

type Callback<T> = (error: Error | null, response: T) => void;

interface MockMonitorShape {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterRequest, callback: Callback<{ getUrn(): string }>): Promise<void>;
  readResource(req: ReadRequest, callback: Callback<{ getUrn(): string }>): Promise<void>;
  registerResourceOutputs(req: RegisterOutputsRequest, callback: Callback<unknown>): void;
}

export interface RunStackOptions {
  /** The stack name, e.g. "prod": its config is `Pulumi.<stack>.yaml` at the repo root. */
  stack: string;
  /** Another stack file to use instead of `Pulumi.<stack>.yaml`. */
  configFile?: string;
  /** The program to run; by default the repo's `stacks/` program. */
  program?: () => Promise<Record<string, unknown> | void>;
}

export const DEFAULT_PLANS_DIR = path.join(REPO_ROOT, "plans");

/**
 * Pulumi stack references resolve to the outputs of the offline plan of that stack, so prod's
 * program sees what the dr program really exports. A reference names `<org>/<project>/<stack>`
 * (the program qualifies a bare name with its organization and project) or a bare stack; only this
 * project's stacks have plans.
 */
export function planOutputs(stackName: string, plansDir: string): Record<string, unknown> {
  const parts = stackName.split("/");
  const stack = parts[parts.length - 1] ?? stackName;
  if (parts.length === 3 && parts[1] !== PROJECT) {
    throw new Error(
      `the stack reference to "${stackName}" names the project ${parts[1]}; the offline engine has plans of the project ${PROJECT} only`,
    );
  }
  if (parts.length !== 1 && parts.length !== 3) {
    throw new Error(`the stack reference "${stackName}" is neither a stack name nor <org>/<project>/<stack>`);
  }
  const file = path.join(plansDir, `${stack}.json`);
  if (!existsSync(file)) {
    throw new Error(
      `the stack reference to "${stackName}" needs the offline plan ${path.relative(REPO_ROOT, file)}: run pnpm plan ${stack} first`,
    );
  }
  const plan = JSON.parse(readFileSync(file, "utf8")) as { outputs?: Record<string, unknown> };
  return plan.outputs ?? {};
}

/**
 * The account and region invokes and ARNs answer with for a config (values as the CLI hands them
 * over): `aws:region` and `tdp:platform.accountId`, else us-east-1 and 111111111111.
 */
export function identityFromConfig(config: Record<string, string>): { accountId: string; region: string } {
  const platform = config["tdp:platform"];
  let accountId: string | undefined;
  try {
    accountId = platform
      ? (JSON.parse(platform) as { accountId?: unknown }).accountId?.toString()
      : undefined;
  } catch {
    accountId = undefined;
  }
  return {
    region: config["aws:region"] ?? DEFAULT_REGION,
    accountId: accountId && /^\d{12}$/.test(accountId) ? accountId : DEFAULT_ACCOUNT,
  };
}

/**
 * The packages whose default provider the config disables (`pulumi:disable-default-providers`,
 * a list as JSON text); `*` disables them all.
 */
export function disabledDefaultProviders(config: Record<string, string>): string[] {
  const text = config[DISABLE_DEFAULT_PROVIDERS_KEY];
  if (text === undefined) {
    return [];
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((item): item is string => typeof item === "string")) {
    throw new Error(`${DISABLE_DEFAULT_PROVIDERS_KEY} must be a list of package names, got ${text}`);
  }
  return list;
}

/** The id part of a provider reference `<urn>::<id>`. */
function providerId(reference: string): string {
  return reference.slice(reference.lastIndexOf("::") + 2);
}

/** A provider reference is `<urn>::<id>`; plans keep the URN (ids are made up offline). */
function providerUrn(reference: string): string {
  return reference.split("::").slice(0, -1).join("::");
}

/**
 * The per-package providers a component (ours or a multi-language one such as the awsx VPC)
 * passes to its children, by package, sorted; undefined when there are none.
 */
function providersOf(req: RegisterRequest): Record<string, string> | undefined {
  const entries = req
    .getProvidersMap()
    .toArray()
    .filter(([, reference]) => reference !== "")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length > 0
    ? Object.fromEntries(entries.map(([pkg, reference]) => [pkg, providerUrn(reference)]))
    : undefined;
}

/**
 * The resource options of a registration that change how the engine updates or replaces it:
 * only those set, keys in a fixed order, lists sorted; undefined when none is set.
 */
function optionsOf(req: RegisterRequest): RecordedOptions | undefined {
  const options: RecordedOptions = {};
  const sorted = (list: string[]) => [...new Set(list)].sort();
  if (req.getAdditionalsecretoutputsList().length > 0) {
    options.additionalSecretOutputs = sorted(req.getAdditionalsecretoutputsList());
  }
  const aliases = req.getAliasesList().map((alias) => {
    const spec = alias.getSpec();
    if (alias.getUrn() || spec === undefined) {
      return alias.getUrn();
    }
    const fields: [string, string | boolean][] = [
      ["name", spec.getName()],
      ["type", spec.getType()],
      ["project", spec.getProject()],
      ["stack", spec.getStack()],
      ["parentUrn", spec.getParenturn()],
      ["noParent", spec.getNoparent()],
    ];
    return Object.fromEntries(fields.filter(([, value]) => value !== "" && value !== false));
  });
  if (aliases.length > 0) {
    options.aliases = aliases.sort((a, b) => {
      const [x, y] = [JSON.stringify(a), JSON.stringify(b)];
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  const timeouts = req.getCustomtimeouts();
  if (timeouts && (timeouts.getCreate() || timeouts.getUpdate() || timeouts.getDelete())) {
    options.customTimeouts = Object.fromEntries(
      (
        [
          ["create", timeouts.getCreate()],
          ["update", timeouts.getUpdate()],
          ["delete", timeouts.getDelete()],
        ] as const
      ).filter(([, value]) => value !== ""),
    );
  }
  if (req.getDeletebeforereplacedefined()) {
    options.deleteBeforeReplace = req.getDeletebeforereplace();
  }
  if (req.getDeletedwith()) {
    options.deletedWith = req.getDeletedwith();
  }
  if (req.getIgnorechangesList().length > 0) {
    options.ignoreChanges = sorted(req.getIgnorechangesList());
  }
  if (req.getImportid()) {
    options.import = req.getImportid();
  }
  if (req.getReplaceonchangesList().length > 0) {
    options.replaceOnChanges = sorted(req.getReplaceonchangesList());
  }
  if (req.getTransformsList().length > 0) {
    options.transforms = req.getTransformsList().length;
  }
  return Object.keys(options).length > 0 ? options : undefined;
}

/** A registration as the plan records it. */
export function registrationRecord(req: RegisterRequest, urn: string): RecordedResource {
  const provider = req.getProvider();
  const providers = providersOf(req);
  const options = optionsOf(req);
  return {
    urn,
    type: req.getType(),
    name: req.getName(),
    parent: req.getParent() || null,
    custom: req.getCustom(),
    protect: req.getProtect() === true,
    retainOnDelete: req.getRetainondelete() === true,
    dependencies: [...new Set(req.getDependenciesList())].sort(),
    provider: provider ? providerUrn(provider) : null,
    ...(providers ? { providers } : {}),
    ...(options ? { options } : {}),
    inputs: (toPlanValue(req.getObject()?.toJavaScript() ?? {}) ?? {}) as Record<string, PlanValue>,
  };
}

/** `urn:pulumi:<stack>::<project>::<parent types joined by $>$<type>::<name>`, as the engine makes them. */
export function standardUrn(parent: string, type: string, name: string): string {
  const parentType = parent ? (parent.split("::")[2] ?? "") : "";
  const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
  return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
}

/**
 * The offline engine: Pulumi's mocks, installed once per process, that answer invokes and stack
 * references, synthesise computed attributes and record every registration in full.
 */
export class OfflineEngine {
  private ctx: OfflineContext;
  private recorded: RecordedResource[] = [];
  private stackOutputs: Record<string, PlanValue> = {};
  private pending = 0;
  private installed = false;
  private plansDir = DEFAULT_PLANS_DIR;
  /** The region of each AWS provider registered, by its id. */
  private readonly providerRegions = new Map<string, string>();
  private identity: { accountId?: string; region?: string } = {};
  private disabledProviders: string[] = [];
  /** Whether inventory, identity, zones or plans directory differ from the defaults (until `reset`). */
  private customized = false;
  /** Whether the config is a stack file's, set by runStack or runStackShared. */
  private configFromStackFile = false;
  /** `runStackShared`'s recordings, by stack and what they were planned from. */
  private shared = new Map<string, Recording>();

  constructor() {
    this.ctx = {
      region: DEFAULT_REGION,
      accountId: DEFAULT_ACCOUNT,
      partition: "aws",
      stack: "test",
      inventory: loadInventory(),
    };
  }

  /** Installs the mocks (once). */
  install(): void {
    if (this.installed) {
      return;
    }
    this.installed = true;
    void pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          this.requireExplicitProvider(args.type, args.custom === true, args.provider, "resource");
          if (args.type === "pulumi:pulumi:StackReference") {
            const name = String(args.inputs["name"] ?? args.name);
            return {
              id: name,
              state: {
                ...args.inputs,
                name,
                outputs: planOutputs(name, this.plansDir),
                secretOutputNames: [],
              },
            };
          }
          // A resource of an AWS provider for another region (a second explicit provider) gets
          // that region in its synthesized ARNs and endpoints, as AWS would answer.
          const region = args.provider ? this.providerRegions.get(providerId(args.provider)) : undefined;
          const answer = synthesize(
            {
              type: args.type,
              name: args.name,
              inputs: unwrapSecrets(args.inputs) as Record<string, unknown>,
            },
            region === undefined ? this.ctx : { ...this.ctx, region },
          );
          if (args.type === "pulumi:providers:aws" && typeof args.inputs["region"] === "string") {
            this.providerRegions.set(answer.id, args.inputs["region"]);
          }
          return answer;
        },
        call: (args) => {
          try {
            this.requireExplicitProvider(args.token, true, args.provider, "invoke");
            return answerInvoke(args.token, unwrapSecrets(args.inputs) as Record<string, unknown>, this.ctx);
          } catch (error) {
            // The SDK rejects a failed invoke with `new Error(err.details)`, the gRPC status text;
            // without `details` the message of the failure would be lost.
            throw Object.assign(error instanceof Error ? error : new Error(String(error)), {
              details: error instanceof Error ? error.message : String(error),
            });
          }
        },
      },
      PROJECT,
      this.ctx.stack,
      false,
      ORGANIZATION,
    );
    this.wrapMonitor();
  }

  /**
   * As the engine does with `pulumi:disable-default-providers`: a custom resource or an invoke of
   * a package whose default provider is disabled must name an explicit provider.
   */
  private requireExplicitProvider(
    token: string,
    custom: boolean,
    provider: string | undefined,
    kind: string,
  ): void {
    const pkg = token.split(":")[0] ?? "";
    if (!custom || provider || pkg === "pulumi" || token.startsWith("pulumi:providers:")) {
      return;
    }
    if (this.disabledProviders.includes(pkg) || this.disabledProviders.includes("*")) {
      throw new Error(
        `Default provider for '${pkg}' disabled. '${token}' must use an explicit provider (${kind}; ${DISABLE_DEFAULT_PROVIDERS_KEY})`,
      );
    }
  }

  private wrapMonitor(): void {
    const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorShape;
    // The mock monitor's URNs keep only the parent's last type and put `pulumi:pulumi:Stack` in
    // every top-level URN; the engine's carry the whole chain of parent types and leave the root
    // stack out. Plans and policies key on URNs, so they must be the real ones.
    monitor.newUrn = (parent, type, name) => standardUrn(parent, type, name);
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
      this.pending++;
      return registerResource(req, (error, response) => {
        try {
          if (!error) {
            this.recorded.push(registrationRecord(req, response.getUrn()));
          }
        } finally {
          this.pending--;
          callback(error, response);
        }
      });
    };
    // Reads (`Resource.get`, stack references) are recorded too, marked with the id they read:
    // they are part of the graph a reviewer must see, but policies must not judge them as created.
    const readResource = monitor.readResource.bind(monitor);
    monitor.readResource = (req, callback) => {
      this.pending++;
      return readResource(req, (error, response) => {
        try {
          if (!error) {
            this.recorded.push(this.toReadRecord(req, response.getUrn()));
          }
        } finally {
          this.pending--;
          callback(error, response);
        }
      });
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, callback) => {
      if (req.getUrn().split("::").pop() !== undefined && req.getUrn().includes("::pulumi:pulumi:Stack::")) {
        const outputs = toPlanValue(req.getOutputs()?.toJavaScript() ?? {});
        this.stackOutputs = (outputs ?? {}) as Record<string, PlanValue>;
      }
      registerOutputs(req, callback);
    };
  }

  private toReadRecord(req: ReadRequest, urn: string): RecordedResource {
    const provider = req.getProvider();
    return readRecord(
      req,
      urn,
      provider ? providerUrn(provider) : null,
      req.getProperties()?.toJavaScript() ?? {},
    );
  }

  /** Where look-ups of existing resources are answered from. */
  setInventory(inventory: Partial<Inventory>): void {
    this.customized = true;
    this.ctx.inventory = { ...loadInventory(), ...inventory };
  }

  /**
   * The account and region the invokes and ARNs answer with, whatever the config says (until
   * `reset`). By default they follow `aws:region` and `tdp:platform.accountId` of the config.
   */
  setIdentity(identity: { accountId?: string; region?: string }): void {
    this.customized = true;
    this.identity = { ...identity };
    this.ctx.accountId = identity.accountId ?? this.ctx.accountId;
    this.ctx.region = identity.region ?? this.ctx.region;
  }

  /**
   * The availability zones `getAvailabilityZones` answers for the given regions (until `reset`),
   * instead of the engine's table: names in order, zone ids derived (`<prefix>-az1`, …) unless given.
   */
  setAvailabilityZones(byRegion: Record<string, string[] | RegionZones>): void {
    this.customized = true;
    this.ctx.availabilityZones = Object.fromEntries(
      Object.entries(byRegion).map(([region, zones]) => {
        if (!Array.isArray(zones)) {
          if (zones.zoneIds.length !== zones.names.length) {
            throw new Error(
              `setAvailabilityZones: ${region} has ${zones.names.length} names but ${zones.zoneIds.length} zone ids`,
            );
          }
          return [region, { names: [...zones.names], zoneIds: [...zones.zoneIds] }];
        }
        const [geo, direction, number] = region.split("-");
        const prefix = `${geo}${(direction ?? "").slice(0, 1)}${number}`;
        return [region, { names: [...zones], zoneIds: zones.map((_, i) => `${prefix}-az${i + 1}`) }];
      }),
    );
  }

  /** Where stack references find the plans of other stacks (default: `plans/` at the repo root). */
  setPlansDir(dir: string): void {
    this.customized = true;
    this.plansDir = dir;
  }

  /** Back to the default inventory, zones, account, region, plans directory and an empty config. */
  reset(): void {
    this.ctx.inventory = loadInventory();
    delete this.ctx.availabilityZones;
    this.identity = {};
    this.plansDir = DEFAULT_PLANS_DIR;
    this.customized = false;
    this.setConfig({});
  }

  /**
   * Replaces the whole config of the program (keys like `tdp:platform`). Values are given as the
   * CLI hands them to a program: strings as they are, anything else (objects, numbers, booleans)
   * as JSON text. Keys in `secretKeys` are secret, as `secure:` values are.
   */
  setConfig(config: Record<string, unknown>, secretKeys: string[] = []): void {
    this.install();
    const asText: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
      asText[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    this.configFromStackFile = false;
    this.disabledProviders = disabledDefaultProviders(asText);
    pulumi.runtime.setAllConfig(asText, secretKeys);
    const identity = identityFromConfig(asText);
    this.ctx.region = this.identity.region ?? identity.region;
    this.ctx.accountId = this.identity.accountId ?? identity.accountId;
  }

  private useStack(stack: string): void {
    this.install();
    this.ctx.stack = stack;
    (pulumi.runtime as unknown as RuntimeInternals)._setStack(stack);
  }

  /**
   * Runs `fn` inside a stack and waits for every registration it causes; returns what was
   * registered. Errors thrown by `fn` or by a registration reject the promise.
   */
  async record(fn: () => unknown, stack = "test"): Promise<Recording> {
    // A stack file's config (say its pulumi:disable-default-providers) is left set after a stack
    // run for the tests that read it; a component recorded after it in the same process must not
    // inherit it. Config set with setConfig stays.
    if (this.configFromStackFile) this.setConfig({});
    return this.recordProgram(fn, stack);
  }

  private async recordProgram(fn: () => unknown, stack: string): Promise<Recording> {
    this.useStack(stack);
    this.recorded = [];
    this.stackOutputs = {};
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
      await pulumi.runtime.runInPulumiStack(async () => {
        const result = await fn();
        return result && typeof result === "object" ? result : {};
      });
      await this.settle();
    } catch (error) {
      failures.unshift(error);
    } finally {
      // A failed program leaves other promises of the same run rejected; Node reports them after
      // this turn, and they belong to this run, not to whatever test comes next.
      await new Promise((resolve) => setImmediate(resolve));
      process.off("unhandledRejection", onRejection);
    }
    if (failures.length > 0) {
      throw failures[0] instanceof Error ? failures[0] : new Error(String(failures[0]));
    }
    return new Recording([...this.recorded], { ...this.stackOutputs });
  }

  /** Waits until no registration is in flight, several turns in a row. */
  private async settle(): Promise<void> {
    const internals = pulumi.runtime as unknown as RuntimeInternals;
    let quiet = 0;
    while (quiet < 3) {
      await internals.waitForRPCs();
      await new Promise((resolve) => setImmediate(resolve));
      quiet = this.pending === 0 ? quiet + 1 : 0;
    }
  }

  /** Runs a stack's program with its stack file (or another one) and records it. */
  async runStack(options: RunStackOptions): Promise<Recording> {
    const file = options.configFile ?? path.join(REPO_ROOT, `Pulumi.${options.stack}.yaml`);
    const { config, secretKeys } = readStackFile(file);
    this.setConfig(config, secretKeys);
    this.configFromStackFile = true;
    const program =
      options.program ??
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require(path.join(REPO_ROOT, "stacks")) as () => Promise<Record<string, unknown>>);
    return this.recordProgram(() => program(), options.stack);
  }

  /**
   * The recording of a stack's program with its committed stack file, run once per process and
   * shared: for tests that only read a stack's plan. It runs again when the stack file or a
   * committed plan (which stack references read) changed, and runs unshared while the inventory,
   * identity, zones or plans directory are not the defaults. The recording must not be modified.
   */
  async runStackShared(stack: string): Promise<Recording> {
    if (this.customized) return this.runStack({ stack });
    const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
    const plans = existsSync(DEFAULT_PLANS_DIR)
      ? readdirSync(DEFAULT_PLANS_DIR)
          .filter((name) => name.endsWith(".json"))
          .sort()
          .map((name) => `${name}@${statSync(path.join(DEFAULT_PLANS_DIR, name)).mtimeMs}`)
      : [];
    const key = JSON.stringify([stack, existsSync(file) ? readFileSync(file, "utf8") : "", plans]);
    const cached = this.shared.get(key);
    if (cached) {
      // The config of this stack, as after a fresh run: what tests read through pulumi.Config.
      const { config, secretKeys } = readStackFile(file);
      this.setConfig(config, secretKeys);
      this.configFromStackFile = true;
      this.useStack(stack);
      return cached;
    }
    const recording = await this.runStack({ stack });
    this.shared.set(key, recording);
    return recording;
  }

  /** The value of an output, once it resolves. */
  outputValue<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => {
      pulumi.output(output).apply((value) => {
        resolve(value as T);
        return value;
      });
    });
  }
}

const ENGINE_KEY = Symbol.for("tdp.offline.engine");
const globalRegistry = globalThis as unknown as Record<symbol, OfflineEngine | undefined>;

/** The one engine of this process. */
export const offline: OfflineEngine = (globalRegistry[ENGINE_KEY] ??= new OfflineEngine());
