import type { AttributeValue } from './lite-client.js';

/** Entity of every analytics aggregate item. */
export const ANALYTICS_ENTITY = 'analytics';
/** Attribute-name prefixes of the dimension counters on a path item (`b:Chrome`, `l:en-US`, `c:US`). */
export const ANALYTICS_DIMENSIONS = { browsers: 'b:', languages: 'l:', countries: 'c:' } as const;
/** Attribute-name prefix of an organisation's per-path view counters (`p:/pricing`). */
export const ANALYTICS_PAGE = 'p:';

export const S = (value: string): AttributeValue => ({ S: value });
export const N = (value: number): AttributeValue => ({ N: String(value) });
