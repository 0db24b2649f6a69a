import { addressKey } from '../address-key.js';
import type { AudienceKey } from '../campaigns/audience.js';
import { CHANNELS, TOPICS } from '../consent.js';
import type { Channel } from '../consent.js';
import { normaliseEmail } from '../contact.js';
import type { PartitionItem } from '../../ports/erasure-store.js';

/**
 * The erasure plan (SPEC §4 "Erasure", §3 Deletion): from what a contact's partition holds, which
 * item is deleted, which is rewritten without personal data, which is kept and why; which address
 * lookups go, which suppression tombstones are written and which audiences the contact leaves.
 * Pure: the executor (`erase-contact.ts`) runs the steps through ports.
 */

/** What is erased: the whole contact, or only what is held under one of its addresses. */
export type ErasureScope = 'contact' | Channel;

/** Who asked for the erasure. */
export type ErasureRequester = { kind: 'staff'; actor: string } | { kind: 'privacy_request'; requestId: string };

/** The kinds of item a contact's partition holds, by sort key. */
export type PartitionItemKind =
  | 'profile'
  | 'inquiry'
  | 'consent_record'
  | 'erasure_record'
  | 'message'
  | 'subscription_pending'
  | 'sms_pending'
  | 'outbox_message'
  | 'support_request'
  | 'disclosure'
  | 'other';

/** What happens to one item. */
export type ItemFate =
  | { sk: string; kind: PartitionItemKind; fate: 'delete' }
  | { sk: string; kind: PartitionItemKind; fate: 'rewrite'; item: PartitionItem }
  | { sk: string; kind: 'profile'; fate: 'remove_address'; attributes: string[] }
  | { sk: string; kind: PartitionItemKind; fate: 'keep'; reason: string };

/** An address the erasure acts on, by its salted hash only. */
export interface ErasedAddress {
  channel: Channel;
  addressKey: string;
  /** True for an address the contact held: it gets a suppression tombstone. */
  tombstone: boolean;
}

/** What the erasure counts as erased, by kind; never the data itself. */
export type ErasedKind =
  | 'profile'
  | 'profile_address'
  | 'inquiry'
  | 'inquiry_address'
  | 'consent_record'
  | 'message_recipient'
  | 'subscription_pending'
  | 'sms_pending'
  | 'outbox_message'
  | 'support_request'
  | 'support_request_address'
  | 'other'
  | 'address_lookup'
  | 'audience_membership';

/** One thing the erasure keeps, and why. */
export interface KeptRecord {
  what:
    | 'suppression_tombstone'
    | 'erasure_record'
    | 'message_log'
    | 'audit_entries'
    | 'privacy_request_record'
    | 'disclosure_record';
  count?: number;
  why: string;
}

/** The erasure receipt (SPEC §3 Deletion): what was erased, what is kept and why, when backups roll off. */
export interface ErasureReceipt {
  contactId: string;
  scope: ErasureScope;
  erasedAt: string;
  by: ErasureRequester;
  erased: Partial<Record<ErasedKind, number>>;
  kept: KeptRecord[];
  /** The day (UTC) by which the last point-in-time backup holding the erased data has rolled off. */
  backupsRollOffOn: string;
  /**
   * The notice of this erasure owed to each recipient (other than AWS) that received the person's
   * data: it must be told to erase what it got too (SPEC §4 Disclosures).
   */
  noticesOwed?: NoticeOwed[];
}

/** A recipient that received the person's data, and so is owed a notice of the erasure. */
export interface NoticeOwed {
  recipientId: string;
  disclosures: number;
  lastDisclosedAt: string;
  state: 'owed';
}

/** The one record of the consent ledger an erasure leaves: no personal data, the erased addresses as salted hashes. */
export interface ErasureRecord {
  sk: string;
  entity: 'consent';
  source: 'erasure';
  action: 'withdraw';
  allOfChannel: true;
  topics: [];
  channels: Channel[];
  scope: ErasureScope;
  at: string;
  state: 'in_progress' | 'complete';
  addresses: ErasedAddress[];
  receipt: ErasureReceipt;
}

/** Point-in-time recovery keeps 35 days of table history (the DynamoDB PITR window). */
export const BACKUP_RETENTION_DAYS = 35;

const MESSAGE_FACTS = [
  'pk',
  'sk',
  'entity',
  'dedupeKey',
  'contactId',
  'channel',
  'category',
  'audience',
  'recipientId',
  'campaignId',
  'status',
  'attempts',
  'counted',
  'leaseUntil',
  'createdAt',
  'updatedAt',
  'sentAt',
  'confirmedBy',
  'providerMessageId',
  'recipientErased',
] as const;

/** The sort key of an erasure record: in the ledger, ordered by time like every consent record. */
export function erasureRecordSk(at: string, scope: ErasureScope): string {
  return `CONSENT#${at}#${scope}#erasure`;
}

