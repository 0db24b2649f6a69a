import type { InquiryReceipt, InquiryRecord } from '../domain/inquiries/inquiry.js';

/** A previous request with the same Idempotency-Key. */
export interface IdempotencyRecord extends InquiryReceipt {
  contactId: string;
  requestHash: string;
}

/** Storage for inquiry capture. */
export interface InquiryStore {
  /** The live record an earlier request with this Idempotency-Key left, if any. */
  findIdempotencyRecord(keyHash: string): Promise<IdempotencyRecord | undefined>;
  /** Records an Idempotency-Key, or returns the record an earlier request left. */
  claimIdempotencyKey(keyHash: string, record: IdempotencyRecord, ttlSeconds: number): Promise<IdempotencyRecord | undefined>;
  /** Writes contact, inquiry, consent events and outbox in one transaction; false when the inquiry exists. */
  saveInquiry(record: InquiryRecord): Promise<boolean>;
}
