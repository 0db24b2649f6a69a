import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The environment variables through which the global setup tells the test files where the stack runs. */
export const LOCAL_STACK_ENV = {
  apiUrl: 'FORECOURT_TEST_API_URL',
  dynamoDbEndpoint: 'FORECOURT_TEST_DYNAMODB_ENDPOINT',
} as const;

declare global {
  /** The running stack, for the global teardown (jest runs both in its main process). */
  var forecourtLocalStack: ChildProcess | undefined;
}

/** A port on 127.0.0.1 that nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  // Each function is bundled and started in its own worker first: allow for a loaded machine.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The local stack exited (${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(`${url}/_local/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The local stack did not become healthy:\n${output()}`);
}

/**
 * Starts `npm start`'s stack as a user would (in memory, on free ports). The test files find it
 * through the environment, which the test process inherits; the global teardown stops it.
 */
export default async function setup(): Promise<void> {
  const [port, dynamoDbPort, sesPort, standInsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../local/start.ts')], {
    env: {
      ...process.env,
      PORT: String(port),
      DYNAMODB_PORT: String(dynamoDbPort),
      SES_PORT: String(sesPort),
      AWS_STAND_INS_PORT: String(standInsPort),
      FORECOURT_IN_MEMORY: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const apiUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(apiUrl, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  process.env[LOCAL_STACK_ENV.apiUrl] = apiUrl;
  process.env[LOCAL_STACK_ENV.dynamoDbEndpoint] = `http://127.0.0.1:${dynamoDbPort}`;
  globalThis.forecourtLocalStack = child;
}
