/**
 * The stand-in engine: the ResourceMonitor and Engine gRPC services of Pulumi's protocol (the protos
 * shipped in `@pulumi/pulumi/proto`), answered the way the real engine answers a first deployment,
 * with the offline engine's invokes and synthesised attributes. Checked against pulumi/pulumi's
 * `pkg/resource/deploy/source_eval.go`, `default_providers.go` and `builtins.go`.
 */
import { randomUUID } from "node:crypto";

import * as grpc from "@grpc/grpc-js";
import * as callbackGrpc from "@pulumi/pulumi/proto/callback_grpc_pb";
import * as callbackProto from "@pulumi/pulumi/proto/callback_pb";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import * as resourceGrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourceProto from "@pulumi/pulumi/proto/resource_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

import type { OfflineContext } from "../context";
import type { RegisterRequest } from "../engine";
import { planOutputs, registrationRecord } from "../engine";
import { answerInvoke } from "../invokes";
import type { RecordedResource } from "../recording";
import { readRecord } from "../recording";
import { unwrapSecrets } from "../serialize";
import { synthesize } from "../synth";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
/** What the engine answers for a value it cannot know yet (a preview's computed attributes). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type JsObject = Record<string, unknown>;

/** The monitor features the real engine of Pulumi 3.270 reports, less the ones programs here never use. */
export const SUPPORTED_FEATURES: Readonly<Record<string, number>> = {
  secrets: resourceProto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_SECRETS,
  resourceReferences: resourceProto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
  outputValues: resourceProto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_OUTPUT_VALUES,
  aliasSpecs: resourceProto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
  deletedWith: resourceProto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
  transforms: resourceProto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_TRANSFORMS,
  invokeTransforms: resourceProto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_INVOKE_TRANSFORMS,
};

/** One registration the program made, as the engine saw it after transforms and provider resolution. */
export interface RuntimeRegistration extends RecordedResource {
  /** A multi-language component (`remote`), constructed by its provider plugin in a real run. */
  remote: boolean;
  /** The package whose default provider this registration needed (no explicit provider). */
  defaultProvider?: string;
  /** How many transforms (the resource's, its ancestors', the stack's) ran over it. */
  transformsRun: number;
  /** The inputs as sent (secrets and unknowns in their wire form), for the policy pack. */
  wireInputs: JsObject;
  /** What the engine answered with (the outputs), in wire form. */
  wireOutputs: JsObject;
}

export interface RuntimeInvoke {
  token: string;
  provider: string | null;
  defaultProvider?: string;
}

export interface RuntimeLog {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn: string;
}

/** A secret config value found outside a secret wrapper in something the program sent. */
export interface SecretLeak {
  /** The request: `RegisterResource <urn>`, `Invoke <token>`, ... */
  where: string;
  /** The property path inside it. */
  path: string;
  /** The config path of the secret (`tdp:biDashboard.licenceKey`). */
  secret: string;
}

export interface StandInEngineOptions {
  project: string;
  stack: string;
  organization: string;
  dryRun: boolean;
  /** Config as the CLI hands it over (`namespace:key` to text); `pulumi:disable-default-providers` is honoured. */
  config: Record<string, string>;
  /** The config keys holding secrets (PULUMI_CONFIG_SECRET_KEYS). */
  secretKeys: string[];
  /** The secret config values, by config path: none may reach the engine unwrapped. */
  secretValues: Record<string, string>;
  /** Where stack references find the outputs of other stacks (their committed plans). */
  plansDir: string;
  /** Region, account and inventory the invokes and synthesised attributes answer with. */
  context: OfflineContext;
  /**
   * Called when the deployment fails in the engine itself (a resource denied its default provider):
   * the real engine then reports the error and cancels the program.
   */
  onFatal?: (message: string) => void;
}

type ResourceState = { urn: string; id: string; provider: string; outputs: JsObject };
type Transform = (
  name: string,
  type: string,
  custom: boolean,
  parent: string,
  props: JsObject,
  opts: resourceProto.TransformResourceOptions,
) => Promise<{ props: JsObject; opts: resourceProto.TransformResourceOptions }>;
type InvokeTransform = (
  token: string,
  args: JsObject,
  opts: resourceProto.TransformInvokeOptions,
) => Promise<{ args: JsObject; opts: resourceProto.TransformInvokeOptions }>;

