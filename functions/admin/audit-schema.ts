import * as z from 'zod/mini';

/** A contact id as the table holds them. */
const CONTACT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const maxChars = (max: number) => z.maxLength(max, `must be at most ${max} characters`);

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
