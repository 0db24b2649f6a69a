import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FunctionCrashError, FunctionTimeoutError, LocalFunctions } from '../../local/function-host.js';

/**
 * Three tiny functions that share one module, as two Lambdas built from one codebase share
 * `shared/`: a module-scope cache that only shared memory could carry from one to the other.
 */
const SOURCES = {
  'shared/cache.ts': 'export const cache = new Map<string, string>();\n',
  'functions/writer.ts': `import { cache } from '../shared/cache.js';
export const handler = async (event: { key: string; value: string }) => {
  cache.set(event.key, event.value);
  return Object.fromEntries(cache);
};\n`,
  'functions/reader.ts': `import { cache } from '../shared/cache.js';
export const handler = async (event: { key: string }) => ({ value: cache.get(event.key) ?? null, env: process.env.AWS_LAMBDA_FUNCTION_NAME });\n`,
  'functions/slow.ts': `let calls = 0;
export const handler = async (event: { ms: number }, context: { getRemainingTimeInMillis(): number }) => {
  calls += 1;
  const remaining = context.getRemainingTimeInMillis();
  await new Promise((resolve) => setTimeout(resolve, event.ms));
  return { calls, remaining };
};\n`,
  'functions/pooled.ts': `const instance = Math.random().toString(36).slice(2);
let calls = 0;
export const handler = async (event: { ms: number }) => {
  calls += 1;
  await new Promise((resolve) => setTimeout(resolve, event.ms));
  return { instance, calls };
};\n`,
  'functions/caller.ts': `import { request } from 'node:http';
const call = (port: number, target: string) =>
  new Promise<void>((resolve, reject) => {
    const outgoing = request({ port, method: 'POST', headers: { 'x-amz-target': target } }, (response) => {
      response.resume();
      response.on('end', () => resolve());
    });
    outgoing.on('error', reject);
    outgoing.end('{}');
  });
export const handler = async (event: { port: number }) => {
  await call(event.port, 'DynamoDB_20120810.UpdateItem');
  await call(event.port, 'DynamoDB_20120810.UpdateItem');
  await call(event.port, 'DynamoDB_20120810.BatchGetItem');
};\n`,
  'functions/greedy.ts': `const kept: number[][] = [];
export const handler = async () => {
  for (;;) kept.push(new Array(1_000_000).fill(1));
};\n`,
};

let root: string;
let functions: LocalFunctions;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'forecourt-function-host-'));
  for (const [path, source] of Object.entries(SOURCES)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  const limits = (entry: string) =>
    entry === 'functions/slow.ts'
      ? { timeoutSeconds: 0.5, memoryMb: 128 }
      : entry === 'functions/pooled.ts'
        ? { timeoutSeconds: 1, memoryMb: 128, reservedConcurrency: 2 }
        : entry === 'functions/greedy.ts'
          ? { timeoutSeconds: 20, memoryMb: 32 }
          : { timeoutSeconds: 5, memoryMb: 128 };
  functions = await LocalFunctions.build(
    root,
    Object.keys(SOURCES).filter((path) => path.startsWith('functions/')),
    join(root, 'out'),
    limits,
  );
}, 60_000);

