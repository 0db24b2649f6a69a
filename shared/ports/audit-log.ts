import type { AuditEntry } from '../domain/audit.js';

/** Append-only audit trail of staff access to personal data. */
export interface AuditLog {
  record(entries: readonly AuditEntry[]): Promise<void>;
}
