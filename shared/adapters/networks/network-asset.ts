import { readFileSync } from 'node:fs';
import type { TruncatedIp } from '../../domain/analytics/ip.js';

/**
 * The network asset (`networks.bin`), written by `scripts/build-network-asset.ts` from the offline
 * databases `@ip-location-db/asn` (ASN and organisation, CC BY 4.0: DB-IP, RouteViews) and
 * `@ip-location-db/asn-country` (country of the AS, NRO data). Little-endian, every table aligned
 * to 4 bytes so that typed arrays view the file in place:
 *
 *   header  u32 × 8: magic "FCN1", v4 org ranges, v6 org ranges, v4 country ranges,
 *           v6 country ranges, organisations, name bytes, reserved
 *   v4 org      start u32[n], org u32[n]              (org 0xffffffff: no network)
 *   v6 org      hi u32[n], lo u32[n], org u32[n]      (the top 64 bits of each range's start)
 *   v4 country  start u32[n], code u32[n]             (two ASCII letters; 0: none)
 *   v6 country  hi u32[n], lo u32[n], code u32[n]
 *   orgs        asn u32[k], name offset u32[k + 1], then the UTF-8 names
 *
 * Each table is sorted by start and covers the whole space: a gap between two ranges is its own
 * entry with "none", so the entry for an address is the last one whose start is at most it.
 */
export const NETWORK_ASSET_MAGIC = 0x314e4346; // "FCN1" read little-endian
export const NO_ORG = 0xffffffff;

/** The organisation that owns a network, as the database names it. */
export interface NetworkOwner {
  asn: number;
  name: string;
}

/** What the asset knows of a truncated address. */
export interface NetworkFacts {
  owner?: NetworkOwner;
  /** ISO 3166-1 alpha-2 country of the network's registration. */
  country?: string;
}

/** The index of the last entry whose start (hi, lo) is at most the key; -1 when none. */
function lastAtMost(his: Uint32Array, los: Uint32Array | undefined, hi: number, lo: number): number {
  let low = 0;
  let high = his.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const midHi = his[mid] ?? 0;
    const midLo = los ? (los[mid] ?? 0) : 0;
    if (midHi < hi || (midHi === hi && midLo <= lo)) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

/** The network asset, read into memory once and looked up by binary search. */
export class NetworkAsset {
  private readonly v4OrgStart: Uint32Array;
  private readonly v4Org: Uint32Array;
  private readonly v6OrgHi: Uint32Array;
  private readonly v6OrgLo: Uint32Array;
  private readonly v6Org: Uint32Array;
  private readonly v4CountryStart: Uint32Array;
  private readonly v4Country: Uint32Array;
  private readonly v6CountryHi: Uint32Array;
  private readonly v6CountryLo: Uint32Array;
  private readonly v6Country: Uint32Array;
  private readonly asns: Uint32Array;
  private readonly nameOffsets: Uint32Array;
  private readonly names: Buffer;
  private readonly decoded = new Map<number, NetworkOwner>();

  constructor(file: Buffer) {
    const aligned = file.byteOffset % 4 === 0 ? file : Buffer.from(file);
    const words = (offset: number, count: number) => new Uint32Array(aligned.buffer, aligned.byteOffset + offset, count);
    const header = words(0, 8);
    if (header[0] !== NETWORK_ASSET_MAGIC)
      throw new Error('Not a network asset (bad magic): rebuild it with scripts/build-network-asset.ts');
    const [, v4o = 0, v6o = 0, v4c = 0, v6c = 0, orgs = 0, nameBytes = 0] = header;
    let offset = 32;
    const take = (count: number) => {
      const table = words(offset, count);
      offset += count * 4;
      return table;
    };
    this.v4OrgStart = take(v4o);
    this.v4Org = take(v4o);
    this.v6OrgHi = take(v6o);
    this.v6OrgLo = take(v6o);
    this.v6Org = take(v6o);
    this.v4CountryStart = take(v4c);
    this.v4Country = take(v4c);
    this.v6CountryHi = take(v6c);
    this.v6CountryLo = take(v6c);
    this.v6Country = take(v6c);
    this.asns = take(orgs);
    this.nameOffsets = take(orgs + 1);
    this.names = aligned.subarray(offset, offset + nameBytes);
  }

  /** Reads the asset file. */
  static load(path: string): NetworkAsset {
    return new NetworkAsset(readFileSync(path));
  }

  /** The owner and country of a truncated address's network, where the database knows them. */
  lookup(ip: TruncatedIp): NetworkFacts {
    const orgIndex =
      ip.family === 4
        ? this.v4Org[lastAtMost(this.v4OrgStart, undefined, ip.network, 0)]
        : this.v6Org[lastAtMost(this.v6OrgHi, this.v6OrgLo, ip.hi, ip.lo)];
    const code =
      ip.family === 4
        ? this.v4Country[lastAtMost(this.v4CountryStart, undefined, ip.network, 0)]
        : this.v6Country[lastAtMost(this.v6CountryHi, this.v6CountryLo, ip.hi, ip.lo)];
    const owner = orgIndex === undefined || orgIndex === NO_ORG ? undefined : this.owner(orgIndex);
    return {
      ...(owner ? { owner } : {}),
      ...(code ? { country: String.fromCharCode(code & 0xff, code >>> 8) } : {}),
    };
  }

  private owner(index: number): NetworkOwner | undefined {
    const cached = this.decoded.get(index);
    if (cached) return cached;
    const asn = this.asns[index];
    const start = this.nameOffsets[index];
    const end = this.nameOffsets[index + 1];
    if (asn === undefined || start === undefined || end === undefined) return undefined;
    const owner = { asn, name: this.names.toString('utf8', start, end) };
    this.decoded.set(index, owner);
    return owner;
  }
}
