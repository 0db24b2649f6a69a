import * as z from 'zod/mini';
import { runtimeConfig } from '../../shared/config.js';
import { CHANNELS, TOPICS } from '../../shared/domain/consent.js';
import { normaliseEmail } from '../../shared/domain/contact.js';
import { looksMasked } from '../../shared/domain/contacts/masking-policy.js';
import { followsTextRules, MESSAGE_TEXT } from '../../shared/domain/text.js';
import { emailAddress, maxChars, phoneNumber } from '../../shared/http/schema-fields.js';
import { inquirySchemaFor } from '../inquiries/schema.js';

const pageLimit = (max: number) =>
  z.pipe(
    z.string().check(z.regex(/^\d{1,3}$/, `must be a whole number from 1 to ${max}`)),
    z.transform((value) => Number(value)),
  );
const cursor = z.string().check(z.minLength(1, 'must not be empty'), maxChars(2048));

/** `GET /admin/contacts` query: an exact email or phone, or a page (`limit`, `cursor`); nothing else. */
export const contactQuerySchema = z
  .strictObject({
    email: z.optional(
      z.pipe(
        emailAddress(),
        z.transform((value) => normaliseEmail(value)),
      ),
    ),
    phone: z.optional(phoneNumber()),
    limit: z.optional(pageLimit(100)),
    cursor: z.optional(cursor),
  })
  .check(
    z.refine((query) => query.email === undefined || query.phone === undefined, {
      message: 'give email or phone, not both',
      path: ['phone'],
    }),
    z.refine(
      (query) =>
        (query.email === undefined && query.phone === undefined) || (query.limit === undefined && query.cursor === undefined),
      { message: 'a search by address is not paged', path: ['cursor'] },
    ),
  );

/** Refuses any string field that holds a mask (`***`), before its own rules run: a mask is never stored. */
const noMaskedValues = z.unknown().check(
  z.check((context) => {
    const body = context.value;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
    for (const [path, value] of Object.entries(body)) {
      if (typeof value === 'string' && looksMasked(value))
        context.issues.push({
          code: 'custom',
          input: value,
          path: [path],
          message: 'is a masked value: send the full corrected value, or leave the field out',
        });
    }
  }),
);

const inquiryFields = inquirySchemaFor(runtimeConfig().SMS_ALLOWED_COUNTRIES).shape;

/** `PATCH /admin/contacts/{id}`: the profile fields, by the same rules as an inquiry; an unknown field is a 400. */
export const correctionSchema = z.pipe(
  noMaskedValues,
  z.strictObject({
    name: z.optional(inquiryFields.name),
    companyName: inquiryFields.companyName,
    dealershipType: inquiryFields.dealershipType,
    email: inquiryFields.email,
    phone: inquiryFields.phone,
  }),
);

/** `POST /admin/contacts/{id}/consent`: what the person told staff, and why staff record it. */
export const staffConsentSchema = z.strictObject({
  channel: z.enum(CHANNELS),
  action: z.enum(['grant', 'withdraw']),
  topics: z.array(z.enum(TOPICS)).check(z.minLength(1, 'must name at least one topic'), z.maxLength(TOPICS.length * 2)),
  reason: z.string().check(z.minLength(1, 'is required'), maxChars(500), followsTextRules(MESSAGE_TEXT)),
});
