import { parsePhoneNumberFromString } from 'libphonenumber-js/core';
import type { MetadataJson, NumberType, PhoneNumber } from 'libphonenumber-js/core';
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

const metadata = phoneMetadata as unknown as MetadataJson;

/**
 * Parses a phone number as typed on a US form into E.164, or returns undefined when it is not a
 * valid number. US is the default region; numbers of the North American Numbering Plan (+1: US,
 * Canada and the Caribbean) are accepted. Valid means assigned in the plan: an area code or a
 * number range that no region uses is refused. Whether the number may be texted is a separate
 * question, for `smsReachability`.
 */
export function toE164(phone: string): string | undefined {
  const parsed = parsePhoneNumberFromString(phone.trim(), 'US', metadata);
  if (!parsed) return undefined;
  // Where the metadata has type patterns (every region shipped), valid means a type matched, which
  // is how `isValid()` decides: one type lookup answers both it and `smsReachability`.
  const type = parsed.getType();
  if (type === undefined && !parsed.isValid()) return undefined;
  lastValid = { parsed, type };
  return parsed.number;
}

/** A valid number and its type (`getType()`), worked out once. */
interface TypedNumber {
  parsed: PhoneNumber;
  type: NumberType | undefined;
}

/**
 * The number `toE164` parsed last: a request's schema asks `smsReachability` about the number it
 * has just parsed, and parsing costs more than the rest of the validation together.
 */
let lastValid: TypedNumber | undefined;

/** The parsed, valid number for an E.164 string, from `toE164`'s last parse when it is that number. */
function parseE164(e164: string): TypedNumber | undefined {
  if (lastValid?.parsed.number === e164) return lastValid;
  const parsed = parsePhoneNumberFromString(e164, metadata);
  if (!parsed) return undefined;
  const type = parsed.getType();
  return type !== undefined || parsed.isValid() ? { parsed, type } : undefined;
}

/**
 * The number types a confirmation text may go to: numbers a person carries. North American
 * numbering does not tell a US or Canadian mobile from a landline, so those come back
 * `FIXED_LINE_OR_MOBILE` and are accepted. A number the plan knows to be a landline
 * (`FIXED_LINE`, in the Caribbean regions) is refused: it cannot receive the text, and a text
 * that cannot arrive still costs. Premium-rate, shared-cost, toll-free, VoIP, UAN, pager,
 * voicemail and personal (NANP 5XX) numbers are refused: texting them costs the deployer or
 * reaches no one in particular, which is what SMS pumping exploits.
 */
const TEXTABLE_TYPES: ReadonlySet<NumberType> = new Set<NumberType>(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

/** Whether the deployment may text a number, and if not, why (SPEC §3, "phone" with `consent.sms`). */
export type SmsReachability =
  | { reachable: true; country: string }
  | { reachable: false; reason: 'invalid' }
  | { reachable: false; reason: 'country'; country: string | undefined }
  | { reachable: false; reason: 'number_type'; country: string; type: NumberType | undefined };

/**
 * Decides whether an E.164 number may be sent an SMS: it must be in one of `allowedCountries`
 * (ISO 3166 codes from config `SMS_ALLOWED_COUNTRIES`; a +1 number is placed in its region, so
 * Jamaica's +1 876 is `JM`, not `US`) and of a personal type (see `TEXTABLE_TYPES`). Only +1
 * regions are known to the shipped metadata, so a country outside them can never match.
 */
export function smsReachability(e164: string, allowedCountries: readonly string[]): SmsReachability {
  const typed = parseE164(e164);
  if (!typed) return { reachable: false, reason: 'invalid' };
  const country = typed.parsed.country;
  const allowed = allowedCountries.some((code) => code.toUpperCase() === country);
  if (!country || !allowed) return { reachable: false, reason: 'country', country };
  const type = typed.type;
  if (!type || !TEXTABLE_TYPES.has(type)) return { reachable: false, reason: 'number_type', country, type };
  return { reachable: true, country };
}
