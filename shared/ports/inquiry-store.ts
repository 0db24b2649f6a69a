import type { InquiryReceipt, InquiryRecord } from '../domain/inquiries/inquiry.js';

/** Keys that find a contact again: HMACs of the normalised email and the E.164 phone. */
export interface ContactKeys {
  emailKey?: string;
  phoneKey?: string;
}

/** A previous request with the same Idempotency-Key. */
export interface IdempotencyRecord extends InquiryReceipt {
  requestHash: string;
}

/** Storage for inquiry capture. */
export interface InquiryStore {
  /** The contact ids the email and phone keys point at, where they exist. */
  findContactIds(keys: ContactKeys): Promise<{ byEmail?: string; byPhone?: string }>;
  /**
   * Points each given key at `contactId` unless it already points somewhere; returns the contact
   * the email key (or else the phone key) points at afterwards, so that a race has one winner.
   */
  reserveContactKeys(keys: ContactKeys, contactId: string): Promise<string>;
  /** The live record an earlier request with this Idempotency-Key left, if any. */
  findIdempotencyRecord(keyHash: string): Promise<IdempotencyRecord | undefined>;
  /** Records an Idempotency-Key, or returns the record an earlier request left. */
  claimIdempotencyKey(keyHash: string, record: IdempotencyRecord, ttlSeconds: number): Promise<IdempotencyRecord | undefined>;
  /** Writes contact, inquiry, consent events and outbox in one transaction; false when the inquiry exists. */
  saveInquiry(record: InquiryRecord): Promise<boolean>;
}
