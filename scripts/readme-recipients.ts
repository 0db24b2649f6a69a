import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { README_RECIPIENTS_MARKERS, recipientsMarkdownTable } from '../shared/domain/disclosures/list-recipients.js';

/**
 * Rewrites the README's recipients table from the registry (`shared/recipients.ts`):
 * `npx tsx scripts/readme-recipients.ts`. A unit test fails while the two differ.
 */
const readme = resolve(import.meta.dirname, '../README.md');
const [start, end] = README_RECIPIENTS_MARKERS;
const text = readFileSync(readme, 'utf8');
const from = text.indexOf(start);
const to = text.indexOf(end);
if (from < 0 || to < from) throw new Error(`README.md lacks the ${start} … ${end} markers`);
writeFileSync(readme, `${text.slice(0, from + start.length)}\n${recipientsMarkdownTable()}\n${text.slice(to)}`);
console.log('README.md recipients table rewritten from shared/recipients.ts');
