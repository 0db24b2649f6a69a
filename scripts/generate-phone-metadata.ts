import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { nanpMetadata } from '../shared/domain/phone-metadata-subset.js';

/**
 * Regenerates `shared/domain/phone-metadata.json`: the North American Numbering Plan (+1) part of
 * libphonenumber-js's own metadata. A unit test fails when the two drift apart.
 */
const target = resolve(import.meta.dirname, '../shared/domain/phone-metadata.json');
writeFileSync(target, `${JSON.stringify(nanpMetadata())}\n`);
console.log(`Wrote ${target}`);
