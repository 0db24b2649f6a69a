import * as z from 'zod/mini';
import { runtimeConfig } from '../../shared/config.js';
import { DEALERSHIP_TYPES, smsReachability } from '../../shared/domain/contact.js';
import { INQUIRY_TOPICS } from '../../shared/domain/inquiries/inquiry.js';
import { isKnownTimeZone } from '../../shared/domain/quiet-hours.js';
import { emailAddress, maxChars, phoneNumber } from '../../shared/http/schema-fields.js';
import { followsTextRules, MESSAGE_TEXT, NAME_TEXT, ONE_LINE_TEXT } from '../../shared/domain/text.js';

const phone = phoneNumber();

/** Why a number with SMS consent is refused, in the words of the error details. */
function smsRefusal(e164: string, allowedCountries: readonly string[]): string | undefined {
  const reachability = smsReachability(e164, allowedCountries);
  if (reachability.reachable) return undefined;
  if (reachability.reason === 'number_type') {
    return 'must be a mobile number to receive texts, not a toll-free, premium-rate or other service number';
  }
  return `must be a number in ${allowedCountries.join(', ') || 'a country this service texts'} to receive texts`;
}

/**
 * `POST /inquiries` (SPEC §3) for a deployment that texts `smsAllowedCountries` (config
 * `SMS_ALLOWED_COUNTRIES`). Strict: an unknown field is a 400 that names it. With `consent.sms`
 * the phone must be one the deployment may text; without it any valid phone is only stored.
 */
export function inquirySchemaFor(smsAllowedCountries: readonly string[]) {
  return z
    .strictObject({
      name: z.string().check(z.minLength(1, 'is required'), maxChars(120), followsTextRules(NAME_TEXT)),
      email: z.optional(emailAddress()),
      phone: z.optional(phone),
      companyName: z.optional(z.string().check(maxChars(160), followsTextRules(NAME_TEXT))),
      dealershipType: z.optional(z.enum(DEALERSHIP_TYPES)),
      topic: z._default(z.enum(INQUIRY_TOPICS), 'general'),
      message: z.optional(z.string().check(maxChars(5000), followsTextRules(MESSAGE_TEXT))),
      consent: z._default(z.strictObject({ email: z._default(z.boolean(), false), sms: z._default(z.boolean(), false) }), {
        email: false,
        sms: false,
      }),
      timezone: z.optional(z.string().check(z.refine(isKnownTimeZone, 'must be an IANA time zone name'))),
      pageUrl: z.optional(
        z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).check(maxChars(2048), followsTextRules(ONE_LINE_TEXT)),
      ),
      website: z.optional(z.string()),
    })
    .check(
      z.refine((inquiry) => inquiry.email !== undefined || inquiry.phone !== undefined, {
        message: 'email or phone is required',
        path: ['email'],
      }),
      z.check((context) => {
        const { phone: e164, consent } = context.value;
        if (!consent.sms || e164 === undefined) return;
        const refusal = smsRefusal(e164, smsAllowedCountries);
        if (refusal) context.issues.push({ code: 'custom', input: e164, path: ['phone'], message: refusal });
      }),
    );
}

/** `POST /inquiries` for this deployment's configuration, built once at cold start. */
export const inquirySchema = inquirySchemaFor(runtimeConfig().SMS_ALLOWED_COUNTRIES);

export type InquiryBody = z.output<typeof inquirySchema>;

const CHECKBOX_VALUES: Record<string, boolean> = {
  on: true,
  true: true,
  yes: true,
  '1': true,
  off: false,
  false: false,
  '0': false,
};

/**
 * Shapes an HTML form (or a JSON body) for the schema: empty optional fields count as absent, and
 * the form's `consentEmail=on` / `consentSms=on` checkboxes become `consent`.
 */
export function fromSubmittedFields(body: unknown, isForm: boolean): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value !== '') fields[key] = value;
  }
  if (!isForm) return fields;
  const { consentEmail, consentSms, ...rest } = fields;
  if (consentEmail === undefined && consentSms === undefined) return rest;
  const checkbox = (value: unknown) =>
    value === undefined
      ? false
      : typeof value === 'string' && value.toLowerCase() in CHECKBOX_VALUES
        ? CHECKBOX_VALUES[value.toLowerCase()]
        : value;
  return { ...rest, consent: { email: checkbox(consentEmail), sms: checkbox(consentSms) } };
}