function status(code: grpc.status, message: string): grpc.ServiceError {
  return Object.assign(new Error(message), { code, details: message, metadata: new grpc.Metadata() });
}

function errorOf(error: unknown): grpc.ServiceError {
  if (error instanceof Error && "code" in error) return error as grpc.ServiceError;
  return status(grpc.status.UNKNOWN, error instanceof Error ? error.message : String(error));
}

/** Runs an async handler and answers the call with its result or error (also passed to `failed`). */
function unary<Req, Res>(
  handler: (request: Req) => Promise<Res> | Res,
  failed: (error: grpc.ServiceError) => void = () => undefined,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => handler(call.request))
      .then(
        (response) => callback(null, response),
        (error: unknown) => {
          const serviceError = errorOf(error);
          failed(serviceError);
          callback(serviceError, null);
        },
      );
  };
}

/** `pulumi:providers:aws` is a provider type; its package is `aws`. */
function isProviderType(type: string): boolean {
  return type.startsWith("pulumi:providers:");
}

function packageOf(token: string): string {
  return token.split(":")[0] ?? token;
}

/** The name the engine gives a default provider: `default`, or `default_7_48_0` for a version. */
export function defaultProviderName(version: string): string {
  return version ? `default_${version.replace(/[.+-]/g, "_")}` : "default";
}

/** The packages `pulumi:disable-default-providers` (JSON text of a list) denies; `*` denies all. */
export function deniedDefaultProviders(config: Record<string, string>): string[] {
  const raw = config["pulumi:disable-default-providers"];
  if (raw === undefined || raw === "") return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch (error) {
    throw new Error(`Failed to parse ${raw}: ${(error as Error).message}`);
  }
  if (!Array.isArray(list)) throw new Error("Unexpected encoding of pulumi:disable-default-providers");
  return list.map((entry, i) => {
    if (typeof entry !== "string") throw new Error(`pulumi:disable-default-providers[${i}] must be a string`);
    return entry.trim();
  });
}

/** True for a wire value that marks its content secret. */
function isSecretWire(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const record = value as JsObject;
  return record[SIG_KEY] === SECRET_SIG || (record[SIG_KEY] === OUTPUT_SIG && record["secret"] === true);
}

function containsSecret(value: unknown): boolean {
  if (isSecretWire(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsSecret);
  return false;
}

/** Every place a secret value appears in `value` outside a secret wrapper. */
export function findSecretLeaks(
  value: unknown,
  secrets: Record<string, string>,
  where: string,
): SecretLeak[] {
  const leaks: SecretLeak[] = [];
  const entries = Object.entries(secrets).filter(([, text]) => text !== "");
  const walk = (v: unknown, path: string): void => {
    if (isSecretWire(v)) return;
    if (typeof v === "string") {
      for (const [secret, text] of entries)
        if (v.includes(text)) leaks.push({ where, path: path || "(value)", secret });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, `${path}[${i}]`));
    } else if (v !== null && typeof v === "object") {
      for (const [key, item] of Object.entries(v)) walk(item, path ? `${path}.${key}` : key);
    }
  };
  walk(value, "");
  return leaks;
}

/**
 * A Struct of a JavaScript object as the SDK would send it: `undefined` properties left out
 * (`null` in lists), everything else as is.
 */
export function toStruct(value: JsObject): Struct {
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map((item) => (item === undefined ? null : clean(item)));
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([, item]) => item !== undefined)
          .map(([key, item]) => [key, clean(item)]),
      );
    }
    return v;
  };
  return Struct.fromJavaScript(clean(value) as Record<string, never>);
}

const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/**
 * Output values (the SDK's `outputValues` feature) as the engine downgrades them before a
 * resource goes to its provider or the state: a secret output becomes a secret, an unknown one
 * the unknown value, any other its plain value.
 */
