import { Worker } from 'node:worker_threads';
import { functionLimits } from '../shared/function-limits.js';
import type { FunctionLimits } from '../shared/function-limits.js';
import { functionName } from '../shared/routes.js';
import { RUNTIME_ENTRY, bundleFunctions } from './function-bundles.js';
import type { AwsCalls, FunctionWorkerData, InvokeMessage, SerializedError, WorkerMessage } from './function-worker.js';

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

/** Instances of one function that may run at once locally, unless it declares a reserved concurrency. */
export const LOCAL_CONCURRENCY = 10;

/** The invocation an instance is running: Lambda gives an instance one invocation at a time. */
interface Running {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** One execution environment of a function: its own worker thread, so its own module state. */
interface Instance {
  worker: Worker;
  running: Running | undefined;
}

interface Waiter {
  resolve(instance: Instance): void;
  reject(error: Error): void;
}

/**
 * One deployed function, run locally as Lambda runs it (SPEC §5): each instance is its own worker
 * thread, so its own module graph (caches, clients, config), its own environment, its memory as
 * the worker's heap limit and its timeout per invocation. An instance runs one invocation at a
 * time, as in Lambda: an idle instance is reused (warm); a new one starts (a cold start) only when
 * every instance is busy, up to the function's reserved concurrency (else `LOCAL_CONCURRENCY`);
 * past that, invocations wait for an instance. A timed-out or crashed instance is dropped alone:
 * the invocations other instances are running go on.
 */
export class LocalFunction {
  readonly name: string;
  readonly limits: FunctionLimits;
  /** The most instances that run at once. */
  readonly maxInstances: number;
  private readonly instances = new Set<Instance>();
  /** Idle instances, the most recently used last (reused first, as Lambda keeps warm ones). */
  private readonly idle: Instance[] = [];
  private readonly waiters: Waiter[] = [];
  private spawning = 0;
  private stopped = false;
  /** Instances started so far: 1 after the first cold start. */
  coldStarts = 0;
  /** AWS JSON-protocol calls (`DynamoDB.UpdateItem`, ...) its finished invocations made, summed over instances. */
  readonly awsCalls: AwsCalls = {};

  /**
   * @param entry the function's entry file, as in `shared/routes.ts`
   * @param bundle the function's bundle, as the CDK stack builds it
   * @param runtime the local Lambda runtime's bundle, which loads `bundle` in each instance
   * @param limits the function's timeout, memory and reserved concurrency, as the CDK stack sets them
   */
  constructor(
    readonly entry: string,
    private readonly bundle: string,
    private readonly runtime: string,
    limits: FunctionLimits = functionLimits(entry),
  ) {
    this.name = functionName(entry);
    this.limits = limits;
    this.maxInstances = limits.reservedConcurrency ?? LOCAL_CONCURRENCY;
  }

  /** Instances alive now, busy or idle. */
  get instanceCount(): number {
    return this.instances.size;
  }

  /** Starts an instance now (as provisioned concurrency would), so the first call is warm. */
  async start(): Promise<void> {
    if (this.instances.size > 0) return;
    this.release(await this.acquire());
  }

  /** Invokes the handler with `event` in an instance of its own and resolves to what it returns; rejects with what it throws. */
  async invoke<T = unknown>(event: unknown): Promise<T> {
    const instance = await this.acquire();
    try {
      return await this.run<T>(instance, event);
    } finally {
      this.release(instance);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new FunctionCrashError(this.name, 'the local stack stopped'));
    await Promise.all([...this.instances].map((instance) => this.reset(instance, 'the local stack stopped')));
  }

  private run<T>(instance: Instance, event: unknown): Promise<T> {
    const timeoutMs = this.limits.timeoutSeconds * 1000;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        instance.running = undefined;
        reject(new FunctionTimeoutError(this.name, timeoutMs));
        void this.reset(instance, 'its invocation timed out');
      }, timeoutMs);
      instance.running = { resolve: resolve as (value: unknown) => void, reject, timer };
      instance.worker.postMessage({ id: 0, event } satisfies InvokeMessage);
    });
  }

  /** An idle instance, else a new one if the pool has room, else the next one released. */
  private acquire(): Promise<Instance> {
    if (this.stopped) return Promise.reject(new FunctionCrashError(this.name, 'the local stack stopped'));
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.instances.size + this.spawning < this.maxInstances) return this.spawn();
    return new Promise<Instance>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Hands a finished instance to the next waiting invocation, or keeps it warm; a dropped one frees room for a new one. */
  private release(instance: Instance): void {
    if (!this.instances.has(instance)) {
      this.startForWaiters();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(instance);
    else this.idle.push(instance);
  }

  /** Starts instances for waiting invocations while the pool has room (after instances were dropped). */
  private startForWaiters(): void {
    while (!this.stopped && this.waiters.length > 0 && this.instances.size + this.spawning < this.maxInstances) {
      const waiter = this.waiters.shift() as Waiter;
      this.spawn().then(waiter.resolve, waiter.reject);
    }
  }

  private spawn(): Promise<Instance> {
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
    const instance: Instance = { worker, running: undefined };
    this.coldStarts += 1;
    this.spawning += 1;
    let ready = false;
    return new Promise<Instance>((resolve, reject) => {
      const failStart = (error: Error) => {
        if (ready) return;
        ready = true;
        this.spawning -= 1;
        void worker.terminate();
        reject(error);
        this.startForWaiters();
      };
      worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'ready':
            if (ready) return;
            if (this.stopped) return failStart(new FunctionCrashError(this.name, 'the local stack stopped'));
            ready = true;
            this.spawning -= 1;
            this.instances.add(instance);
            resolve(instance);
            return;
          case 'init_failed':
            failStart(new FunctionError(message.error));
            return;
          case 'result':
          case 'error': {
            for (const [operation, count] of Object.entries(message.calls))
              this.awsCalls[operation] = (this.awsCalls[operation] ?? 0) + count;
            const call = instance.running;
            if (!call) return;
            instance.running = undefined;
            clearTimeout(call.timer);
            if (message.type === 'result') call.resolve(message.value);
            else call.reject(new FunctionError(message.error));
          }
        }
      });
      worker.on('error', (error) => {
        failStart(error);
        void this.reset(instance, error.message, error);
      });
      worker.on('exit', (code) => {
        failStart(new FunctionCrashError(this.name, `exit code ${code}`));
        if (this.instances.has(instance)) void this.reset(instance, `exit code ${code}`);
      });
    });
  }

  /** Drops one instance: the invocation it was running fails, and the next call that finds no idle instance starts a new one. */
  private async reset(instance: Instance, reason: string, cause?: unknown): Promise<void> {
    this.instances.delete(instance);
    const index = this.idle.indexOf(instance);
    if (index >= 0) this.idle.splice(index, 1);
    const call = instance.running;
    instance.running = undefined;
    if (call) {
      clearTimeout(call.timer);
      call.reject(new FunctionCrashError(this.name, reason, { cause }));
    }
    await instance.worker.terminate();
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
