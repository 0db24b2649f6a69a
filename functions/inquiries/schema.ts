import * as z from 'zod/mini';
import { runtimeConfig } from '../../shared/config.js';
import { DEALERSHIP_TYPES, smsReachability } from '../../shared/domain/contact.js';
import { INQUIRY_TOPICS } from '../../shared/domain/inquiries/inquiry.js';
import { isKnownTimeZone } from '../../shared/domain/quiet-hours.js';
import { emailAddress, maxChars, phoneNumber } from '../../shared/http/schema-fields.js';
import { followsTextRules, MESSAGE_TEXT, NAME_TEXT, ONE_LINE_TEXT, textProblem } from '../../shared/domain/text.js';
import type { TextRules } from '../../shared/domain/text.js';
import { toE164 } from '../../shared/domain/contact.js';

const phone = phoneNumber();
const emailField = emailAddress();

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
 * The rules of `POST /inquiries` (SPEC §3) for a deployment that texts `smsAllowedCountries`
 * (config `SMS_ALLOWED_COUNTRIES`), as zod's runtime parser applies them. Strict: an unknown field
 * is a 400 that names it. With `consent.sms` the phone must be one the deployment may text;
 * without it any valid phone is only stored.
 */
export function inquiryRulesFor(smsAllowedCountries: readonly string[]) {
  return z
    .strictObject({
      name: z.string().check(z.minLength(1, 'is required'), maxChars(120), followsTextRules(NAME_TEXT)),
      email: z.optional(emailField),
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

/** The pattern the email field's format check tests, taken from the field itself. */
const EMAIL_PATTERN = patternOf(emailField);

function patternOf(field: { _zod: { def: { pattern?: RegExp } } }): RegExp {
  const pattern = field._zod.def.pattern;
  if (!pattern) throw new Error('The email field checks no pattern');
  return pattern;
}
const HTTP_URL_START = /^https?:\/\//i;
const TAB_OR_NEWLINE = /[\t\n\r]/;
const INQUIRY_FIELDS: ReadonlySet<string> = new Set(Object.keys(inquiryRulesFor([]).shape));

/** A string within `max` characters that follows `rules`. */
function isText(value: unknown, max: number, rules: TextRules): value is string {
  return typeof value === 'string' && value.length <= max && textProblem(value, rules) === undefined;
}

/**
 * `z.url({ protocol: /^https?$/ })`'s verdict on an untrimmed-free http(s) URL without tabs or
 * newlines (which that check would strip): it starts `http://` or `https://` and parses.
 */
function isPlainHttpUrl(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= 2048 &&
    value === value.trim() &&
    !TAB_OR_NEWLINE.test(value) &&
    HTTP_URL_START.test(value) &&
    URL.canParse(value) &&
    textProblem(value, ONE_LINE_TEXT) === undefined
  );
}

/**
 * The valid-body fast path of `inquiryRulesFor` (`z.withParser`): one pass over the fields with
 * the same rules and the same domain helpers (phone, text, time zone, SMS reachability), building
 * the same output in the same key order; zod's runtime parser, which walks a schema object per
 * field and a check object per rule, then runs only for a body this path does not accept (a body
 * with an error, or anything unusual), so every error detail is the runtime's own. About a sixth
 * of a warm request. `test/unit/inquiry-fast-path.test.ts` holds the two to the same answers.
 */
export function inquiryFastPath(smsAllowedCountries: readonly string[]) {
  return (body: unknown): InquiryBody | typeof z.INVALID => {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return z.INVALID;
    const fields = body as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (!INQUIRY_FIELDS.has(key) || fields[key] === undefined) return z.INVALID;
    }
    const { name, email, phone, companyName, dealershipType, topic, message, consent, timezone, pageUrl, website } = fields;
    if (!isText(name, 120, NAME_TEXT) || name.length === 0) return z.INVALID;
    if (email !== undefined && (typeof email !== 'string' || email.length > 254 || !EMAIL_PATTERN.test(email))) return z.INVALID;
    const e164 = phone === undefined ? undefined : typeof phone === 'string' ? toE164(phone) : undefined;
    if (phone !== undefined && e164 === undefined) return z.INVALID;
    if (email === undefined && e164 === undefined) return z.INVALID;
    if (companyName !== undefined && !isText(companyName, 160, NAME_TEXT)) return z.INVALID;
    if (dealershipType !== undefined && !(DEALERSHIP_TYPES as readonly unknown[]).includes(dealershipType)) return z.INVALID;
    if (topic !== undefined && !(INQUIRY_TOPICS as readonly unknown[]).includes(topic)) return z.INVALID;
    if (message !== undefined && !isText(message, 5000, MESSAGE_TEXT)) return z.INVALID;
    let consentEmail = false;
    let consentSms = false;
    if (consent !== undefined) {
      if (consent === null || typeof consent !== 'object' || Array.isArray(consent)) return z.INVALID;
      const given = consent as Record<string, unknown>;
      for (const key of Object.keys(given)) if (key !== 'email' && key !== 'sms') return z.INVALID;
      if (given.email !== undefined && typeof given.email !== 'boolean') return z.INVALID;
      if (given.sms !== undefined && typeof given.sms !== 'boolean') return z.INVALID;
      consentEmail = given.email ?? false;
      consentSms = given.sms ?? false;
    }
    if (timezone !== undefined && (typeof timezone !== 'string' || !isKnownTimeZone(timezone))) return z.INVALID;
    if (pageUrl !== undefined && !isPlainHttpUrl(pageUrl)) return z.INVALID;
    if (website !== undefined && typeof website !== 'string') return z.INVALID;
    if (consentSms && e164 !== undefined && smsRefusal(e164, smsAllowedCountries) !== undefined) return z.INVALID;
    // Built by assignment in the schema's key order: each conditional spread after the first
    // property is a runtime call in V8 (about a microsecond each, warm).
    const output: Record<string, unknown> = { name };
    if (email !== undefined) output.email = email;
    if (e164 !== undefined) output.phone = e164;
    if (companyName !== undefined) output.companyName = companyName;
    if (dealershipType !== undefined) output.dealershipType = dealershipType;
    output.topic = topic ?? 'general';
    if (message !== undefined) output.message = message;
    output.consent = { email: consentEmail, sms: consentSms };
    if (timezone !== undefined) output.timezone = timezone;
    if (pageUrl !== undefined) output.pageUrl = pageUrl;
    if (website !== undefined) output.website = website;
    return output as InquiryBody;
  };
}

/**
 * `POST /inquiries` (SPEC §3) for a deployment that texts `smsAllowedCountries`: `inquiryRulesFor`
 * with its valid-body fast path.
 */
export function inquirySchemaFor(smsAllowedCountries: readonly string[]) {
  return z.withParser(inquiryRulesFor(smsAllowedCountries), inquiryFastPath(smsAllowedCountries));
}

/** `POST /inquiries` for this deployment's configuration, built once at cold start. */
export const inquirySchema = inquirySchemaFor(runtimeConfig().SMS_ALLOWED_COUNTRIES);

export type InquiryBody = z.output<ReturnType<typeof inquiryRulesFor>>;

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
