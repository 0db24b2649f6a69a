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

/** The inquiry form's wording hashes by channel and brand: a deployment has one brand, so two entries. */
const inquiryWordingHashes = new Map<string, string>();

/**
 * `wordingHash` of the inquiry form's wording for a channel (`INQUIRY_CONSENT_WORDING`), worked
 * out once per brand: the wording depends on nothing else, and every inquiry with a ticked box
 * records it.
 */
export function inquiryWordingHash(channel: Channel, brand: string): string {
  const key = `${channel}:${brand}`;
  let hash = inquiryWordingHashes.get(key);
  if (hash === undefined) {
    hash = wordingHash(INQUIRY_CONSENT_WORDING[channel](brand));
    // Brands come from configuration, so this stays tiny; the bound only guards against misuse.
    if (inquiryWordingHashes.size >= 16) inquiryWordingHashes.clear();
    inquiryWordingHashes.set(key, hash);
  }
  return hash;
}

/** One append-only ledger record: one action on one channel for one or more topics. */
export interface ConsentEvent {
  channel: Channel;
  topics: Topic[];
  action: ConsentAction;
  /** A withdrawal of the whole channel ("Unsubscribe from all email", STOP), not only its topics. */
  allOfChannel?: boolean;
  source: ConsentSource;
  at: string;
  ip?: string;
  userAgent?: string;
  pageUrl?: string;
  policyVersion: string;
  wordingHash: string;
  /** Why staff recorded it (source `staff`): what the person told them, or an address correction. */
  reason?: string;
}

/** What the gate and the preference center read: topic opt-ins and the all-email opt-out. */
export interface ConsentState {
  preferences: Preferences;
  /** Set by "Unsubscribe from all email": blocks service notices as well as every topic. */
  emailOptOutAll: boolean;
}

/** A requested change, before it is compared with the current state. */
export interface ConsentChange {
  channel: Channel;
  topics: readonly Topic[];
  action: ConsentAction;
  allOfChannel?: boolean;
}

/** Where and why a change was made, as each ledger record keeps it. */
export interface ConsentContext {
  source: ConsentSource;
  at: string;
  policyVersion: string;
  wording: string;
  ip?: string;
  userAgent?: string;
  pageUrl?: string;
  /** Why staff recorded the change; kept on each ledger record. */
  reason?: string;
}

/** Applies ledger events, oldest first, to a consent state. */
export function applyConsentEvents(current: ConsentState, events: readonly ConsentEvent[]): ConsentState {
  const preferences: Preferences = { ...current.preferences };
  let emailOptOutAll = current.emailOptOutAll;
  for (const event of events) {
    for (const topic of event.topics) preferences[`${event.channel}:${topic}`] = event.action === 'grant';
    if (event.channel === 'email') {
      if (event.action === 'withdraw' && event.allOfChannel) emailOptOutAll = true;
      // Opting in to any email topic again is asking for email again.
      if (event.action === 'grant') emailOptOutAll = false;
    }
  }
  return { preferences, emailOptOutAll };
}

/**
 * Turns requested changes into the ledger events that actually change something, so that a
 * repeated unsubscribe or an unchanged form records nothing, and the state they lead to.
 */
export function planConsentChange(
  current: ConsentState,
  changes: readonly ConsentChange[],
  context: ConsentContext,
): { events: ConsentEvent[]; next: ConsentState } {
  const events: ConsentEvent[] = [];
  for (const change of changes) {
    const grant = change.action === 'grant';
    const topics = change.topics.filter((topic) => hasOptIn(current.preferences, change.channel, topic) !== grant);
    const channelWide = !grant && change.allOfChannel === true && change.channel === 'email' && !current.emailOptOutAll;
    const reopensEmail =
      grant && change.channel === 'email' && current.emailOptOutAll && (change.topics.length > 0 || change.allOfChannel === true);
    if (topics.length === 0 && !channelWide && !reopensEmail) continue;
    events.push({
      channel: change.channel,
      topics: reopensEmail && topics.length === 0 ? [...change.topics] : topics,
      action: change.action,
      ...(change.allOfChannel ? { allOfChannel: true } : {}),
      source: context.source,
      at: context.at,
      ...(context.ip ? { ip: context.ip } : {}),
      ...(context.userAgent ? { userAgent: context.userAgent } : {}),
      ...(context.pageUrl ? { pageUrl: context.pageUrl } : {}),
      policyVersion: context.policyVersion,
      wordingHash: wordingHash(context.wording),
      ...(context.reason ? { reason: context.reason } : {}),
    });
  }
  return { events, next: applyConsentEvents(current, events) };
}

/** True while the person has a grant in force for this topic on this channel. */
export function hasOptIn(preferences: Preferences, channel: Channel, topic: Topic): boolean {
  return preferences[`${channel}:${topic}`] === true;
}

/** True when the person holds an opt-in to at least one topic on the channel. */
export function hasAnyOptIn(preferences: Preferences, channel: Channel): boolean {
  return TOPICS.some((topic) => hasOptIn(preferences, channel, topic));
}
