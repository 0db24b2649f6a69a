import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

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
 * valid number. US is the default region because the product serves US dealerships.
 */
export function toE164(phone: string): string | undefined {
  const parsed = parsePhoneNumberFromString(phone.trim(), 'US');
  return parsed?.isValid() ? parsed.number : undefined;
}
