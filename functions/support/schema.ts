import * as z from 'zod/mini';
import { emailAddress, maxChars, phoneNumber } from '../../shared/http/schema-fields.js';
import { followsTextRules, MESSAGE_TEXT, NAME_TEXT, ONE_LINE_TEXT } from '../../shared/domain/text.js';

/**
 * `POST /support-requests` (SPEC §3): strict, so an unknown field is a 400 that names it; the
 * character rules of an inquiry (no control, invisible or bidirectional characters; no web address
 * in the name, which an acknowledgement greets by); `email` or `phone` required.
 */
export const supportRequestSchema = z
  .strictObject({
    name: z.string().check(z.minLength(1, 'is required'), maxChars(120), followsTextRules(NAME_TEXT)),
    email: z.optional(emailAddress()),
    phone: z.optional(phoneNumber()),
    subject: z.string().check(z.minLength(1, 'is required'), maxChars(200), followsTextRules(ONE_LINE_TEXT)),
    message: z.string().check(z.minLength(1, 'is required'), maxChars(5000), followsTextRules(MESSAGE_TEXT)),
    website: z.optional(z.string()),
  })
  .check(
    z.refine((request) => request.email !== undefined || request.phone !== undefined, {
      message: 'email or phone is required',
      path: ['email'],
    }),
  );

export type SupportRequestBody = z.output<typeof supportRequestSchema>;

/** A form's empty optional fields count as absent, as for an inquiry. */
export function fromSubmittedFields(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== ''));
}