/** The kind of a partition item, from its sort key (support requests by their prefix, whatever their shape). */
export function kindOf(item: PartitionItem): PartitionItemKind {
  const { sk } = item;
  if (sk === 'PROFILE') return 'profile';
  if (sk === 'SUBSCRIPTION') return 'subscription_pending';
  if (sk === 'SMS_PENDING') return 'sms_pending';
  if (sk.startsWith('INQUIRY#')) return 'inquiry';
  if (sk.startsWith('CONSENT#')) return item.source === 'erasure' ? 'erasure_record' : 'consent_record';
  if (sk.startsWith('MESSAGE#')) return 'message';
  if (sk.startsWith('OUTBOX#')) return 'outbox_message';
  if (sk.startsWith('SUPPORT#')) return 'support_request';
  if (sk.startsWith('DISCLOSURE#')) return 'disclosure';
  return 'other';
}

const field = (channel: Channel) => (channel === 'email' ? 'email' : 'phone');
const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** The scope an erasure takes: one address only while the contact holds another; otherwise the whole contact. */
export function scopeOf(profile: PartitionItem | undefined, channel: Channel | undefined): ErasureScope {
  if (!channel || !profile) return 'contact';
  const other: Channel = channel === 'email' ? 'sms' : 'email';
  return text(profile[field(other)]) ? channel : 'contact';
}

/** The addresses an item names: a profile's, an inquiry's `submitted`, a support request's own fields. */
function addressesNamed(item: PartitionItem): { channel: Channel; address: string }[] {
  const submitted = (typeof item.submitted === 'object' && item.submitted !== null ? item.submitted : {}) as Record<
    string,
    unknown
  >;
  const found: { channel: Channel; address: string }[] = [];
  for (const source of [item, submitted]) {
    const email = text(source.email);
    const phone = text(source.phone);
    if (email) found.push({ channel: 'email', address: normaliseEmail(email) });
    if (phone) found.push({ channel: 'sms', address: phone });
  }
  return found;
}

/** A pattern that finds an address in free text: an email in any case, a number in E.164 or national form. */
function addressPattern(channel: Channel, address: string): RegExp {
  if (channel === 'email') return new RegExp(address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  const national = address.replace(/^\+1/, '').replace(/\D/g, '');
  if (national.length !== 10) return new RegExp(address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g');
  const [a, b, c] = [national.slice(0, 3), national.slice(3, 6), national.slice(6)];
  return new RegExp(`(\\+?1[\\s.-]?)?\\(?${a}\\)?[\\s.-]?${b}[\\s.-]?${c}`, 'g');
}

const ERASED = '[erased]';

/** A copy of a value with every occurrence of the addresses replaced. */
function scrub(value: unknown, patterns: readonly RegExp[]): unknown {
  if (typeof value === 'string') return patterns.reduce((acc, pattern) => acc.replace(pattern, ERASED), value);
  if (Array.isArray(value)) return value.map((entry) => scrub(entry, patterns));
  if (value instanceof Set) return new Set([...value].map((entry) => scrub(entry, patterns)));
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [name, entry] of Object.entries(value)) result[name] = scrub(entry, patterns);
    return result;
  }
  return value;
}

/** Drops the fields that held nothing but an erased address (an inquiry's `submitted.email`, a request's `phone`). */
function dropErased<T>(value: T): T {
  if (Array.isArray(value) || value instanceof Set || typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(value)) if (entry !== ERASED) result[name] = dropErased(entry);
  return result as T;
}

/**
 * A message-log line with only the facts SPEC §2 lists for the log (channel, category, campaign,
 * provider message id, status, times): no recipient, address or provider error text.
 */
function messageFacts(item: PartitionItem): PartitionItem {
  const kept: Record<string, unknown> = {};
  for (const name of MESSAGE_FACTS) if (item[name] !== undefined) kept[name] = item[name];
  return { ...kept, sk: item.sk, recipientErased: true };
}

