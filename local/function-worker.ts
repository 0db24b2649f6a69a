import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { lambdaContext } from './lambda-context.js';

/** What the local function host tells a new instance: which function it is, and its limits. */
export interface FunctionWorkerData {
  /** The function's bundle, absolute. */
  entryPath: string;
  functionName: string;
  timeoutMs: number;
  memoryMb: number;
}

/** One invocation, host to instance. */
export interface InvokeMessage {
  id: number;
  event: unknown;
}

/** An instance's answer: `ready` once the handler module is loaded, then one `result` per invocation. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init_failed'; error: SerializedError }
  | { type: 'result'; id: number; value: unknown; calls: AwsCalls }
  | { type: 'error'; id: number; error: SerializedError; calls: AwsCalls };

/** AWS JSON-protocol calls an invocation made (DynamoDB, DynamoDB Streams, ...), by `service.Operation`. */
export type AwsCalls = Record<string, number>;

/** A thrown value as it crosses the thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

const serialize = (error: unknown): SerializedError =>
  error instanceof Error
    ? { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) }
    : { name: 'Error', message: String(error) };

/**
 * Counts the AWS JSON-protocol calls this instance makes, from the `X-Amz-Target` header of each
 * outgoing HTTP request (`DynamoDB_20120810.UpdateItem` counts as `DynamoDB.UpdateItem`), so that
 * the bench can tell how many round trips a piece of work costs. Returns the counts since the last call.
 */
function countAwsCalls(): () => AwsCalls {
  let calls: AwsCalls = {};
  subscribe('http.client.request.start', (message) => {
    const target = (message as { request: ClientRequest }).request.getHeader('x-amz-target');
    if (typeof target !== 'string') return;
    const [service = '', operation = ''] = target.split('.');
    const key = `${service.replace(/_\d+$/, '')}.${operation}`;
    calls[key] = (calls[key] ?? 0) + 1;
  });
  return () => {
    const taken = calls;
    calls = {};
    return taken;
  };
}

/**
 * The Lambda runtime of one local function: it imports the handler into this worker thread's own
 * module graph (so module state is the function's alone, as in its own Lambda), then runs each
 * invocation the host sends with a context that counts down the function's own timeout.
 */
async function run(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('function-worker.ts runs only as a worker thread');
  const data = workerData as FunctionWorkerData;
  // Stack traces are mapped by the formatter each bundle carries, as in the deployed functions.
  let handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
  try {
    const module = (await import(pathToFileURL(data.entryPath).href)) as { handler: typeof handler };
    if (typeof module.handler !== 'function') throw new Error(`${data.entryPath} exports no handler`);
    handler = module.handler;
  } catch (error) {
    port.postMessage({ type: 'init_failed', error: serialize(error) } satisfies WorkerMessage);
    return;
  }
  const takeCalls = countAwsCalls();
  port.on('message', (message: InvokeMessage) => {
    const context = lambdaContext(data.functionName, data.timeoutMs, data.memoryMb);
    Promise.resolve()
      .then(() => handler(message.event, context))
      .then(
        (value) => port.postMessage({ type: 'result', id: message.id, value, calls: takeCalls() } satisfies WorkerMessage),
        (error: unknown) =>
          port.postMessage({
            type: 'error',
            id: message.id,
            error: serialize(error),
            calls: takeCalls(),
          } satisfies WorkerMessage),
      );
  });
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
}

await run();
