import { build } from 'esbuild';
import { join, resolve } from 'node:path';
import { BUNDLE_ALIASES, BUNDLE_INJECT, BUNDLE_TARGET, ESM_REQUIRE_BANNER } from '../infra/bundling.js';
import { functionName } from '../shared/routes.js';

/** The local function runtime's own entry, bundled beside the functions. */
export const RUNTIME_ENTRY = join(import.meta.dirname, 'function-worker.ts');

/**
 * Bundles each function as the CDK stack does (esbuild, ESM, the same target, aliases, banner and
 * injected stack-trace formatter)
 * into `outDir`, one self-contained file per entry, plus the local runtime that loads them. What
 * runs locally is then what deploys, and each instance loads one file instead of a module tree.
 * Resolves to each entry's bundle path (and `RUNTIME_ENTRY`'s).
 */
export async function bundleFunctions(
  repoRoot: string,
  entries: readonly string[],
  outDir: string,
): Promise<Map<string, string>> {
  const names = new Map([...new Set(entries)].map((entry) => [entry, functionName(entry)]));
  names.set(RUNTIME_ENTRY, 'LocalFunctionRuntime');
  await build({
    absWorkingDir: repoRoot,
    entryPoints: Object.fromEntries([...names].map(([entry, name]) => [name, resolve(repoRoot, entry)])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: false,
    format: 'esm',
    platform: 'node',
    target: BUNDLE_TARGET,
    mainFields: ['module', 'main'],
    alias: BUNDLE_ALIASES,
    banner: { js: ESM_REQUIRE_BANNER },
    // The formatter is this repository's, whichever root the entries come from.
    inject: BUNDLE_INJECT.map((file) => join(import.meta.dirname, '..', file)),
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'error',
  });
  return new Map([...names].map(([entry, name]) => [entry, join(outDir, `${name}.mjs`)]));
}
