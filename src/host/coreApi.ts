/**
 * The local host's stand-in for '@azure/functions-core': the object the Azure Functions worker hands
 * to the `@azure/functions` library when it calls `require('@azure/functions-core')`. The library
 * registers functions, hooks and its programming model through it.
 */
import Module from 'node:module';

/** A binding as the library registers it (every option spread in, plus type and direction). */
export interface BindingInfo {
  type?: string;
  direction?: 'in' | 'out' | 'inout';
  [key: string]: unknown;
}

/** What `registerFunction` receives. */
export interface FunctionMetadata {
  name: string;
  functionId?: string;
  bindings: Record<string, BindingInfo>;
  retryOptions?: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

/** The typed-data union of the worker protocol (the members this host sends or reads). */
export interface TypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  http?: Record<string, unknown>;
  /** A reference the worker turns into an SDK client (deferred, SDK-type bindings). */
  modelBindingData?: { version: string; source: string; contentType: string; content: Uint8Array };
}

export interface CoreInvocationRequest {
  inputData: { name: string; data: TypedData }[];
  triggerMetadata: Record<string, TypedData>;
}

export type LogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';
export type LogCategory = 'user' | 'system' | 'customMetric';

export interface CoreInvocationContext {
  invocationId: string;
  request: CoreInvocationRequest;
  metadata: FunctionMetadata;
  state?: 'preInvocationHooks' | 'postInvocationHooks' | 'invocation';
  log(level: LogLevel, category: LogCategory, message: string): void;
}

export interface InvocationResponse {
  invocationId?: string;
  outputData?: { name: string; data: TypedData }[];
  returnValue?: TypedData | null;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<InvocationResponse>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(ctx: CoreInvocationContext): InvocationModel;
  getCapabilities?(caps: Record<string, string>): Promise<Record<string, string>>;
}

export type HookName = 'preInvocation' | 'postInvocation' | 'appStart' | 'appTerminate' | 'log';
export type HookCallback = (context: Record<string, unknown>) => unknown;

/** A function as registered, with its handler. */
export interface RegisteredFunction {
  id: string;
  metadata: FunctionMetadata;
  callback: FunctionCallback;
  /** The file that was loading when the function registered. */
  scriptFile: string | undefined;
}

class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  #fn: (() => unknown) | undefined;
  constructor(fn: () => unknown) {
    this.#fn = fn;
  }
  dispose(): void {
    const fn = this.#fn;
    this.#fn = undefined;
    fn?.();
  }
}

function systemError(err: Error): Error {
  (err as Error & { isAzureFunctionsSystemError?: boolean }).isAzureFunctionsSystemError = true;
  return err;
}

const HOOK_NAMES: readonly HookName[] = [
  'preInvocation',
  'postInvocation',
  'appStart',
  'appTerminate',
  'log',
];

/** Where the host's and the app's log lines go. */
export type LogSink = (level: LogLevel, category: LogCategory, message: string) => void;

/** The state behind the core module: what registered, and whether registration is still open. */
export class CoreRegistry {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks = new Map<HookName, HookCallback[]>(HOOK_NAMES.map((n) => [n, []]));
  readonly appHookData: Record<string, unknown> = {};
  /** The hookData appStart and appTerminate hooks share (the worker's appLevelOnlyHookData). */
  readonly appLevelHookData: Record<string, unknown> = {};
  programmingModel: ProgrammingModel | undefined;
  locked = false;
  currentScript: string | undefined;

  constructor(
    readonly sink: LogSink,
    readonly hostVersion = '4.1040.0',
  ) {}

  /** The object `require('@azure/functions-core')` returns. */
  module(): Record<string, unknown> {
    return {
      version: '3.12.0',
      hostVersion: this.hostVersion,
      Disposable,
      registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback) =>
        this.registerFunction(metadata, callback),
      setProgrammingModel: (model: ProgrammingModel) => {
        this.programmingModel = model;
      },
      getProgrammingModel: () => this.programmingModel,
      registerHook: (name: string, callback: HookCallback) => this.registerHook(name, callback),
      log: (level: LogLevel, category: LogCategory, message: string) => this.sink(level, category, message),
    };
  }

  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    if (this.locked) throw systemError(new Error('A function can only be registered during app startup.'));
    const id = metadata.functionId ?? metadata.name;
    if (this.functions.has(id)) {
      throw systemError(new Error(`A function with the id "${id}" has already been registered.`));
    }
    this.functions.set(id, { id, metadata, callback, scriptFile: this.currentScript });
    return new Disposable(() => {
      if (this.locked) throw systemError(new Error('A function can only be disposed during app startup.'));
      this.functions.delete(id);
    });
  }

  registerHook(name: string, callback: HookCallback): Disposable {
    const list = this.hooks.get(name as HookName);
    if (list === undefined) {
      throw systemError(new RangeError(`Unrecognized hook "${name}"`));
    }
    list.push(callback);
    return new Disposable(() => {
      const at = list.indexOf(callback);
      if (at >= 0) list.splice(at, 1);
    });
  }

  /** Runs the hooks of one kind in order, awaiting each. */
  async runHooks(name: Exclude<HookName, 'log'>, context: Record<string, unknown>): Promise<void> {
    for (const hook of [...(this.hooks.get(name) ?? [])]) await hook(context);
  }
}

let installed: CoreRegistry | undefined;

type RequireFn = (this: unknown, id: string) => unknown;

/**
 * Makes `require('@azure/functions-core')` return the registry's module object, as the real worker
 * does. Must run before the app's first `app.*` call (the library resolves the module lazily once).
 */
export function installCoreModule(registry: CoreRegistry): void {
  if (installed !== undefined) throw new Error('the functions core module is already installed');
  installed = registry;
  const coreModule = registry.module();
  const proto = Module.prototype as unknown as { require: RequireFn };
  const original = proto.require;
  proto.require = function (this: unknown, id: string): unknown {
    return id === '@azure/functions-core' ? coreModule : original.call(this, id);
  };
}
