import * as z from 'zod/mini';
import { TOPICS } from '../../shared/domain/consent.js';
import { followsTextRules, NAME_TEXT } from '../../shared/domain/text.js';
import { emailAddress, maxChars } from '../../shared/http/schema-fields.js';

/** `POST /subscriptions` (SPEC §3): strict, with topics defaulting to the newsletter. */
export const subscriptionSchema = z.strictObject({
  email: emailAddress(),
  name: z.optional(z.string().check(z.minLength(1), maxChars(120), followsTextRules(NAME_TEXT))),
  topics: z._default(
    z.array(z.enum(TOPICS)).check(
      z.minLength(1, 'must name at least one topic'),
      z.refine((topics) => new Set(topics).size === topics.length, 'must not repeat a topic'),
    ),
    ['newsletter'],
  ),
});

/** An HTML form sends one topic as a string and several as repeated fields; empty fields are absent. */
export function fromSubmittedFields(body: unknown, isForm: boolean): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const fields = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== ''));
  if (isForm && typeof fields.topics === 'string') fields.topics = [fields.topics];
  return fields;
}