afterAll(async () => {
  await functions.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('the local function host', () => {
  it('gives each function its own module state, as separate Lambdas have', async () => {
    // Arrange
    const write = functions.handler<{ key: string; value: string }, Record<string, string>>('functions/writer.ts');
    const read = functions.handler<{ key: string }, { value: string | null; env: string }>('functions/reader.ts');
    // Act
    const written = await write({ key: 'policy', value: 'v2' });
    const seenByOther = await read({ key: 'policy' });
    const seenBySame = await write({ key: 'other', value: 'x' });
    // Assert
    expect(written).toEqual({ policy: 'v2' });
    expect(seenByOther).toEqual({ value: null, env: 'Reader' });
    expect(seenBySame).toEqual({ policy: 'v2', other: 'x' });
  }, 30_000);

  it("stops an invocation at the function's own timeout and answers the next one from a fresh instance", async () => {
    // Arrange
    const slow = functions.get('functions/slow.ts');
    const warm = await slow.invoke<{ calls: number; remaining: number }>({ ms: 0 });
    // Act
    const timedOut = slow.invoke({ ms: 5_000 });
    await expect(timedOut).rejects.toBeInstanceOf(FunctionTimeoutError);
    const after = await slow.invoke<{ calls: number }>({ ms: 0 });
    // Assert: the context counted down from the function's 0.5 s, and the module state began again
    expect(warm.remaining).toBeGreaterThan(400);
    expect(warm.remaining).toBeLessThanOrEqual(500);
    expect(after.calls).toBe(1);
  }, 30_000);

  it("fails an invocation that outgrows the function's memory", async () => {
    // Act
    const outcome = functions.get('functions/greedy.ts').invoke({});
    // Assert
    await expect(outcome).rejects.toBeInstanceOf(FunctionCrashError);
  }, 60_000);

  it('runs concurrent invocations in separate instances, which share no module state, and reuses an idle one warm', async () => {
    // Arrange
    const pooled = functions.get('functions/pooled.ts');
    const coldBefore = pooled.coldStarts;
    // Act: two at once, then one after both are done
    const [first, second] = await Promise.all([
      pooled.invoke<{ instance: string; calls: number }>({ ms: 300 }),
      pooled.invoke<{ instance: string; calls: number }>({ ms: 300 }),
    ]);
    const third = await pooled.invoke<{ instance: string; calls: number }>({ ms: 0 });
    // Assert: two instances, each counting its own call; the third call ran warm in one of them
    expect(first.instance).not.toBe(second.instance);
    expect([first.calls, second.calls]).toEqual([1, 1]);
    expect([first.instance, second.instance]).toContain(third.instance);
    expect(third.calls).toBe(2);
    expect(pooled.coldStarts - coldBefore).toBe(2);
    expect(pooled.instanceCount).toBe(2);
  }, 30_000);

  it('lets an invocation time out without disturbing one running at the same time in another instance', async () => {
    // Arrange
    const slow = functions.get('functions/slow.ts');
    // Act: one runs past the 0.5 s timeout; the other starts 0.3 s later and is still running when the first times out
    const timingOut = slow.invoke({ ms: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const finishing = slow.invoke<{ calls: number }>({ ms: 400 });
    const [timedOut, finished] = await Promise.allSettled([timingOut, finishing]);
    // Assert
    expect(timedOut.status).toBe('rejected');
    expect(timedOut.status === 'rejected' && timedOut.reason).toBeInstanceOf(FunctionTimeoutError);
    expect(finished.status).toBe('fulfilled');
  }, 30_000);

  it('starts no more instances than the reserved concurrency; further invocations wait for a free one', async () => {
    // Arrange
    const pooled = functions.get('functions/pooled.ts');
    // Act
    const results = await Promise.all(
      Array.from({ length: 5 }, () => pooled.invoke<{ instance: string; calls: number }>({ ms: 200 })),
    );
    // Assert: every call answered, by at most the 2 reserved instances
    expect(results).toHaveLength(5);
    expect(new Set(results.map((result) => result.instance)).size).toBe(2);
    expect(pooled.instanceCount).toBeLessThanOrEqual(2);
    expect(pooled.maxInstances).toBe(2);
  }, 30_000);

  it('counts the AWS calls its invocations make, by operation, for the bench', async () => {
    // Arrange: a stand-in AWS endpoint that answers every call
    const server = createServer((_request, response) => response.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const caller = functions.get('functions/caller.ts');
    // Act
    await Promise.all([caller.invoke({ port }), caller.invoke({ port })]);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // Assert: both instances' calls, summed
    expect(caller.awsCalls).toEqual({ 'DynamoDB.UpdateItem': 4, 'DynamoDB.BatchGetItem': 2 });
  }, 30_000);
});
