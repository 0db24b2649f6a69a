import * as z from 'zod/mini';
import { PRIVACY_REQUEST_TYPES } from '../../shared/domain/privacy/privacy-request.js';
import { followsTextRules, MESSAGE_TEXT } from '../../shared/domain/text.js';
import { ValidationError } from '../../shared/domain/errors.js';
import { emailAddress, maxChars } from '../../shared/http/schema-fields.js';

/** `POST /privacy-requests` (SPEC §3): strict; a correction names what should change in `details`. */
export const privacyRequestSchema = z.strictObject({
  type: z.enum(PRIVACY_REQUEST_TYPES),
  email: emailAddress(),
  details: z.optional(z.string().check(maxChars(5000), followsTextRules(MESSAGE_TEXT))),
});

/** A form's empty fields are absent. */
export function fromSubmittedFields(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== ''));
}

/** The rule one schema cannot say on its own: a correction without `details` names nothing to change. */
export function requireCorrectionDetails(request: z.output<typeof privacyRequestSchema>): void {
  if (request.type === 'correction' && !request.details)
    throw new ValidationError([{ path: 'details', message: 'is required for a correction: say what should change' }]);
}

/** `POST /admin/privacy-requests/{id}/complete`. */
export const completeSchema = z.strictObject({
  note: z.optional(z.string().check(z.minLength(1), maxChars(1000), followsTextRules(MESSAGE_TEXT))),
});

/** `POST /admin/privacy-requests/{id}/extend`: the reason goes to the person, so the text rules hold. */
export const extendSchema = z.strictObject({
  reason: z.string().check(z.minLength(1, 'is required'), maxChars(1000), followsTextRules(MESSAGE_TEXT)),
  days: z.optional(z.int().check(z.minimum(46, 'must be more than 45'), z.maximum(90, 'must be at most 90'))),
});
