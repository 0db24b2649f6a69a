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

/** How a form's consent box becomes consent (config `optIn.email` / `optIn.sms`, SPEC §2). */
export type OptInMode = 'double' | 'single';

/**
 * What a ticked consent box asked for, kept on the inquiry as a request: under double opt-in it
 * grants nothing until the address confirms (a link sent to it, a reply from it).
 */
export interface ConsentRequest {
  mode: OptInMode;
  policyVersion: string;
  wordingHash: string;
}

/** The contacts that hold the form's addresses; each address belongs to one contact only. */
export interface InquiryHolders {
  email?: string;
  sms?: string;
}

/** Everything one inquiry writes, in one transaction. */
export interface InquiryRecord {
  inquiryId: string;
  /** The contact the inquiry is filed under: the holder of its email, else of its phone. */
  contactId: string;
  holders: InquiryHolders;
  /** A contact this inquiry created for addresses no one held; only it takes the form's profile. */
  newContactId?: string;
  /**
   * What the form carried, kept on the inquiry for staff. It never rewrites a stored contact: a
   * contact's addresses, name and company are set once, when the contact is created.
   */
  submitted: {
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
  consentRequests: Partial<Record<'email' | 'sms', ConsentRequest>>;
  /** Grants a single opt-in deployment records at once, each on the holder of its channel's address. */
  consentEvents: ConsentEvent[];
  followUps: FollowUp[];
  /** SHA-256 of the request when it came with an Idempotency-Key. */
  requestHash?: string;
}

/**
 * What `POST /inquiries` answers on success: the inquiry's id and nothing else, so that no answer
 * tells whether an address was known (SPEC §2).
 */
export interface InquiryReceipt {
  inquiryId: string;
}
