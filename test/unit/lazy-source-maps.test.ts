import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BUNDLE_INJECT, BUNDLE_TARGET, ESM_REQUIRE_BANNER } from '../../infra/bundling.js';

const ROOT = join(import.meta.dirname, '..', '..');
let dir: string;

/** Bundles `source` as a Lambda bundle is (minified, map beside it without sources, the formatter injected) and runs it. */
async function runBundled(source: string, env: Record<string, string> = {}): Promise<string> {
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, source);
  const outfile = join(dir, 'out', 'index.mjs');
  await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: BUNDLE_TARGET,
    banner: { js: ESM_REQUIRE_BANNER },
    inject: BUNDLE_INJECT.map((file) => join(ROOT, file)),
    sourcemap: true,
    sourcesContent: false,
    outfile,
    logLevel: 'error',
  });
  const { NODE_OPTIONS: _jestOptions, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [outfile], { env: { ...inherited, ...env }, encoding: 'utf8' });
  return result.stdout;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'forecourt-source-maps-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the stack-trace formatter every bundle carries', () => {
  it('names the TypeScript file and line of each frame in the bundle, with Node started without --enable-source-maps', async () => {
    // Arrange: a throw on line 3 of the entry, inside a named function
    const source = [
      'export function failLoudly(reason: string): never {',
      '  const message = `failed: ${reason}`;',
      '  throw new RangeError(message);',
      '}',
      'try { failLoudly("bench"); } catch (error) { console.log((error as Error).stack); }',
    ].join('\n');
    // Act
    const stack = await runBundled(source);
    // Assert
    expect(stack.split('\n')[0]).toBe('RangeError: failed: bench');
    expect(stack).toMatch(/at failLoudly \(\S*entry\.ts:3:\d+\)/);
    expect(stack).not.toMatch(/index\.mjs:1:\d+/);
  });

  it('keeps the frames it cannot map as V8 prints them', async () => {
    // Arrange: a frame inside Node itself
    const source = 'try { JSON.parse("{"); } catch (error) { console.log((error as Error).stack); }';
    // Act
    const stack = await runBundled(source);
    // Assert
    expect(stack.split('\n')[0]).toMatch(/^SyntaxError: /);
    expect(stack).toMatch(/at JSON\.parse \(<anonymous>\)/);
    expect(stack).toMatch(/entry\.ts:1:\d+/);
  });
});
