import { ServiceUnavailableError } from './errors.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { StaffIdentity } from './staff.js';

/** One field a correction changed, from what to what, both in masked form. */
export interface AuditedChange {
  field: string;
  from?: string;
  to?: string;
}

/** One staff read or change of a contact's personal data (SPEC §4). */
export interface AuditEntry {
  contactId: string;
  actor: string;
  roles: StaffIdentity['roles'];
  action: 'read' | 'update' | 'erase' | 'export';
  fields: string[];
  requestId: string;
  at: string;
  reason?: string;
  /** For an update: what changed, masked. */
  changes?: AuditedChange[];
}

/** The request an audit entry names: its id and the `X-Access-Reason` header when given. */
export interface AuditedRequest {
  requestId: string;
  reason?: string;
}

/**
 * Writes audit entries before the data they cover leaves: when the write fails, the answer is
 * 503 and carries nothing (SPEC §4, "If the audit entry cannot be written, the data does not
 * leave").
 */
export async function auditBeforeRelease(audit: AuditLog, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  try {
    await audit.record(entries);
  } catch (cause) {
    throw new ServiceUnavailableError({ cause });
  }
}

/**
 * The audit entries of a listing that shows what people submitted: one read per contact, naming
 * the personal fields among `fields` that its listed items carry.
 */
export function readsOfSubmissions<Field extends string>(
  items: readonly { contactId: string; submitted: Partial<Record<Field, unknown>> }[],
  fields: readonly Field[],
  staff: StaffIdentity,
  request: AuditedRequest,
  at: string,
): AuditEntry[] {
  const shown = new Map<string, Set<Field>>();
  for (const item of items) {
    const contactFields = shown.get(item.contactId) ?? new Set<Field>();
    for (const field of fields) if (item.submitted[field] !== undefined) contactFields.add(field);
    shown.set(item.contactId, contactFields);
  }
  return [...shown].map(([contactId, contactFields]) => ({
    contactId,
    actor: staff.sub,
    roles: staff.roles,
    action: 'read',
    fields: fields.filter((field) => contactFields.has(field)),
    requestId: request.requestId,
    at,
    ...(request.reason ? { reason: request.reason } : {}),
  }));
}
