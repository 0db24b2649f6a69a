import { SubjectOperationUnavailableError } from '../ports/subject-data.js';
import type { SubjectData } from '../ports/subject-data.js';

/**
 * The subject-data operations of this build. TODO(issue 10): wire `buildContactExport(deps,
 * contactId, { channel: 'email' })` (shared/domain/contacts/contact-export.ts) and
 * `eraseContact(deps, contactId, { by: { kind: 'privacy_request', requestId }, channel: 'email' })`
 * (shared/domain/contacts/erase-contact.ts) here once they are on main. Until then both fail
 * closed: a verified access or deletion request stays `verified`, gets an `awaiting_staff` step,
 * shows in `GET /admin/privacy-requests` and raises the overdue alarm as its due date nears.
 */
export const subjectData: SubjectData = {
  available: { export: false, erase: false },
  exportFor: () => Promise.reject(new SubjectOperationUnavailableError('export')),
  eraseFor: () => Promise.reject(new SubjectOperationUnavailableError('erase')),
};
