import type { AuditLog } from '../../ports/audit-log.js';
import type { AuditTrail } from '../../ports/audit-trail.js';
import type { Clock } from '../../ports/clock.js';
import type { ContactFile, ContactRecords, DisclosureEntry } from '../../ports/contact-records.js';
import { RECIPIENTS } from '../../recipients.js';
import { auditBeforeRelease } from '../audit.js';
import type { AuditEntry, AuditedRequest } from '../audit.js';
import { CHANNELS } from '../consent.js';
import type { Channel } from '../consent.js';
import { normaliseEmail } from '../contact.js';
import { NotFoundError } from '../errors.js';
import type { StaffIdentity, StaffRole } from '../staff.js';
import { contactView, inquiryView, ledgerView, messageView, preferencesView, supportRequestView } from './contact-views.js';
import type { AddressPreferencesView, ContactView } from './contact-views.js';
import { maskingLens } from './masking-policy.js';
import type { MaskingLens } from './masking-policy.js';
import { auditEntry, staffLens } from './staff-contacts.js';

/** How many audit entries an export reads at most for its "who read it" section. */
const MAX_ACCESS_ENTRIES = 2000;
const AUDIT_PAGE = 100;

export interface ContactExportDeps {
  records: Pick<ContactRecords, 'file'>;
  auditTrail: Pick<AuditTrail, 'byContact'>;
  clock: Clock;
}

/** When a staff role read or changed the record: roles and time only, never who (SPEC §3 "Access"). */
export interface StaffAccessView {
  roles: StaffRole[];
  action: AuditEntry['action'];
  at: string;
}

/** One person's data as JSON: the document of a privacy access request and of an admin export. */
export interface ContactExport {
  exportedAt: string;
  contact: ContactView;
  preferences: Partial<Record<Channel, AddressPreferencesView>>;
  inquiries: Record<string, unknown>[];
  supportRequests: Record<string, unknown>[];
  consentLedger: Record<string, unknown>[];
  messages: Record<string, unknown>[];
  /** Each time the person's data went to a recipient other than AWS, with who it is and why (SPEC §4 Disclosures). */
  disclosures: DisclosureView[];
  staffAccess: StaffAccessView[];
}

/** One disclosure as the export shows it: the registered recipient, its role and purpose, and when. */
export interface DisclosureView {
  recipientId: string;
  recipient: string;
  role: string;
  purpose: string;
  at: string;
}

function disclosureView(entry: DisclosureEntry): DisclosureView {
  const recipient = RECIPIENTS.find((candidate) => candidate.id === entry.recipientId);
  return {
    recipientId: entry.recipientId,
    recipient: recipient?.name ?? entry.recipientId,
    role: recipient?.role ?? 'unregistered',
    purpose: recipient?.purpose ?? '',
    at: entry.at,
  };
}

async function staffAccessOf(trail: Pick<AuditTrail, 'byContact'>, contactId: string): Promise<StaffAccessView[]> {
  const access: StaffAccessView[] = [];
  let cursor: string | undefined;
  do {
    const page = await trail.byContact(contactId, AUDIT_PAGE, cursor);
    for (const entry of page.entries) access.push({ roles: [...entry.roles], action: entry.action, at: entry.at });
    cursor = page.cursor;
  } while (cursor && access.length < MAX_ACCESS_ENTRIES);
  return access.slice(0, MAX_ACCESS_ENTRIES);
}

function exportDocument(file: ContactFile, staffAccess: StaffAccessView[], lens: MaskingLens, at: string): ContactExport {
  return {
    exportedAt: at,
    contact: contactView(file.profile, lens),
    preferences: preferencesView(file, lens),
    inquiries: file.inquiries.map((inquiry) => inquiryView(inquiry, lens)),
    supportRequests: file.supportRequests.map((request) => supportRequestView(request, lens)),
    consentLedger: file.ledger.map((entry) => ledgerView(entry, lens)),
    messages: file.messages.map(messageView),
    disclosures: (file.disclosures ?? []).map(disclosureView).sort((a, b) => a.at.localeCompare(b.at)),
    staffAccess,
  };
}

/**
 * Builds one contact's export. With a scope (a privacy access request verified through one
 * address), that address and the person's own details appear in full and every other address on
 * the contact, its own or one an inquiry carried, appears masked: an address proves only itself.
 * Without a scope the document is whole. Undefined when there is no such contact, or when the
 * scope's channel has no address on it. It writes nothing: the caller audits.
 */
export async function buildContactExport(
  deps: ContactExportDeps,
  contactId: string,
  scope?: { channel: Channel },
): Promise<ContactExport | undefined> {
  const file = await deps.records.file(contactId);
  if (!file) return undefined;
  let lens: MaskingLens;
  if (scope) {
    const address = scope.channel === 'email' ? file.profile.email : file.profile.phone;
    if (address === undefined) return undefined;
    lens = maskingLens({ subject: { channel: scope.channel, address } });
    const document = exportDocument(
      heldUnder(file, scope.channel, address),
      await staffAccessOf(deps.auditTrail, contactId),
      lens,
      deps.clock.now().toISOString(),
    );
    for (const channel of CHANNELS) if (channel !== scope.channel) delete document.preferences[channel];
    return document;
  }
  lens = maskingLens({ staff: ['admin'] });
  return exportDocument(file, await staffAccessOf(deps.auditTrail, contactId), lens, deps.clock.now().toISOString());
}

/**
 * What a contact holds under one of its addresses (SPEC §3, "Access": "the inquiries and support
 * requests submitted with it", its consent ledger, its message log). A contact can also hold
 * submissions that named only its other address (a phone someone else typed, say), and those
 * belong to whoever that address is: an address proves only itself, so they are left out.
 */
function heldUnder(file: ContactFile, channel: Channel, address: string): ContactFile {
  const sameAddress = (submitted: { email?: string; phone?: string }) =>
    channel === 'email'
      ? submitted.email !== undefined && normaliseEmail(submitted.email) === normaliseEmail(address)
      : submitted.phone === address;
  return {
    ...file,
    addressStatus: { [channel]: file.addressStatus[channel] },
    inquiries: file.inquiries.filter((inquiry) => sameAddress(inquiry.submitted)),
    supportRequests: file.supportRequests.filter((request) => sameAddress(request.submitted)),
    ledger: file.ledger.filter((entry) => entry.channel === channel),
    messages: file.messages.filter((message) => message.channel === channel),
  };
}

/**
 * `GET /admin/contacts/{id}/export`: the same document, masked for the staff member's roles,
 * audited (action `export`, with the fields it shows unmasked) before it leaves.
 */
export async function exportContact(
  deps: ContactExportDeps & { audit: AuditLog },
  staff: StaffIdentity,
  contactId: string,
  request: AuditedRequest,
): Promise<ContactExport> {
  const file = await deps.records.file(contactId);
  if (!file) throw new NotFoundError('No such contact.');
  const at = deps.clock.now().toISOString();
  const lens = staffLens(staff);
  const document = exportDocument(file, await staffAccessOf(deps.auditTrail, contactId), lens, at);
  await auditBeforeRelease(deps.audit, [auditEntry(staff, contactId, 'export', lens.unmaskedFields(), request, at)]);
  return document;
}
