import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { nanpMetadata } from '../shared/domain/phone-metadata-subset.js';

/**
 * Regenerates `shared/domain/phone-metadata.json`: the North American Numbering Plan (+1) part of
 * libphonenumber-js's full metadata, number types included, so that `smsReachability` can refuse
 * premium-rate and toll-free numbers. A unit test fails when the two drift apart. Prints the size
 * before and after, because every bundle that parses a phone carries this file.
 */
const target = resolve(import.meta.dirname, '../shared/domain/phone-metadata.json');
const sizeOf = (path: string): number | undefined => {
  try {
    return readFileSync(path).byteLength;
  } catch {
    return undefined;
  }
};
const before = sizeOf(target);
writeFileSync(target, `${JSON.stringify(nanpMetadata())}\n`);
console.log(`Wrote ${target}: ${before ?? 0} bytes before, ${sizeOf(target) ?? 0} bytes now`);
