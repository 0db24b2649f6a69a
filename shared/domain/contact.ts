import { parsePhoneNumberFromString } from 'libphonenumber-js/core';
import type { MetadataJson } from 'libphonenumber-js/core';
import phoneMetadata from './phone-metadata.json' with { type: 'json' };

/** The dealership types SPEC §3 allows on an inquiry. */
export const DEALERSHIP_TYPES = [
  'franchise',
  'independent',
  'buy_here_pay_here',
  'powersports',
  'rv',
  'marine',
  'commercial_truck',
  'other',
] as const;
export type DealershipType = (typeof DEALERSHIP_TYPES)[number];

/** A contact is found again by this form of its email: trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Parses a phone number as typed on a US form into E.164, or returns undefined when it is not a
 * valid number. US is the default region; numbers of the North American Numbering Plan (+1: US,
 * Canada and the Caribbean) are accepted, which is where the SMS channel can reach.
 */
export function toE164(phone: string): string | undefined {
  const parsed = parsePhoneNumberFromString(phone.trim(), 'US', phoneMetadata as unknown as MetadataJson);
  return parsed?.isValid() ? parsed.number : undefined;
}
