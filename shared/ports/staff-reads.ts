import type { InquiryTopic, VisitMetadata } from '../domain/inquiries/inquiry.js';

/** An inquiry as staff list it. */
export interface InquirySummary {
  inquiryId: string;
  contactId: string;
  topic: InquiryTopic;
  message?: string;
  pageUrl?: string;
  companyName?: string;
  dealershipType?: string;
  visit: VisitMetadata;
}

/** A contact's personal data as staff see it. */
export interface ContactDetails {
  contactId: string;
  name?: string;
  email?: string;
  phone?: string;
  companyName?: string;
}

/** Read access for the admin API. */
export interface StaffReads {
  /** Inquiries received on the given UTC days, newest first, at most `limit`. */
  inquiriesByDays(days: readonly string[], limit: number): Promise<InquirySummary[]>;
  contacts(contactIds: readonly string[]): Promise<ContactDetails[]>;
}
