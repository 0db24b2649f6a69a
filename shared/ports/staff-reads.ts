import type { InquiryTopic, VisitMetadata } from '../domain/inquiries/inquiry.js';

/**
 * The personal data an inquiry carried, as the form gave it. It may differ from what the contact
 * it is filed under holds: a form never rewrites a contact (SPEC §2).
 */
export interface SubmittedDetails {
  name?: string;
  email?: string;
  phone?: string;
  companyName?: string;
  dealershipType?: string;
}

/** An inquiry as staff list it, with what it carried. */
export interface InquirySummary {
  inquiryId: string;
  /** The contact it is filed under. */
  contactId: string;
  topic: InquiryTopic;
  message?: string;
  pageUrl?: string;
  submitted: SubmittedDetails;
  visit: VisitMetadata;
}

/** Read access for the admin API. */
export interface StaffReads {
  /** Inquiries received on the given UTC days, newest first, at most `limit`. */
  inquiriesByDays(days: readonly string[], limit: number): Promise<InquirySummary[]>;
}
