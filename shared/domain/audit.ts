import type { StaffIdentity } from './staff.js';

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
}