/** Items compare by content, whatever the order of their attributes (a read returns them in any order). */
const sameItem = (a: unknown, b: unknown) => canonical(a) === canonical(b);
function canonical(value: unknown): string {
  if (value instanceof Set) return canonical([...value].map(canonical).sort());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${canonical((value as Record<string, unknown>)[name])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}

/** The attributes of a profile that belong to one address: the address and its channel's preferences. */
export function addressAttributes(channel: Channel): string[] {
  return [
    field(channel),
    ...TOPICS.map((topic) => `pref_${channel}_${topic}`),
    ...(channel === 'email' ? ['emailOptOutAll', 'subscriptionUnconfirmed'] : []),
  ];
}

/** Every audience of a channel, or of both: an erased contact leaves each of them. */
export function audiencesOfScope(scope: ErasureScope): AudienceKey[] {
  const channels = scope === 'contact' ? CHANNELS : [scope];
  return channels.flatMap((channel) =>
    ([...(channel === 'email' ? (['legal'] as const) : []), 'service', ...TOPICS] as const).map(
      (segment): AudienceKey => `${channel}:${segment}`,
    ),
  );
}

/** What the plan asks the executor to do, in this order. */
export interface ErasurePlan {
  scope: ErasureScope;
  fates: ItemFate[];
  addresses: ErasedAddress[];
  audiences: AudienceKey[];
  /** The counts of what this plan erases, by kind. */
  erased: Partial<Record<ErasedKind, number>>;
  /** The recipients owed a notice of this erasure. */
  noticesOwed: NoticeOwed[];
  /** True when nothing personal is left to erase in this scope. */
  done: boolean;
}

/**
 * Plans the erasure of one contact's personal data in `scope`, from every item of its partition.
 * `currentRecordSk` names the erasure record in progress (kept); `addressSalt` turns the addresses
 * into the salted hashes the lookups and tombstones are keyed by.
 */
export function planErasure(
  items: readonly PartitionItem[],
  scope: ErasureScope,
  addressSalt: string,
  currentRecordSk?: string,
): ErasurePlan {
  const profile = items.find((item) => item.sk === 'PROFILE');
  const channels: readonly Channel[] = scope === 'contact' ? CHANNELS : [scope];
  const inScope = (channel: Channel) => channels.includes(channel);

  // The addresses the contact holds get a tombstone; in a whole-contact erasure, those its inquiries
  // and requests name lose their lookup too, if it still points here.
  const addresses = new Map<string, ErasedAddress>();
  const add = (channel: Channel, address: string, tombstone: boolean) => {
    const key = addressKey(addressSalt, channel, address);
    const existing = addresses.get(`${channel}:${key}`);
    addresses.set(`${channel}:${key}`, { channel, addressKey: key, tombstone: tombstone || existing?.tombstone === true });
  };
  const held = profile ? addressesNamed({ sk: profile.sk, email: profile.email, phone: profile.phone }) : [];
  for (const { channel, address } of held) if (inScope(channel)) add(channel, address, true);
  if (scope === 'contact') {
    for (const item of items) {
      const kind = kindOf(item);
      if (kind === 'inquiry' || kind === 'support_request')
        for (const { channel, address } of addressesNamed(item)) add(channel, address, false);
    }
  }
  const patterns = held.filter(({ channel }) => inScope(channel)).map(({ channel, address }) => addressPattern(channel, address));

  const fates: ItemFate[] = items.map((item): ItemFate => {
    const kind = kindOf(item);
    const { sk } = item;
    // Names a recipient and a time, nothing of the person: kept as the record of the notice owed.
    if (kind === 'disclosure') return { sk, kind, fate: 'keep', reason: 'the record that a recipient got this data' };
    if (kind === 'erasure_record') {
      if (sk === currentRecordSk) return { sk, kind, fate: 'keep', reason: 'the record that the erasure happened' };
      return scope === 'contact'
        ? { sk, kind, fate: 'delete' }
        : { sk, kind, fate: 'keep', reason: 'the record of an earlier erasure' };
    }
    if (kind === 'message') {
      if (!inScope(item.channel as Channel)) return { sk, kind, fate: 'keep', reason: 'a message to another address' };
      const rewritten = messageFacts(item);
      return sameItem(rewritten, item)
        ? { sk, kind, fate: 'keep', reason: 'the message log line holds no recipient' }
        : { sk, kind, fate: 'rewrite', item: rewritten };
    }
    if (scope === 'contact') return { sk, kind, fate: 'delete' };

    // One address only: what is held under it goes, the rest of the contact stays.
    switch (kind) {
      case 'profile': {
        const attributes = addressAttributes(scope).filter((name) => item[name] !== undefined);
        return attributes.length > 0
          ? { sk, kind, fate: 'remove_address', attributes }
          : { sk, kind, fate: 'keep', reason: 'holds nothing of this address' };
      }
      case 'consent_record':
        return item.channel === scope
          ? { sk, kind, fate: 'delete' }
          : { sk, kind, fate: 'keep', reason: 'consent of another address' };
      case 'subscription_pending':
        return scope === 'email' ? { sk, kind, fate: 'delete' } : { sk, kind, fate: 'keep', reason: 'an email request' };
      case 'sms_pending':
        return scope === 'sms' ? { sk, kind, fate: 'delete' } : { sk, kind, fate: 'keep', reason: 'a text request' };
      case 'outbox_message':
        // Queued messages without a channel of their own are confirmation emails.
        return (text(item.channel) ?? 'email') === scope
          ? { sk, kind, fate: 'delete' }
          : { sk, kind, fate: 'keep', reason: 'a message to another address' };
      default: {
        const scrubbed = dropErased(scrub(item, patterns) as PartitionItem);
        const rewritten = sameItem(scrubbed, item) ? item : withoutChannel(scrubbed, scope);
        return sameItem(rewritten, item)
          ? { sk, kind, fate: 'keep', reason: 'holds nothing of this address' }
          : { sk, kind, fate: 'rewrite', item: rewritten };
      }
    }
  });

  const erased: Partial<Record<ErasedKind, number>> = {};
  const count = (kind: ErasedKind, by = 1) => {
    if (by > 0) erased[kind] = (erased[kind] ?? 0) + by;
  };
  for (const fate of fates) {
    if (fate.fate === 'keep' || fate.kind === 'erasure_record') continue;
    if (fate.fate === 'remove_address') count('profile_address');
    else if (fate.kind === 'message') count('message_recipient');
    else if (fate.fate === 'rewrite' && fate.kind === 'inquiry') count('inquiry_address');
    else if (fate.fate === 'rewrite' && fate.kind === 'support_request') count('support_request_address');
    else if (fate.kind !== 'disclosure') count(fate.kind === 'profile' ? 'profile' : fate.kind);
  }
  const tombstones = [...addresses.values()].filter((address) => address.tombstone).length;
  count('address_lookup', tombstones);

  return {
    scope,
    fates,
    addresses: [...addresses.values()],
    audiences: audiencesOfScope(scope),
    noticesOwed: noticesOwedOf(items),
    erased,
    done: fates.every((fate) => fate.fate === 'keep'),
  };
}

/** An inquiry's or request's per-channel maps without the erased channel (`holders`, `consentRequests`). */
function withoutChannel(item: PartitionItem, channel: Channel): PartitionItem {
  const copy: PartitionItem = { ...item };
  for (const name of ['holders', 'consentRequests']) {
    const map = copy[name];
    if (typeof map !== 'object' || map === null || !(channel in map)) continue;
    const rest = { ...(map as Record<string, unknown>) };
    delete rest[channel];
    copy[name] = rest;
  }
  return copy;
}

/** The recipients that received the contact's data (its disclosure records), each owed a notice of the erasure. */
export function noticesOwedOf(items: readonly PartitionItem[]): NoticeOwed[] {
  const owed = new Map<string, NoticeOwed>();
  for (const item of items) {
    if (kindOf(item) !== 'disclosure' || typeof item.recipientId !== 'string') continue;
    const at = typeof item.at === 'string' ? item.at : '';
    const known = owed.get(item.recipientId);
    owed.set(item.recipientId, {
      recipientId: item.recipientId,
      disclosures: (known?.disclosures ?? 0) + 1,
      lastDisclosedAt: known && known.lastDisclosedAt > at ? known.lastDisclosedAt : at,
      state: 'owed',
    });
  }
  return [...owed.values()];
}

/** The day (UTC) the last backup holding data erased at `at` rolls off. */
export function backupsRollOffOn(at: string): string {
  return new Date(Date.parse(at) + BACKUP_RETENTION_DAYS * 24 * 3600 * 1000).toISOString().slice(0, 10);
}

/** What an erasure keeps, and why (SPEC §2, §3 Deletion). */
export function keptRecords(plan: ErasurePlan, by: ErasureRequester): KeptRecord[] {
  const tombstones = plan.addresses.filter((address) => address.tombstone).length;
  const messages = plan.fates.filter((fate) => fate.kind === 'message' && fate.fate === 'rewrite').length;
  const disclosures = plan.fates.filter((fate) => fate.kind === 'disclosure').length;
  return [
    ...(disclosures > 0
      ? [
          {
            what: 'disclosure_record' as const,
            count: disclosures,
            why: 'Which recipient got this data and when, without the data: the notice of this erasure is owed to each.',
          },
        ]
      : []),
    ...(tombstones > 0
      ? [
          {
            what: 'suppression_tombstone' as const,
            count: tombstones,
            why:
              'A salted hash of each erased address, never the address: no message reaches it again unless that ' +
              'address itself asks again (a new inquiry, sign-up or request).',
          },
        ]
      : []),
    {
      what: 'erasure_record',
      count: 1,
      why: 'The consent ledger keeps one record that the erasure happened, with no personal data.',
    },
    ...(messages > 0
      ? [
          {
            what: 'message_log' as const,
            count: messages,
            why: 'When each message was sent, on which channel, in which campaign and under which provider id, without recipient or address.',
          },
        ]
      : []),
    {
      what: 'audit_entries',
      why: 'Who on staff read or changed this contact and when, kept for accountability; they hold no contact details.',
    },
    ...(by.kind === 'privacy_request'
      ? [
          {
            what: 'privacy_request_record' as const,
            why: 'The privacy request and its outcome are kept 24 months (11 CCR §7102).',
          },
        ]
      : []),
  ];
}
