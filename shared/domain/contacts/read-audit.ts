import type { AuditTrail } from '../../ports/audit-trail.js';
import { InvalidCursorError } from '../../ports/contact-records.js';
import type { AuditEntry } from '../audit.js';
import { ValidationError } from '../errors.js';

/** The most entries one page of the audit holds. */
export const MAX_AUDIT_PER_PAGE = 100;
const DEFAULT_AUDIT_PER_PAGE = 50;

/** `GET /admin/audit`: exactly one of a contact and a staff member. */
export type AuditQuery = ({ contactId: string; actor?: never } | { actor: string; contactId?: never }) & {
  limit?: number;
  cursor?: string;
};

/**
 * The audit trail of one contact or of one staff member, newest first, a page at a time. It holds
 * ids, roles, field names and masked values, never personal data, so reading it is not audited.
 */
export async function readAudit(
  deps: { auditTrail: AuditTrail },
  query: AuditQuery,
): Promise<{ entries: AuditEntry[]; nextCursor?: string }> {
  const limit = query.limit ?? DEFAULT_AUDIT_PER_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PER_PAGE)
    throw new ValidationError([{ path: 'limit', message: `must be a whole number from 1 to ${MAX_AUDIT_PER_PAGE}` }]);
  try {
    const page =
      query.contactId !== undefined
        ? await deps.auditTrail.byContact(query.contactId, limit, query.cursor)
        : await deps.auditTrail.byActor(query.actor as string, limit, query.cursor);
    return { entries: page.entries, ...(page.cursor ? { nextCursor: page.cursor } : {}) };
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw new ValidationError([{ path: 'cursor', message: 'is not a cursor this listing gave out' }], { cause: error });
    throw error;
  }
}
