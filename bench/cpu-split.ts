/**
 * Where the CPU of one inquiry goes on the local stack: the gateway's main thread, the function
 * instances (worker threads) and DynamoDB Local (Java), in CPU milliseconds per inquiry after a
 * warm-up, read from /proc (Linux). CPU time, unlike wall time, holds on a busy machine.
 *
 *   npx tsx bench/cpu-split.ts            # 60 inquiries, 4 in flight (N=, C= override)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { startLocalStack } from '../local/stack.js';
import { inFlight } from './throughput.js';

const N = Number(process.env.N ?? 60);
const C = Number(process.env.C ?? 4);
const TICK_MS = 10;

/** User + system CPU of a process or thread, in ms; NaN once it is gone. */
function cpuMs(statPath: string): number {
  try {
    const fields = readFileSync(statPath, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}

/** This process's CPU by thread: the main thread apart, the rest (worker threads, V8 and libuv helpers) together. */
function nodeThreads(): { main: number; others: number } {
  let others = 0;
  for (const tid of readdirSync('/proc/self/task'))
    if (tid !== String(process.pid)) others += cpuMs(`/proc/self/task/${tid}/stat`) || 0;
  return { main: cpuMs(`/proc/${process.pid}/stat`) - others, others };
}

const stack = await startLocalStack({ port: 0, dynamoDbPort: 0, sesPort: 0, standInsPort: 0 });
const dynamoDbPort = new URL(stack.urls.dynamoDb).port;
const javaPid = execFileSync('pgrep', ['-f', `DynamoDBLocal.*-port ${dynamoDbPort}`])
  .toString()
  .trim()
  .split('\n')[0];

async function submit(count: number, tag: string): Promise<void> {
  await inFlight(count, C, async (index) => {
    const response = await fetch(`${stack.urls.api}/inquiries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${tag.length}.${index >> 8}.${index & 255}` },
      body: JSON.stringify({ name: `Lead ${index}`, email: `split.${tag}.${index}@example.com`, topic: 'demo', message: 'x' }),
    });
    await response.arrayBuffer();
  });
  await stack.streamRunner.drain();
}

try {
  await submit(Math.max(20, C * 5), 'warm');
  const java = cpuMs(`/proc/${javaPid}/stat`);
  const node = nodeThreads();
  const started = performance.now();
  await submit(N, 'run');
  const seconds = (performance.now() - started) / 1000;
  const after = nodeThreads();
  const per = (ms: number) => `${(ms / N).toFixed(1)} ms`;
  console.log(`${N} inquiries, ${C} in flight, follow-ups drained: ${(N / seconds).toFixed(1)} inquiries/s`);
  console.log(
    `CPU per inquiry: gateway main thread ${per(after.main - node.main)}, function instances and helpers ${per(after.others - node.others)}, DynamoDB Local ${per(cpuMs(`/proc/${javaPid}/stat`) - java)}`,
  );
} finally {
  await stack.stop();
}
