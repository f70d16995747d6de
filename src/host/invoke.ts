/**
 * One invocation, run as the Node.js worker runs it: the programming model builds the arguments,
 * preInvocation hooks may swap inputs or the callback, the handler runs, postInvocation hooks may
 * swap the result or error, and the model converts the result into the protocol's response.
 */
import type {
  CoreInvocationContext,
  CoreInvocationRequest,
  InvocationResponse,
  LogCategory,
  LogLevel,
  RegisteredFunction,
} from './coreApi.js';
import type { LoadedApp } from './loader.js';

export interface InvocationOutcome {
  /** The handler's result after postInvocation hooks (undefined when it failed). */
  result?: unknown;
  response?: InvocationResponse;
  error?: unknown;
  timedOut?: boolean;
}

export type InvocationLog = (level: LogLevel, category: LogCategory, message: string) => void;

function withTimeout<T>(work: Promise<T>, ms: number | undefined, onTimeout: () => T): Promise<T> {
  if (ms === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function run(
  app: LoadedApp,
  fn: RegisteredFunction,
  coreCtx: CoreInvocationContext,
): Promise<InvocationOutcome> {
  const model = app.registry.programmingModel;
  if (model === undefined) throw new Error('the app registered no programming model');
  const invocation = model.getInvocationModel(coreCtx);
  const { context, inputs } = await invocation.getArguments();
  const hookData: Record<string, unknown> = {};
  const appHookData = app.registry.appHookData;
  const pre: Record<string, unknown> = {
    hookData,
    appHookData,
    invocationContext: context,
    inputs,
    functionCallback: fn.callback,
  };
  coreCtx.state = 'preInvocationHooks';
  await app.registry.runHooks('preInvocation', pre);
  const finalInputs = pre.inputs as unknown[];
  const callback = pre.functionCallback as RegisteredFunction['callback'];
  coreCtx.state = 'invocation';
  let result: unknown;
  let error: unknown;
  try {
    result = await invocation.invokeFunction(context, finalInputs, callback);
  } catch (err) {
    error = err ?? new Error('the function failed');
  }
  const post: Record<string, unknown> = {
    hookData,
    appHookData,
    invocationContext: context,
    inputs: finalInputs,
    result,
    error,
  };
  coreCtx.state = 'postInvocationHooks';
  await app.registry.runHooks('postInvocation', post);
  if (post.error !== undefined && post.error !== null) return { error: post.error };
  const response = await invocation.getResponse(context, post.result);
  return { result: post.result, response };
}

/**
 * Invokes a function with a protocol request. Never throws: failures (including hook failures and
 * the host.json functionTimeout) come back as `error`.
 */
export async function invoke(
  app: LoadedApp,
  fn: RegisteredFunction,
  invocationId: string,
  request: CoreInvocationRequest,
  log: InvocationLog,
  timeoutMs: number | undefined,
): Promise<InvocationOutcome> {
  const coreCtx: CoreInvocationContext = {
    invocationId,
    request,
    metadata: fn.metadata,
    log: (level, category, message) => {
      const hooked = applyLogHooks(app, level, category, message);
      log(hooked.level, category, hooked.message);
    },
  };
  const work = run(app, fn, coreCtx).catch((error: unknown): InvocationOutcome => ({ error }));
  return withTimeout(work, timeoutMs, () => ({
    error: new Error(
      `Timeout value of ${timeoutMs} ms exceeded by function '${fn.metadata.name}' (Id: '${invocationId}').`,
    ),
    timedOut: true,
  }));
}

/** Runs the app's log hooks for one log line; returns the line to print, or undefined to drop. */
export function applyLogHooks(
  app: LoadedApp,
  level: LogLevel,
  category: LogCategory,
  message: string,
  invocationContext?: unknown,
): { level: LogLevel; message: string } {
  const hooks = app.registry.hooks.get('log') ?? [];
  if (hooks.length === 0) return { level, message };
  const ctx: Record<string, unknown> = {
    level,
    message,
    category,
    invocationContext,
    hookData: {},
    appHookData: app.registry.appHookData,
  };
  for (const hook of hooks) {
    try {
      void Promise.resolve(hook(ctx)).catch(() => undefined);
    } catch {
      // Errors thrown by log hooks are swallowed, as the worker does.
    }
  }
  return category === 'user'
    ? { level: ctx.level as LogLevel, message: String(ctx.message) }
    : { level, message };
}
