import type { AuditEntry } from '../domain/audit.js';
import type { Channel, ConsentEvent, ConsentState } from '../domain/consent.js';
import type { InquiryTopic, VisitMetadata } from '../domain/inquiries/inquiry.js';
import type { AddressStatus } from './recipient-directory.js';
import type { SubmittedDetails } from './staff-reads.js';

/** A contact's profile: the personal data the contact item holds. */
export interface ContactProfile {
  contactId: string;
  name?: string;
  email?: string;
  phone?: string;
  companyName?: string;
  dealershipType?: string;
  createdAt?: string;
  updatedAt?: string;
}

/** One inquiry under a contact, with what it carried (which may differ from the profile, SPEC §2). */
export interface InquiryEntry {
  inquiryId: string;
  topic: InquiryTopic;
  message?: string;
  pageUrl?: string;
  submitted: SubmittedDetails;
  visit: VisitMetadata;
}

/**
 * One support request under a contact, read generically: the request store is another
 * capability's, so only the fields below are taken, and any other attribute is left out.
 */
export interface SupportRequestEntry {
  ticketId: string;
  subject?: string;
  message?: string;
  submitted: Pick<SubmittedDetails, 'name' | 'email' | 'phone'>;
  receivedAt?: string;
  status?: string;
  flags?: string[];
}

/** One ledger record, as it was appended. */
export type LedgerEntry = ConsentEvent;

/** One message-log record: no address and no content is kept in it. */
export interface MessageEntry {
  channel?: string;
  category?: string;
  audience?: string;
  campaignId?: string;
  status?: string;
  providerMessageId?: string;
  createdAt?: string;
  sentAt?: string;
}

/** Everything held under one contact's partition, and what holds for its addresses. */
export interface ContactFile {
  profile: ContactProfile;
  consent: ConsentState;
  /** Suppression and STOP of the contact's current addresses. */
  addressStatus: Partial<Record<Channel, AddressStatus>>;
  ledger: LedgerEntry[];
  inquiries: InquiryEntry[];
  supportRequests: SupportRequestEntry[];
  messages: MessageEntry[];
}

/** A page of contacts and, when more follow, the opaque cursor of the next page. */
export interface ContactPage {
  contacts: ContactProfile[];
  cursor?: string;
}

/** The corrected values of a contact's profile fields. */
export interface ProfileFields {
  name?: string;
  companyName?: string;
  dealershipType?: string;
  email?: string;
  phone?: string;
}

/**
 * One staff correction, written whole or not at all: the new values, the addresses it moves
 * (each new lookup claimed only where no other contact holds it, the old one released), the
 * consent the moved addresses leave behind (a staff withdrawal in the ledger and the state after
 * it), and the audit entry.
 */
export interface ContactCorrection {
  contactId: string;
  /** The profile as read before the change: the write holds only while the moved addresses are unchanged. */
  before: ContactProfile;
  set: ProfileFields;
  moves: { channel: Channel; from?: string; to: string }[];
  withdrawals: ConsentEvent[];
  next: ConsentState;
  audit: AuditEntry;
}

/** An address a correction asks for is held by another contact. */
export class AddressTakenError extends Error {
  constructor(readonly channel: Channel) {
    super(`The ${channel} address is held by another contact`);
    this.name = 'AddressTakenError';
  }
}

/** The contact changed (or went) between the read and the write of a correction. */
export class ContactChangedError extends Error {
  constructor() {
    super('The contact changed while it was being corrected');
    this.name = 'ContactChangedError';
  }
}

/** A cursor that this store did not issue. */
export class InvalidCursorError extends Error {
  constructor() {
    super('Not a cursor of this listing');
    this.name = 'InvalidCursorError';
  }
}

/** Staff access to contacts: finding, paging, reading one whole, correcting. */
export interface ContactRecords {
  /** The contact that holds an address (normalised email or E.164 phone), through its salted lookup. */
  findByAddress(channel: Channel, address: string): Promise<ContactProfile | undefined>;
  /** Contacts newest first, at most `limit`; throws InvalidCursorError for a cursor it did not issue. */
  page(limit: number, cursor?: string): Promise<ContactPage>;
  /** The profile and the consent state beside it, or undefined when there is no such contact. */
  profile(contactId: string): Promise<(ContactProfile & { consent: ConsentState }) | undefined>;
  /** Everything under the contact, or undefined when there is no such contact. */
  file(contactId: string): Promise<ContactFile | undefined>;
  /** Writes a correction; throws AddressTakenError or ContactChangedError and then changes nothing. */
  correct(correction: ContactCorrection): Promise<void>;
}
