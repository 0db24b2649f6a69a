import * as z from 'zod/mini';
import { CONTACT_ID } from '../../shared/domain/contacts/contact-id.js';
import { maxChars } from '../../shared/http/schema-fields.js';

/** `GET /admin/audit` query: exactly one of `contactId` and `actor`, and a page. */
export const auditQuerySchema = z
  .strictObject({
    contactId: z.optional(z.string().check(z.regex(CONTACT_ID, 'must be a contact id'))),
    actor: z.optional(z.string().check(z.minLength(1, 'must not be empty'), maxChars(256))),
    limit: z.optional(
      z.pipe(
        z.string().check(z.regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')),
        z.transform((value) => Number(value)),
      ),
    ),
    cursor: z.optional(z.string().check(z.minLength(1, 'must not be empty'), maxChars(2048))),
  })
  .check(
    z.refine((query) => (query.contactId === undefined) !== (query.actor === undefined), {
      message: 'give exactly one of contactId and actor',
      path: ['contactId'],
    }),
  );
