import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_ALIASES, BUNDLE_TARGET, ESM_REQUIRE_BANNER } from '../infra/bundling.js';

/** A Lambda bundle as the CDK stack builds it. */
export interface Bundle {
  entry: string;
  bytes: number;
  file: string;
}

/** The budget of SPEC §7: each handler bundle at most 400 KB minified, SDK included. */
export const BUNDLE_BUDGET_BYTES = 400 * 1000;

/**
 * Bundles an entry with the options of `infra/constructs/forecourt-function.ts` (minified ESM,
 * SDK bundled, the same aliases) into `outDir`. The reference handler is bundled without the
 * aliases, as a common-way project would be.
 */
export async function bundleHandler(root: string, entry: string, outDir: string, options: { aliases: boolean }): Promise<Bundle> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: BUNDLE_TARGET,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    alias: options.aliases ? BUNDLE_ALIASES : {},
    write: false,
    logLevel: 'error',
    outfile: 'index.mjs',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced nothing for ${entry}`);
  const dir = join(outDir, entry.replace(/[/.]/g, '_'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'index.mjs');
  writeFileSync(file, output.contents);
  return { entry, bytes: output.contents.byteLength, file };
}
