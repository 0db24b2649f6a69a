import type { AuditLog } from '../../ports/audit-log.js';
import type { Clock } from '../../ports/clock.js';
import { InvalidCursorError } from '../../ports/contact-records.js';
import type { ContactProfile, ContactRecords } from '../../ports/contact-records.js';
import { auditBeforeRelease } from '../audit.js';
import type { AuditEntry, AuditedRequest } from '../audit.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { StaffIdentity } from '../staff.js';
import { contactDetailView, contactView } from './contact-views.js';
import type { ContactDetailView, ContactView } from './contact-views.js';
import { maskingLens } from './masking-policy.js';
import type { MaskingLens } from './masking-policy.js';

/** The most contacts one page holds (SPEC §4). */
export const MAX_CONTACTS_PER_PAGE = 100;
/** A page's size when the request names none. */
export const DEFAULT_CONTACTS_PER_PAGE = 25;

export interface StaffContactsDeps {
  records: ContactRecords;
  audit: AuditLog;
  clock: Clock;
}

/** A lens for a staff member: their roles decide, field by field, through the one masking policy. */
export function staffLens(staff: StaffIdentity): MaskingLens {
  return maskingLens({ staff: staff.roles });
}

/** The audit entry of one staff access to one contact. */
export function auditEntry(
  staff: StaffIdentity,
  contactId: string,
  action: AuditEntry['action'],
  fields: readonly string[],
  request: AuditedRequest,
  at: string,
): AuditEntry {
  return {
    contactId,
    actor: staff.sub,
    roles: staff.roles,
    action,
    fields: [...fields],
    requestId: request.requestId,
    at,
    ...(request.reason ? { reason: request.reason } : {}),
  };
}

/** `GET /admin/contacts`: one exact address, or a page of every contact. */
export type ContactQuery =
  | { email: string; phone?: never; limit?: never; cursor?: never }
  | { phone: string; email?: never; limit?: never; cursor?: never }
  | { email?: never; phone?: never; limit?: number; cursor?: string };

export interface ContactListing {
  contacts: ContactView[];
  nextCursor?: string;
}

/**
 * Finds a contact by its exact (normalised) email or E.164 phone, or pages through all contacts,
 * newest first. Every item is masked for the reader's roles; each item shown with unmasked
 * personal data gets its own audit entry, written before the response leaves.
 */
export async function findContacts(
  deps: StaffContactsDeps,
  staff: StaffIdentity,
  query: ContactQuery,
  request: AuditedRequest,
): Promise<ContactListing> {
  let profiles: ContactProfile[];
  let nextCursor: string | undefined;
  if (query.email !== undefined || query.phone !== undefined) {
    const found =
      query.email !== undefined
        ? await deps.records.findByAddress('email', query.email)
        : await deps.records.findByAddress('sms', query.phone as string);
    profiles = found ? [found] : [];
  } else {
    const limit = query.limit ?? DEFAULT_CONTACTS_PER_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CONTACTS_PER_PAGE)
      throw new ValidationError([{ path: 'limit', message: `must be a whole number from 1 to ${MAX_CONTACTS_PER_PAGE}` }]);
    try {
      const page = await deps.records.page(limit, query.cursor);
      profiles = page.contacts;
      nextCursor = page.cursor;
    } catch (error) {
      if (error instanceof InvalidCursorError)
        throw new ValidationError([{ path: 'cursor', message: 'is not a cursor this listing gave out' }], { cause: error });
      throw error;
    }
  }

  const at = deps.clock.now().toISOString();
  const entries: AuditEntry[] = [];
  const contacts = profiles.map((profile) => {
    // One lens per item: each contact's entry names the fields shown of that contact.
    const lens = staffLens(staff);
    const view = contactView(profile, lens);
    const fields = lens.unmaskedFields();
    if (fields.length > 0) entries.push(auditEntry(staff, profile.contactId, 'read', fields, request, at));
    return view;
  });
  await auditBeforeRelease(deps.audit, entries);
  return { contacts, ...(nextCursor ? { nextCursor } : {}) };
}

/**
 * `GET /admin/contacts/{id}`: the profile, the current preferences per address, the consent
 * ledger, inquiries, support requests and messages, masked for the reader and audited first.
 * An unknown id is a 404 and audits nothing.
 */
export async function readContact(
  deps: StaffContactsDeps,
  staff: StaffIdentity,
  contactId: string,
  request: AuditedRequest,
): Promise<ContactDetailView> {
  const file = await deps.records.file(contactId);
  if (!file) throw new NotFoundError('No such contact.');
  const lens = staffLens(staff);
  const view = contactDetailView(file, lens);
  const fields = lens.unmaskedFields();
  if (fields.length > 0)
    await auditBeforeRelease(deps.audit, [auditEntry(staff, contactId, 'read', fields, request, deps.clock.now().toISOString())]);
  return view;
}
