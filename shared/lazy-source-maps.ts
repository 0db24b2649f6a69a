/**
 * Readable stack traces without paying for them at cold start. Installed in every Lambda bundle
 * (`shared/lazy-source-maps-install.ts`, injected by `infra/constructs/forecourt-function.ts`) instead of `NODE_OPTIONS=--enable-source-maps`, which
 * makes Node read and parse the bundle's source map while the bundle loads, before any request.
 * Here the map beside the bundle (`index.mjs.map`) is read the first time a stack trace is
 * formatted, and each frame in the bundle is given its place in the TypeScript source. A Lambda
 * that never throws never reads it.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** One frame of a trace, as V8 passes it to `Error.prepareStackTrace`. */
interface CallSite {
  getFileName(): string | undefined | null;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
  getFunctionName(): string | null;
  isAsync?(): boolean;
  toString(): string;
}

/** How `stackTraceFor` finds a bundle's map; tests pass their own. */
export interface BundleMap {
  /** The bundle's path and its `file:` URL, as frames name it. */
  files: readonly string[];
  /** The bundle's source map, read on first use (undefined when there is none). */
  load: () => SourceMap | undefined;
}

type MapEntry = { originalSource?: string; originalLine?: number; originalColumn?: number; name?: string };

/** Where a frame in the bundle came from in the source, or undefined for a frame elsewhere. */
function originOf(site: CallSite | undefined, map: BundleMap, loaded: () => SourceMap | undefined): MapEntry | undefined {
  const file = site?.getFileName();
  const line = site?.getLineNumber();
  const column = site?.getColumnNumber();
  if (!file || !map.files.includes(file) || line === null || line === undefined || column === null || column === undefined)
    return undefined;
  const entry = loaded()?.findEntry(line - 1, column - 1) as MapEntry | undefined;
  return entry?.originalSource === undefined ? undefined : entry;
}

/**
 * A frame in its original source (1-based line and column, as Node prints them), or the frame as
 * V8 printed it. As in Node's own source-map support, a frame's function is named by the map at
 * its caller's call expression, since a minified bundle's own names are meaningless.
 */
function frameOf(
  site: CallSite,
  caller: CallSite | undefined,
  map: BundleMap,
  loaded: () => SourceMap | undefined,
): string {
  const origin = originOf(site, map, loaded);
  if (!origin || origin.originalLine === undefined || origin.originalColumn === undefined) return `    at ${site.toString()}`;
  const where = `${origin.originalSource}:${origin.originalLine + 1}:${origin.originalColumn + 1}`;
  const name = originOf(caller, map, loaded)?.name ?? site.getFunctionName();
  return `    at ${site.isAsync?.() ? 'async ' : ''}${name ? `${name} (${where})` : where}`;
}

/** The first line of a trace, as Node prints it. */
function headerOf(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
}

/** An `Error.prepareStackTrace` that maps the bundle's frames through its source map, read on first use. */
export function stackTraceFor(map: BundleMap): (error: unknown, sites: CallSite[]) => string {
  let cached: SourceMap | undefined | null = null;
  const loaded = () => {
    if (cached === null) {
      try {
        cached = map.load();
      } catch {
        cached = undefined;
      }
    }
    return cached;
  };
  return (error, sites) =>
    [headerOf(error), ...sites.map((site, index) => frameOf(site, sites[index + 1], map, loaded))].join('\n');
}

/**
 * Installs the trace formatter for the bundle this module is bundled into (its `import.meta.url`
 * is the bundle's): its map is `index.mjs.map` beside it.
 */
export function installLazySourceMaps(bundleUrl: string): void {
  if (!bundleUrl.startsWith('file:')) return;
  const bundlePath = fileURLToPath(bundleUrl);
  Error.prepareStackTrace = stackTraceFor({
    files: [bundlePath, bundleUrl],
    load: () => new SourceMap(JSON.parse(readFileSync(`${bundlePath}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]),
  }) as typeof Error.prepareStackTrace;
}
