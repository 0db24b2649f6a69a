import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { NETWORK_ASSET_MAGIC, NO_ORG } from '../shared/adapters/networks/network-asset.js';

/**
 * Builds the network asset (`assets/networks.bin`, format in `shared/adapters/networks/network-asset.ts`)
 * from the offline databases in node_modules: `@ip-location-db/asn` (IP range → ASN and
 * organisation name; CC BY 4.0, DB-IP.com and RouteViews) and `@ip-location-db/asn-country`
 * (IP range → country; NRO statistics). The CSVs are about 70 MB; the asset is a few MB of sorted
 * ranges. Run by `npm start` and by `cdk synth` (through `ensureNetworkAsset`), or by hand:
 * `npx tsx scripts/build-network-asset.ts [--ensure] [out-file]`. The asset is not committed (git ignores
 * `assets/`): it is rebuilt whenever the packages are newer than it.
 */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const NETWORK_ASSET_PATH = join(REPO_ROOT, 'assets', 'networks.bin');

const ASN_DIR = join(REPO_ROOT, 'node_modules', '@ip-location-db', 'asn');
const COUNTRY_DIR = join(REPO_ROOT, 'node_modules', '@ip-location-db', 'asn-country');
const SOURCES = [
  join(ASN_DIR, 'asn-ipv4-num.csv'),
  join(ASN_DIR, 'asn-ipv6-num.csv'),
  join(COUNTRY_DIR, 'asn-country-ipv4-num.csv'),
  join(COUNTRY_DIR, 'asn-country-ipv6-num.csv'),
];

/** Splits one CSV line: plain fields and double-quoted ones (`"Cloudflare, Inc."`, `""` for a quote). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

async function* rows(file: string): AsyncGenerator<string[]> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) if (line) yield csvFields(line);
}

/** A range table under construction: starts (as bigint keys) and values, gaps filled with `none`. */
class RangeTable {
  readonly starts: bigint[] = [];
  readonly values: number[] = [];
  private lastEnd = -1n;

  constructor(private readonly none: number) {}

  add(start: bigint, end: bigint, value: number): void {
    if (start > this.lastEnd + 1n) this.push(this.lastEnd + 1n, this.none);
    if (start <= this.lastEnd) start = this.lastEnd + 1n;
    if (start > end) return;
    this.push(start, value);
    this.lastEnd = end;
  }

  /** Closes the table after the last range. */
  finish(max: bigint): void {
    if (this.lastEnd < max) this.push(this.lastEnd + 1n, this.none);
  }

  private push(start: bigint, value: number): void {
    // Contiguous ranges with the same value are one entry.
    if (this.values.length > 0 && this.values[this.values.length - 1] === value) return;
    this.starts.push(start);
    this.values.push(value);
  }
}

/** IPv6 starts keep their top 64 bits (addresses are looked up by /48); later ranges win a shared key. */
function v6Table(table: RangeTable): { hi: number[]; lo: number[]; values: number[] } {
  const out = { hi: [] as number[], lo: [] as number[], values: [] as number[] };
  for (let index = 0; index < table.starts.length; index += 1) {
    const top = (table.starts[index] ?? 0n) >> 64n;
    const hi = Number(top >> 32n);
    const lo = Number(top & 0xffffffffn);
    const last = out.hi.length - 1;
    if (last >= 0 && out.hi[last] === hi && out.lo[last] === lo) {
      out.values[last] = table.values[index] ?? 0;
      continue;
    }
    out.hi.push(hi);
    out.lo.push(lo);
    out.values.push(table.values[index] ?? 0);
  }
  return out;
}

const countryCode = (code: string) => (/^[A-Z]{2}$/.test(code) ? code.charCodeAt(0) | (code.charCodeAt(1) << 8) : 0);

