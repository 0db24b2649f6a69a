import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** What each loader prints once it has loaded its bundle: the CPU time the process has used so far. */
const REPORT_CPU = 'const u = process.cpuUsage(); process.stdout.write(JSON.stringify((u.user + u.system) / 1000));\n';

function timeProcess(script: string, env: Record<string, string>): { wallMs: number; cpuMs: number } {
  const started = process.hrtime.bigint();
  // The parent's NODE_OPTIONS (tsx's loader) is not the function's: each candidate states its own.
  const { NODE_OPTIONS: _parentOptions, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [script], { env: { ...inherited, ...env }, stdio: 'pipe' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${script} failed: ${result.stderr.toString()}`);
  return { wallMs, cpuMs: Number(result.stdout.toString()) };
}

/** One bundle to load cold, with the environment its function runs with. */
export interface ColdCandidate {
  file: string;
  /** Added to `baseEnv`: the function's own environment from the template (`NODE_OPTIONS` included). */
  env?: Record<string, string>;
}

/** Cold load figures of one candidate: medians above bare Node, in wall time and in CPU time. */
export interface ColdLoad {
  wallMs: number;
  cpuMs: number;
}

/**
 * Cold load of bundles (SPEC §7): the median time of a fresh `node` that imports the bundle with
 * its function's environment, minus that of a fresh `node` with the base environment that imports
 * nothing, interleaved run by run so that drift on a shared machine hits every candidate alike.
 * Both the wall time and the CPU time the process used until the bundle was loaded are kept: on
 * a busy machine waiting for a core inflates the first, not the second.
 */
export function measureColdLoad(
  workDir: string,
  bundles: Record<string, ColdCandidate>,
  baseEnv: Record<string, string>,
  runs: number,
): Record<string, ColdLoad> {
  const bare = join(workDir, 'bare.mjs');
  writeFileSync(bare, REPORT_CPU);
  const loaders = Object.fromEntries(
    Object.entries(bundles).map(([name, { file, env }]) => {
      const loader = join(workDir, `load-${name.replace(/\W/g, '_')}.mjs`);
      writeFileSync(loader, `await import(${JSON.stringify(file)});\n${REPORT_CPU}`);
      return [name, { loader, env: { ...baseEnv, ...env } }];
    }),
  );
  const samples: Record<string, { wallMs: number; cpuMs: number }[]> = { bare: [] };
  for (const name of Object.keys(loaders)) samples[name] = [];
  for (let run = 0; run < runs; run += 1) {
    samples.bare?.push(timeProcess(bare, baseEnv));
    for (const [name, { loader, env }] of Object.entries(loaders)) samples[name]?.push(timeProcess(loader, env));
  }
  const medianOf = (name: string, field: keyof ColdLoad) => median((samples[name] ?? []).map((sample) => sample[field]));
  return Object.fromEntries(
    Object.keys(loaders).map((name) => [
      name,
      { wallMs: medianOf(name, 'wallMs') - medianOf('bare', 'wallMs'), cpuMs: medianOf(name, 'cpuMs') - medianOf('bare', 'cpuMs') },
    ]),
  );
}