export function downgradeOutputValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(downgradeOutputValues);
  if (value === null || typeof value !== "object") return value;
  const record = value as JsObject;
  if (record[SIG_KEY] === OUTPUT_SIG) {
    const inner = "value" in record ? downgradeOutputValues(record["value"]) : UNKNOWN_VALUE;
    return record["secret"] === true ? secret(inner) : inner;
  }
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, downgradeOutputValues(item)]));
}

/**
 * Properties as the CLI marshals them for an analyzer: output values downgraded and resource
 * references replaced by the resource's id (a component's URN), since analyzers keep neither.
 */
export function forAnalyzer(value: unknown): unknown {
  const downgraded = downgradeOutputValues(value);
  const replace = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(replace);
    if (v === null || typeof v !== "object") return v;
    const record = v as JsObject;
    if (record[SIG_KEY] === RESOURCE_SIG) {
      return typeof record["id"] === "string" && record["id"] !== "" ? record["id"] : record["urn"];
    }
    if (record[SIG_KEY] !== undefined) return record;
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, replace(item)]));
  };
  return replace(downgraded);
}

/** Secret-wraps a plain value as the engine marks outputs. */
function secret(value: unknown): JsObject {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/**
 * The engine side of one program run. `start()` listens on loopback and returns the address for
 * `--monitor` and `--engine`; everything the program sends is kept for the caller.
 */
export class StandInEngine {
  readonly registrations: RuntimeRegistration[] = [];
  readonly reads: RuntimeRegistration[] = [];
  readonly invokes: RuntimeInvoke[] = [];
  readonly logs: RuntimeLog[] = [];
  readonly errors: string[] = [];
  readonly secretLeaks: SecretLeak[] = [];
  /** Default providers the engine registered (`pulumi:providers:<pkg>::default_<version>`), by URN. */
  readonly defaultProviders = new Set<string>();
  /** Features the program asked about with SupportsFeature. */
  readonly featuresAsked: string[] = [];
  stackOutputs: JsObject = {};
  rootResource = "";
  /** Milliseconds (performance.now()) of the first RegisterResource call (the root stack's). */
  firstRegistrationAt: number | undefined;
  /** ... and of the first registration after the root stack's: the program has loaded. */
  firstResourceAt: number | undefined;

  private readonly server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  private readonly states = new Map<string, ResourceState>();
  private readonly parents = new Map<string, string>();
  private readonly componentProviders = new Map<string, Map<string, string>>();
  private readonly resourceTransforms = new Map<string, Transform[]>();
  private readonly stackTransforms: Transform[] = [];
  private readonly stackInvokeTransforms: InvokeTransform[] = [];
  private readonly callbackClients = new Map<string, callbackGrpc.CallbacksClient>();
  private readonly denied: string[];
  private address = "";

  constructor(private readonly options: StandInEngineOptions) {
    this.denied = deniedDefaultProviders(options.config);
    this.server.addService(resourceGrpc.ResourceMonitorService, {
      supportsFeature: unary((req: resourceProto.SupportsFeatureRequest) => {
        this.featuresAsked.push(req.getId());
        return new resourceProto.SupportsFeatureResponse().setHassupport(req.getId() in SUPPORTED_FEATURES);
      }),
      getDeploymentInfo: unary(() => {
        const info = new resourceProto.DeploymentInfo()
          .setProject(options.project)
          .setStack(options.stack)
          .setOrganization(options.organization)
          .setDryrun(options.dryRun)
          .setConfigsecretkeysList(options.secretKeys)
          .setSupportedfeaturesList(Object.values(SUPPORTED_FEATURES));
        for (const [key, value] of Object.entries(options.config)) info.getConfigMap().set(key, value);
        return info;
      }),
      registerResource: unary(
        (req: resourceProto.RegisterResourceRequest) => this.registerResource(req),
        this.failed("RegisterResource"),
      ),
      registerResourceOutputs: unary((req: resourceProto.RegisterResourceOutputsRequest) => {
        const outputs = req.getOutputs()?.toJavaScript() ?? {};
        this.secretLeaks.push(
          ...findSecretLeaks(outputs, options.secretValues, `RegisterResourceOutputs ${req.getUrn()}`),
        );
        const state = this.states.get(req.getUrn());
        if (state) state.outputs = outputs;
        if (req.getUrn() === this.rootResource || req.getUrn().includes("::pulumi:pulumi:Stack::")) {
          this.stackOutputs = outputs;
        }
        return new Empty();
      }),
      readResource: unary(
        (req: resourceProto.ReadResourceRequest) => this.readResource(req),
        this.failed("ReadResource"),
      ),
      invoke: unary((req: resourceProto.ResourceInvokeRequest) => this.invoke(req), this.failed("Invoke")),
      call: unary((req: resourceProto.ResourceCallRequest) => {
        throw status(
          grpc.status.UNIMPLEMENTED,
          `method calls (${req.getTok()}) need the component's provider plugin`,
        );
      }),
      registerStackTransform: unary((cb: callbackProto.Callback) => {
        this.stackTransforms.push(this.transformCallback(cb));
        return new Empty();
      }),
      registerStackInvokeTransform: unary((cb: callbackProto.Callback) => {
        this.stackInvokeTransforms.push(this.invokeTransformCallback(cb));
        return new Empty();
      }),
      registerPackage: unary(() => new resourceProto.RegisterPackageResponse().setRef(randomUUID())),
      signalAndWaitForShutdown: unary(() => new Empty()),
    });
    this.server.addService(engineGrpc.EngineService, {
      log: unary((req: engineProto.LogRequest) => {
        const severities = ["debug", "info", "warning", "error"] as const;
        // The SDK logs every RPC at debug level; the CLI shows those only with -v.
        if (req.getSeverity() === engineProto.LogSeverity.DEBUG) return new Empty();
        this.logs.push({
          severity: severities[req.getSeverity()] ?? "info",
          message: req.getMessage(),
          urn: req.getUrn(),
        });
        return new Empty();
      }),
      getRootResource: unary(() => new engineProto.GetRootResourceResponse().setUrn(this.rootResource)),
      setRootResource: unary((req: engineProto.SetRootResourceRequest) => {
        this.rootResource = req.getUrn();
        return new engineProto.SetRootResourceResponse();
      }),
    });
  }

  private failed(method: string): (error: grpc.ServiceError) => void {
    return (error) => this.errors.push(`${method}: ${error.details}`);
  }

  /** Listens on a free loopback port; returns `127.0.0.1:<port>`. */
  async start(): Promise<string> {
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    this.address = `127.0.0.1:${port}`;
    return this.address;
  }

  async stop(): Promise<void> {
    for (const client of this.callbackClients.values()) client.close();
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  /** `urn:pulumi:<stack>::<project>::<parent's qualified type>$<type>::<name>` (the root stack left out). */
  urnOf(parent: string, type: string, name: string): string {
    const parentType = parent ? (parent.split("::")[2] ?? "") : "";
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${this.options.stack}::${this.options.project}::${qualified}::${name}`;
  }

  /**
   * The provider reference for a resource, read or invoke of `pkg` without an explicit one: the
   * default provider, registered once per package and version, unless the config denies it.
   */
  private defaultProvider(pkg: string, version: string, denial: string): string {
    if (pkg !== "pulumi" && (this.denied.includes("*") || this.denied.includes(pkg))) {
      throw status(
        grpc.status.UNKNOWN,
        `Default provider for '${pkg}' disabled. '${denial}' must use an explicit provider.`,
      );
    }
    const urn = this.urnOf("", `pulumi:providers:${pkg}`, defaultProviderName(version));
    this.defaultProviders.add(urn);
    return `${urn}::${this.options.dryRun ? UNKNOWN_VALUE : "default-provider-id"}`;
  }

  private callbacks(target: string): callbackGrpc.CallbacksClient {
    let client = this.callbackClients.get(target);
    if (!client) {
      client = new callbackGrpc.CallbacksClient(target, grpc.credentials.createInsecure());
      this.callbackClients.set(target, client);
    }
    return client;
  }

  private callBack(cb: callbackProto.Callback, request: Uint8Array): Promise<Uint8Array> {
    const invoke = new callbackProto.CallbackInvokeRequest().setToken(cb.getToken()).setRequest(request);
    return new Promise((resolve, reject) =>
      this.callbacks(cb.getTarget()).invoke(invoke, (error, response) =>
        error || !response ? reject(error ?? new Error("no response")) : resolve(response.getResponse_asU8()),
      ),
    );
  }

  /** A transform the program registered, called back over the Callbacks service as the engine does. */
  private transformCallback(cb: callbackProto.Callback): Transform {
    return async (name, type, custom, parent, props, opts) => {
      const request = new resourceProto.TransformRequest()
        .setName(name)
        .setType(type)
        .setCustom(custom)
        .setParent(parent)
        .setProperties(toStruct(props))
        .setOptions(opts);
      const response = resourceProto.TransformResponse.deserializeBinary(
        await this.callBack(cb, request.serializeBinary()),
      );
      return {
        props: response.getProperties()?.toJavaScript() ?? props,
        opts: response.getOptions() ?? opts,
      };
    };
  }

  private invokeTransformCallback(cb: callbackProto.Callback): InvokeTransform {
    return async (token, args, opts) => {
      const request = new resourceProto.TransformInvokeRequest()
        .setToken(token)
        .setArgs(toStruct(args))
        .setOptions(opts);
      const response = resourceProto.TransformInvokeResponse.deserializeBinary(
        await this.callBack(cb, request.serializeBinary()),
      );
      return { args: response.getArgs()?.toJavaScript() ?? args, opts: response.getOptions() ?? opts };
    };
  }

  /** The transform options of a registration before any transform ran, as the engine builds them. */
  private transformOptions(req: resourceProto.RegisterResourceRequest, provider: string) {
    const opts = new resourceProto.TransformResourceOptions()
      .setDependsOnList(req.getDependenciesList())
      .setIgnoreChangesList(req.getIgnorechangesList())
      .setReplaceOnChangesList(req.getReplaceonchangesList())
      .setVersion(req.getVersion())
      .setAliasesList(req.getAliasesList())
      .setProvider(provider)
      .setPluginDownloadUrl(req.getPlugindownloadurl())
      .setDeletedWith(req.getDeletedwith())
      .setAdditionalSecretOutputsList(req.getAdditionalsecretoutputsList())
      .setImport(req.getImportid());
    if (req.hasProtect()) opts.setProtect(req.getProtect() === true);
    if (req.hasRetainondelete()) opts.setRetainOnDelete(req.getRetainondelete() === true);
    if (req.getDeletebeforereplacedefined()) opts.setDeleteBeforeReplace(req.getDeletebeforereplace());
    const timeouts = req.getCustomtimeouts();
    if (timeouts) opts.setCustomTimeouts(timeouts);
    for (const [key, value] of req.getProvidersMap().toArray()) opts.getProvidersMap().set(key, value);
    return opts;
  }

  /** The transforms that run over a registration: its own, then its ancestors', then the stack's. */
  private transformsFor(parent: string, own: Transform[]): Transform[] {
    const transforms = [...own];
    for (let current = parent; current; current = this.parents.get(current) ?? "") {
      transforms.push(...(this.resourceTransforms.get(current) ?? []));
    }
    return [...transforms, ...this.stackTransforms];
  }

  private async registerResource(
    req: resourceProto.RegisterResourceRequest,
  ): Promise<resourceProto.RegisterResourceResponse> {
    this.firstRegistrationAt ??= performance.now();
    const type = req.getType();
    if (type !== "pulumi:pulumi:Stack") this.firstResourceAt ??= performance.now();
    const name = req.getName();
    const parent = req.getParent();
    const custom = req.getCustom();
    const remote = req.getRemote();
    const urn = this.urnOf(parent, type, name);
    const pkg = packageOf(type);

    // Like the engine: a custom resource or a remote component without `provider` takes its
    // package's entry of `providers`, else its parent component's.
    let provider = req.getProvider();
    if ((custom || remote) && !provider) {
      provider = req.getProvidersMap().get(pkg) ?? this.componentProviders.get(parent)?.get(pkg) ?? "";
    }

    let props: JsObject = req.getObject()?.toJavaScript() ?? {};
    let opts = this.transformOptions(req, provider);
    const own = req.getTransformsList().map((cb) => this.transformCallback(cb));
    const transforms = this.transformsFor(parent, own);
    for (const transform of transforms) {
      ({ props, opts } = await transform(name, type, custom, parent, props, opts));
    }
    provider = opts.getProvider();
    // Like the engine, a resource that is not a remote component goes on without output values.
    if (!remote) props = downgradeOutputValues(props) as JsObject;

    let defaultProvider: string | undefined;
    if ((custom && !isProviderType(type)) || remote) {
      if (!provider) {
        defaultProvider = pkg;
        try {
          provider = this.defaultProvider(pkg, opts.getVersion(), remote ? type : urn);
        } catch (error) {
          // The engine fails the step, reports it and cancels the program.
          this.options.onFatal?.((error as Error).message);
          throw error;
        }
      }
    }
    this.secretLeaks.push(...findSecretLeaks(props, this.options.secretValues, `RegisterResource ${urn}`));

    // Component providers pass on to child components that do not set their own.
    const providers = new Map(opts.getProvidersMap().toArray());
    if (!custom) {
      for (const [key, value] of this.componentProviders.get(parent) ?? []) {
        if (!providers.has(key)) providers.set(key, value);
      }
      this.componentProviders.set(urn, providers);
    }
    if (parent) this.parents.set(urn, parent);
    if (own.length > 0) this.resourceTransforms.set(urn, own);

    const { id, outputs } = this.answerRegistration(type, name, custom, remote, props, opts);
    this.states.set(urn, { urn, id, provider, outputs });

    const view: RegisterRequest = {
      getType: () => type,
      getName: () => name,
      getParent: () => parent,
      getCustom: () => custom,
      getProtect: () => (opts.hasProtect() ? opts.getProtect() : undefined),
      getRetainondelete: () => (opts.hasRetainOnDelete() ? opts.getRetainOnDelete() : undefined),
      getDependenciesList: () => opts.getDependsOnList(),
      getProvider: () => (defaultProvider ? "" : provider),
      getObject: () => ({ toJavaScript: () => props }),
      getProvidersMap: () => ({ toArray: () => [...providers] }),
      getIgnorechangesList: () => opts.getIgnoreChangesList(),
      getReplaceonchangesList: () => opts.getReplaceOnChangesList(),
      getAdditionalsecretoutputsList: () => opts.getAdditionalSecretOutputsList(),
      getDeletebeforereplace: () => opts.getDeleteBeforeReplace() === true,
      getDeletebeforereplacedefined: () => opts.hasDeleteBeforeReplace(),
      getCustomtimeouts: () => opts.getCustomTimeouts(),
      getAliasesList: () => opts.getAliasesList(),
      getDeletedwith: () => opts.getDeletedWith(),
      getImportid: () => opts.getImport(),
      getTransformsList: () => req.getTransformsList(),
    };
    this.registrations.push({
      ...registrationRecord(view, urn),
      remote,
      ...(defaultProvider ? { defaultProvider } : {}),
      transformsRun: transforms.length,
      wireInputs: props,
      wireOutputs: outputs,
    });
    return new resourceProto.RegisterResourceResponse().setUrn(urn).setId(id).setObject(toStruct(outputs));
  }

  /**
   * What a first deployment answers: in an update, the inputs plus synthesised computed attributes
   * (secret where the input was secret or listed in additionalSecretOutputs); in a preview, the
   * inputs alone and no id, so every computed attribute is unknown to the program.
   */
  private answerRegistration(
    type: string,
    name: string,
    custom: boolean,
    remote: boolean,
    props: JsObject,
    opts: resourceProto.TransformResourceOptions,
  ): { id: string; outputs: JsObject } {
    if (!custom && !remote) return { id: "", outputs: props };
    if (isProviderType(type)) {
      return { id: this.options.dryRun ? UNKNOWN_VALUE : randomUUID(), outputs: props };
    }
    if (this.options.dryRun) return { id: "", outputs: remote ? {} : props };
    const { id, state } = synthesize(
      { type, name, inputs: unwrapSecrets(props) as JsObject },
      this.options.context,
    );
    const outputs: JsObject = { ...state };
    for (const [key, value] of Object.entries(props)) {
      if (containsSecret(value))
        outputs[key] = key in state && state[key] !== unwrapSecrets(value) ? secret(state[key]) : value;
    }
    for (const key of opts.getAdditionalSecretOutputsList()) {
      if (key in outputs && !isSecretWire(outputs[key])) outputs[key] = secret(outputs[key]);
    }
    return { id, outputs };
  }

  private async readResource(
    req: resourceProto.ReadResourceRequest,
  ): Promise<resourceProto.ReadResourceResponse> {
    const type = req.getType();
    const urn = this.urnOf(req.getParent(), type, req.getName());
    const props = req.getProperties()?.toJavaScript() ?? {};
    this.secretLeaks.push(...findSecretLeaks(props, this.options.secretValues, `ReadResource ${urn}`));
    let provider = req.getProvider();
    let defaultProvider: string | undefined;
    if (!provider) {
      defaultProvider = packageOf(type);
      provider = this.defaultProvider(defaultProvider, req.getVersion(), type);
    }
    let outputs: JsObject;
    if (type === "pulumi:pulumi:StackReference") {
      // The builtin provider reads the referenced stack's outputs, in a preview as in an update.
      const name = String(props["name"] ?? req.getId());
      outputs = { name, outputs: planOutputs(name, this.options.plansDir), secretOutputNames: [] };
    } else {
      outputs = synthesize(
        { type, name: req.getName(), inputs: unwrapSecrets(props) as JsObject },
        this.options.context,
      ).state;
    }
    this.states.set(urn, { urn, id: req.getId(), provider, outputs });
    this.reads.push({
      ...readRecord(req, urn, defaultProvider ? null : provider.split("::").slice(0, -1).join("::"), props),
      remote: false,
      ...(defaultProvider && defaultProvider !== "pulumi" ? { defaultProvider } : {}),
      transformsRun: 0,
      wireInputs: props,
      wireOutputs: outputs,
    });
    return new resourceProto.ReadResourceResponse().setUrn(urn).setProperties(toStruct(outputs));
  }

  private async invoke(
    req: resourceProto.ResourceInvokeRequest,
  ): Promise<resourceProto.ResourceInvokeResponse> {
    const token = req.getTok();
    let args: JsObject = req.getArgs()?.toJavaScript() ?? {};
    let opts = new resourceProto.TransformInvokeOptions()
      .setProvider(req.getProvider())
      .setVersion(req.getVersion())
      .setPluginDownloadUrl(req.getPlugindownloadurl());
    for (const transform of this.stackInvokeTransforms) ({ args, opts } = await transform(token, args, opts));
    this.secretLeaks.push(...findSecretLeaks(args, this.options.secretValues, `Invoke ${token}`));
    let answer: JsObject;
    if (token === "pulumi:pulumi:getResource") {
      const state = this.states.get(String(args["urn"]));
      if (!state) throw status(grpc.status.UNKNOWN, `unknown resource ${String(args["urn"])}`);
      answer = { urn: state.urn, id: state.id, provider: state.provider, state: state.outputs };
      this.invokes.push({ token, provider: null });
    } else {
      const pkg = packageOf(token);
      const explicit = opts.getProvider();
      if (!explicit) this.defaultProvider(pkg, opts.getVersion(), token);
      this.invokes.push({
        token,
        provider: explicit ? explicit.split("::").slice(0, -1).join("::") : null,
        ...(explicit || pkg === "pulumi" ? {} : { defaultProvider: pkg }),
      });
      try {
        answer = answerInvoke(token, unwrapSecrets(args) as JsObject, this.options.context);
      } catch (error) {
        throw status(grpc.status.UNKNOWN, error instanceof Error ? error.message : String(error));
      }
    }
    return new resourceProto.ResourceInvokeResponse().setReturn(toStruct(answer));
  }
}
