import { createRequire } from 'node:module';

interface PhoneMetadata {
  version: number;
  country_calling_codes: Record<string, string[]>;
  countries: Record<string, unknown>;
  nonGeographic?: Record<string, unknown>;
}

/** The calling code whose regions Forecourt accepts: the North American Numbering Plan. */
export const ACCEPTED_CALLING_CODE = '1';

/**
 * The +1 part of libphonenumber-js's full ("max") metadata: US, Canada and the other NANP regions,
 * with the number-type patterns `getType()` needs to tell a mobile number from a premium-rate,
 * toll-free or personal one in every region (the "min" metadata has them for the US only). About
 * 15 KB instead of 157 KB in every bundle that parses phones. Build-time only.
 */
export function nanpMetadata(): PhoneMetadata {
  const full = createRequire(import.meta.url)('libphonenumber-js/metadata.max.json') as PhoneMetadata;
  const regions = full.country_calling_codes[ACCEPTED_CALLING_CODE] ?? [];
  return {
    version: full.version,
    country_calling_codes: { [ACCEPTED_CALLING_CODE]: regions },
    countries: Object.fromEntries(regions.map((region) => [region, full.countries[region]])),
    nonGeographic: {},
  };
}