/** Reads the databases and writes the asset to `outFile`; resolves to its size and table lengths. */
export async function buildNetworkAsset(outFile: string = NETWORK_ASSET_PATH) {
  const orgIndex = new Map<string, number>();
  const asns: number[] = [];
  const names: string[] = [];
  const orgOf = (asn: number, name: string) => {
    const key = `${asn}|${name}`;
    let index = orgIndex.get(key);
    if (index === undefined) {
      index = asns.length;
      orgIndex.set(key, index);
      asns.push(asn);
      names.push(name);
    }
    return index;
  };
  const [v4AsnFile, v6AsnFile, v4CountryFile, v6CountryFile] = SOURCES as [string, string, string, string];
  const v4Org = new RangeTable(NO_ORG);
  for await (const [start = '', end = '', asn = '', name = ''] of rows(v4AsnFile))
    v4Org.add(BigInt(start), BigInt(end), orgOf(Number(asn), name));
  v4Org.finish(0xffffffffn);
  const v6OrgRanges = new RangeTable(NO_ORG);
  for await (const [start = '', end = '', asn = '', name = ''] of rows(v6AsnFile))
    v6OrgRanges.add(BigInt(start), BigInt(end), orgOf(Number(asn), name));
  v6OrgRanges.finish((1n << 128n) - 1n);
  const v4Country = new RangeTable(0);
  for await (const [start = '', end = '', code = ''] of rows(v4CountryFile))
    v4Country.add(BigInt(start), BigInt(end), countryCode(code));
  v4Country.finish(0xffffffffn);
  const v6CountryRanges = new RangeTable(0);
  for await (const [start = '', end = '', code = ''] of rows(v6CountryFile))
    v6CountryRanges.add(BigInt(start), BigInt(end), countryCode(code));
  v6CountryRanges.finish((1n << 128n) - 1n);
  const v6Org = v6Table(v6OrgRanges);
  const v6Country = v6Table(v6CountryRanges);

  const nameBuffers = names.map((name) => Buffer.from(name, 'utf8'));
  const offsets = [0];
  for (const buffer of nameBuffers) offsets.push((offsets[offsets.length - 1] ?? 0) + buffer.byteLength);
  const nameBytes = offsets[offsets.length - 1] ?? 0;
  const u32 = (values: readonly number[] | readonly bigint[]) => Buffer.from(Uint32Array.from(values, Number).buffer);
  const header = u32([
    NETWORK_ASSET_MAGIC,
    v4Org.starts.length,
    v6Org.hi.length,
    v4Country.starts.length,
    v6Country.hi.length,
    asns.length,
    nameBytes,
    0,
  ]);
  const file = Buffer.concat([
    header,
    u32(v4Org.starts),
    u32(v4Org.values),
    u32(v6Org.hi),
    u32(v6Org.lo),
    u32(v6Org.values),
    u32(v4Country.starts),
    u32(v4Country.values),
    u32(v6Country.hi),
    u32(v6Country.lo),
    u32(v6Country.values),
    u32(asns),
    u32(offsets),
    ...nameBuffers,
  ]);
  mkdirSync(dirname(outFile), { recursive: true });
  const partial = `${outFile}.${process.pid}.tmp`;
  writeFileSync(partial, file);
  // Atomic: a concurrent reader (another test worker, the bench) sees the old asset or the new one.
  renameSync(partial, outFile);
  return {
    bytes: file.byteLength,
    organisations: asns.length,
    ranges: {
      v4Org: v4Org.starts.length,
      v6Org: v6Org.hi.length,
      v4Country: v4Country.starts.length,
      v6Country: v6Country.hi.length,
    },
  };
}

/** True when the asset exists and is newer than every source database. */
export function networkAssetIsFresh(outFile: string = NETWORK_ASSET_PATH): boolean {
  if (!existsSync(outFile)) return false;
  const built = statSync(outFile).mtimeMs;
  return SOURCES.every((source) => !existsSync(source) || statSync(source).mtimeMs <= built);
}

/** Builds the asset unless it is fresh; resolves to its path. */
export async function ensureNetworkAsset(outFile: string = NETWORK_ASSET_PATH): Promise<string> {
  if (!networkAssetIsFresh(outFile)) await buildNetworkAsset(outFile);
  return outFile;
}

/** The shipped-file convention (`shared/routes.ts` `ShippedFile.build`): builds `outFile` when missing or stale. */
export const ensure = ensureNetworkAsset;

/** The attribution the databases' licences require wherever their results are shown. */
export function networkAssetLicences(): string[] {
  return ['DBIP-LICENSE', 'ROUTEVIEWS-LICENSE', 'NRO_LICENSE'].map((name) => readFileSync(join(ASN_DIR, name), 'utf8').trim());
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `--ensure` (the CDK's and the local stack's bundling hook) builds only a missing or stale asset.
  const ensure = process.argv.includes('--ensure');
  const outFile = resolve(process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? NETWORK_ASSET_PATH);
  if (ensure && networkAssetIsFresh(outFile)) process.exit(0);
  const started = performance.now();
  const built = await buildNetworkAsset(outFile);
  console.log(
    `${outFile}: ${(built.bytes / 1e6).toFixed(2)} MB, ${built.organisations} organisations, ranges ${JSON.stringify(built.ranges)}, ${Math.round(performance.now() - started)} ms`,
  );
}
