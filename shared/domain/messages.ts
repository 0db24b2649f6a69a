import type { Channel, Topic } from './consent.js';

/** Message categories of SPEC §2; each topic is its own category. */
export type Category = 'transactional' | 'service_notice' | Topic;

/** The brand facts every message needs, from config. */
export interface Brand {
  brandName: string;
  postalAddress: string;
  publicBaseUrl: string;
  supportEmail: string;
  supportPhone: string;
}

/** An email's own content, before the gate adds the footer, links and headers. */
export interface EmailBody {
  subject: string;
  text: string;
  /** HTML fragment for the body; every user-given value in it is already escaped. */
  html: string;
}

/** An SMS's own content, before the gate adds the brand and opt-out wording. */
export interface SmsBody {
  text: string;
}

/** A rendered email, ready for the provider. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: { name: string; value: string }[];
  /** One plain address for replies (a staff email's Reply-To); the gate admits nothing else. */
  replyTo?: string;
}

/** A rendered SMS, ready for the provider. */
export interface OutgoingSms {
  to: string;
  body: string;
}

/** What a provider answered for an accepted message. */
export interface ProviderReceipt {
  providerMessageId: string;
}

/** Why one message was not sent, or that it was. */
export type SendOutcome =
  'sent' | 'already_sent' | 'skipped_opted_out' | 'skipped_suppressed' | 'skipped_no_address' | 'deferred_quiet_hours';

/** The channel a category/topic pair uses in a log or ledger line. */
export type MessageScope = { channel: Channel; category: Category };
