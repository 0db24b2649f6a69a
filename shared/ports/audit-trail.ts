import type { AuditEntry } from '../domain/audit.js';

/** A page of audit entries, newest first, and the opaque cursor of the next page when more follow. */
export interface AuditPage {
  entries: AuditEntry[];
  cursor?: string;
}

/**
 * Reading the audit trail: by contact, or by staff member. Both throw InvalidCursorError (from
 * `contact-records.ts`) for a cursor they did not issue.
 */
export interface AuditTrail {
  byContact(contactId: string, limit: number, cursor?: string): Promise<AuditPage>;
  byActor(actor: string, limit: number, cursor?: string): Promise<AuditPage>;
}
