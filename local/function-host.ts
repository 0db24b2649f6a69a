import { Worker } from 'node:worker_threads';
import { functionLimits } from '../shared/function-limits.js';
import type { FunctionLimits } from '../shared/function-limits.js';
import { functionName } from '../shared/routes.js';
import { RUNTIME_ENTRY, bundleFunctions } from './function-bundles.js';
import type { FunctionWorkerData, InvokeMessage, SerializedError, WorkerMessage } from './function-worker.js';

/** The invocation ran past the function's timeout; Lambda stops it and resets the instance. */
export class FunctionTimeoutError extends Error {
  constructor(name: string, timeoutMs: number) {
    super(`${name}: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    this.name = 'FunctionTimeoutError';
  }
}

/** The instance died under the invocation: out of memory, an uncaught error, or a reset after another call timed out. */
export class FunctionCrashError extends Error {
  constructor(name: string, reason: string, options?: { cause?: unknown }) {
    super(`${name}: the instance stopped (${reason})`, options);
    this.name = 'FunctionCrashError';
  }
}

/** A handler's error as the caller sees it: the name and message thrown inside the instance. */
export class FunctionError extends Error {
  constructor(serialized: SerializedError) {
    super(serialized.message);
    this.name = serialized.name;
    if (serialized.stack) this.stack = serialized.stack;
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * One deployed function, run locally as Lambda runs it (SPEC §5): its own worker thread, so its
 * own module graph (caches, clients, config), its own environment, its memory as the worker's
 * heap limit and its timeout per invocation. A timed-out or crashed instance is replaced by a
 * fresh one (a cold start) at the next invocation.
 */
export class LocalFunction {
  readonly name: string;
  readonly limits: FunctionLimits;
  private worker: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** Instances started so far: 1 after the first cold start. */
  coldStarts = 0;

  /**
   * @param entry the function's entry file, as in `shared/routes.ts`
   * @param bundle the function's bundle, as the CDK stack builds it
   * @param runtime the local Lambda runtime's bundle, which loads `bundle` in each instance
   * @param limits the function's timeout and memory, as the CDK stack sets them
   */
  constructor(
    readonly entry: string,
    private readonly bundle: string,
    private readonly runtime: string,
    limits: FunctionLimits = functionLimits(entry),
  ) {
    this.name = functionName(entry);
    this.limits = limits;
  }

  /** Starts an instance now (as provisioned concurrency would), so the first call is warm. */
  async start(): Promise<void> {
    await this.instance();
  }

  /** Invokes the handler with `event` and resolves to what it returns; rejects with what it throws. */
  async invoke<T = unknown>(event: unknown): Promise<T> {
    const worker = await this.instance();
    const id = this.nextId++;
    const timeoutMs = this.limits.timeoutSeconds * 1000;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new FunctionTimeoutError(this.name, timeoutMs));
        void this.reset(worker, 'another invocation timed out');
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      worker.postMessage({ id, event } satisfies InvokeMessage);
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.starting = undefined;
    if (worker) await this.reset(worker, 'the local stack stopped');
  }

  private instance(): Promise<Worker> {
    if (this.worker) return Promise.resolve(this.worker);
    this.starting ??= this.spawn().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private spawn(): Promise<Worker> {
    const data: FunctionWorkerData = {
      entryPath: this.bundle,
      functionName: this.name,
      timeoutMs: this.limits.timeoutSeconds * 1000,
      memoryMb: this.limits.memoryMb,
    };
    const worker = new Worker(this.runtime, {
      workerData: data,
      env: {
        ...process.env,
        AWS_LAMBDA_FUNCTION_NAME: this.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.limits.memoryMb),
        // The stack's own process has printed the SDK's Node version notice once already.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      // Lambda's memory setting bounds the whole sandbox; the worker's heap is the nearest local bound.
      resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb },
    });
    this.coldStarts += 1;
    return new Promise<Worker>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'ready':
            this.worker = worker;
            resolve(worker);
            return;
          case 'init_failed':
            void worker.terminate();
            reject(new FunctionError(message.error));
            return;
          case 'result':
          case 'error': {
            const call = this.pending.get(message.id);
            if (!call) return;
            this.pending.delete(message.id);
            clearTimeout(call.timer);
            if (message.type === 'result') call.resolve(message.value);
            else call.reject(new FunctionError(message.error));
          }
        }
      });
      worker.on('error', (error) => {
        reject(error);
        void this.reset(worker, error.message, error);
      });
      worker.on('exit', (code) => {
        reject(new FunctionCrashError(this.name, `exit code ${code}`));
        if (this.worker === worker) void this.reset(worker, `exit code ${code}`);
      });
    });
  }

  /** Drops an instance: every call still running in it fails, and the next call starts a new one. */
  private async reset(worker: Worker, reason: string, cause?: unknown): Promise<void> {
    if (this.worker === worker) this.worker = undefined;
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      call.reject(new FunctionCrashError(this.name, reason, { cause }));
      this.pending.delete(id);
    }
    await worker.terminate();
  }
}

/** Every function of the stack, one `LocalFunction` per entry file, as the CDK stack makes one Lambda per entry. */
export class LocalFunctions {
  private constructor(private readonly functions: ReadonlyMap<string, LocalFunction>) {}

  /**
   * Bundles every entry into `outDir` as the CDK stack would; no instance runs until `startAll` or
   * a call. `limitsOf` gives each function's timeout and memory (the CDK stack's, unless a test says otherwise).
   */
  static async build(
    repoRoot: string,
    entries: readonly string[],
    outDir: string,
    limitsOf: (entry: string) => FunctionLimits = functionLimits,
  ): Promise<LocalFunctions> {
    const bundles = await bundleFunctions(repoRoot, entries, outDir);
    const runtime = bundles.get(RUNTIME_ENTRY);
    if (!runtime) throw new Error('The local function runtime was not bundled');
    const functions = new Map<string, LocalFunction>();
    for (const entry of entries) {
      const bundle = bundles.get(entry);
      if (!bundle) throw new Error(`No bundle for ${entry}`);
      functions.set(entry, new LocalFunction(entry, bundle, runtime, limitsOf(entry)));
    }
    return new LocalFunctions(functions);
  }

  /** The function of `entry`. */
  get(entry: string): LocalFunction {
    const fn = this.functions.get(entry);
    if (!fn) throw new Error(`${entry} is not a function of the local stack`);
    return fn;
  }

  /** A handler-shaped view of `entry`'s function, for the gateway and the runners. */
  handler<E, R>(entry: string): (event: E) => Promise<R> {
    const fn = this.get(entry);
    return (event) => fn.invoke<R>(event);
  }

  /** Starts an instance of every function, all at once. */
  async startAll(): Promise<void> {
    await Promise.all([...this.functions.values()].map((fn) => fn.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.functions.values()].map((fn) => fn.stop()));
  }
}
