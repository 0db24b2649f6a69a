import { setTimeout as sleep } from 'node:timers/promises';

/** Stops the local stack that the global setup started: SIGTERM, then SIGKILL after 10 s. */
export default async function teardown(): Promise<void> {
  const child = globalThis.forecourtLocalStack;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const patience = new AbortController();
  child.kill('SIGTERM');
  // The timer is cancelled once the stack exits, so that it does not hold jest open for 10 s.
  await Promise.race([exited, sleep(10_000, undefined, { signal: patience.signal }).catch(() => undefined)]);
  patience.abort();
  if (child.exitCode === null) child.kill('SIGKILL');
}
