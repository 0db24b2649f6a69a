import type { DealershipType } from '../contact.js';
import type { ConsentEvent } from '../consent.js';

export const INQUIRY_TOPICS = ['demo', 'pricing', 'support', 'general'] as const;
export type InquiryTopic = (typeof INQUIRY_TOPICS)[number];

/** A validated inquiry as the visitor gave it. */
export interface InquiryInput {
  name: string;
  email?: string;
  phone?: string;
  companyName?: string;
  dealershipType?: DealershipType;
  topic: InquiryTopic;
  message?: string;
  consent: { email: boolean; sms: boolean };
  timezone?: string;
  pageUrl?: string;
}

/**
 * Visit metadata kept with an inquiry (privacy policy, "Data Collection"): none of it identifies
 * anyone by itself.
 */
export interface VisitMetadata {
  ip?: string;
  browser?: string;
  browserVersion?: string;
  os?: string;
  language?: string;
  userAgent?: string;
  receivedAt: string;
}

/** The messages an inquiry owes, kept on the inquiry record as its outbox. */
export type FollowUp = 'acknowledgement' | 'sms_opt_in_confirmation' | 'sales_notification';

/** Everything one inquiry writes, in one transaction. */
export interface InquiryRecord {
  inquiryId: string;
  contactId: string;
  /** The contact's fields as given on this form; absent fields leave stored ones unchanged. */
  contact: {
    name: string;
    email?: string;
    phone?: string;
    companyName?: string;
    dealershipType?: DealershipType;
    timeZone?: string;
  };
  inquiry: {
    topic: InquiryTopic;
    message?: string;
    pageUrl?: string;
  };
  visit: VisitMetadata;
  consentEvents: ConsentEvent[];
  followUps: FollowUp[];
  /** SHA-256 of the request when it came with an Idempotency-Key. */
  requestHash?: string;
}

/** What `POST /inquiries` answers on success. */
export interface InquiryReceipt {
  inquiryId: string;
  contactId: string;
}
