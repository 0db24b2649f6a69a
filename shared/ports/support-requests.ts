import type { SupportFlag, SupportRequestRecord, SupportStatus } from '../domain/support/support-request.js';

/** Stores support requests: the request, and the contacts made for addresses no one held, in one transaction. */
export interface SupportRequestStore {
  saveSupportRequest(record: SupportRequestRecord): Promise<void>;
}

/** A support request as staff list it, with what the person wrote and gave, unmasked. */
export interface SupportRequestSummary {
  ticketId: string;
  /** The contact it is filed under. */
  contactId: string;
  subject: string;
  message: string;
  submitted: { name?: string; email?: string; phone?: string };
  receivedAt: string;
  status: SupportStatus;
  flags: SupportFlag[];
}

/** Staff reads of support requests. */
export interface SupportRequestReads {
  /** Requests with this status, newest first, at most `limit`. */
  supportRequestsByStatus(status: SupportStatus, limit: number): Promise<SupportRequestSummary[]>;
}
