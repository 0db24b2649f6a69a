import { createHash } from 'node:crypto';

/** The channels a person can consent to. */
export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Periodic-communication topics; each needs its own opt-in per channel (SPEC §2). */
export const TOPICS = ['newsletter', 'product_updates', 'marketing'] as const;
export type Topic = (typeof TOPICS)[number];

/** Where a consent change came from, as the ledger records it. */
export type ConsentSource =
  | 'inquiry_form'
  | 'subscription_form'
  | 'preference_center'
  | 'one_click_unsubscribe'
  | 'sms_keyword'
  | 'bounce'
  | 'complaint'
  | 'staff'
  | 'erasure';

export type ConsentAction = 'grant' | 'withdraw';

/** A preference key: one topic on one channel. */
export type PreferenceKey = `${Channel}:${Topic}`;

/** Current preferences: a key is present and true only while a grant is in force. */
export type Preferences = Partial<Record<PreferenceKey, boolean>>;

/** What the visitor saw next to each inquiry-form checkbox; its hash goes in the ledger. */
export const INQUIRY_CONSENT_WORDING: Record<Channel, (brand: string) => string> = {
  email: (brand) => `Yes, ${brand} may email me newsletters, product updates and offers. I can unsubscribe at any time.`,
  sms: (brand) =>
    `Yes, ${brand} may text me newsletters, product updates and offers at the number above. ` +
    'Msg & data rates may apply. Reply STOP to opt out, HELP for help. Consent is not a condition of purchase.',
};

/** The SHA-256 of the consent wording shown, so the ledger proves what was agreed to. */
export function wordingHash(wording: string): string {
  return createHash('sha256').update(wording, 'utf8').digest('hex');
}

/** One append-only ledger record: one action on one channel for one or more topics. */
export interface ConsentEvent {
  channel: Channel;
  topics: Topic[];
  action: ConsentAction;
  source: ConsentSource;
  at: string;
  ip?: string;
  userAgent?: string;
  pageUrl?: string;
  policyVersion: string;
  wordingHash: string;
}

/** Applies ledger events, oldest first, to current preferences. */
export function applyConsentEvents(current: Preferences, events: readonly ConsentEvent[]): Preferences {
  const next: Preferences = { ...current };
  for (const event of events) {
    for (const topic of event.topics) next[`${event.channel}:${topic}`] = event.action === 'grant';
  }
  return next;
}

/** True while the person has a grant in force for this topic on this channel. */
export function hasOptIn(preferences: Preferences, channel: Channel, topic: Topic): boolean {
  return preferences[`${channel}:${topic}`] === true;
}

/** True when the person holds an opt-in to at least one topic on the channel. */
export function hasAnyOptIn(preferences: Preferences, channel: Channel): boolean {
  return TOPICS.some((topic) => hasOptIn(preferences, channel, topic));
}
