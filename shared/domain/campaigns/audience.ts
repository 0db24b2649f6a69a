import { createHash } from 'node:crypto';
import { TOPICS, hasAnyOptIn, hasOptIn } from '../consent.js';
import type { Channel, Preferences, Topic } from '../consent.js';

/**
 * A campaign audience: one topic on one channel, everyone reachable for service notices, or
 * (`legal`, email only) every held address for legal notices.
 */
export type AudienceSegment = Topic | 'service' | 'legal';
export type AudienceKey = `${Channel}:${AudienceSegment}`;

/** How many partitions each audience is spread over, so that a million members read in parallel. */
export const AUDIENCE_SHARDS = 16;

/** The stable shard of a contact. */
export function shardOf(contactId: string): number {
  return createHash('sha1').update(contactId).digest().readUInt16BE(0) % AUDIENCE_SHARDS;
}

/** What decides a contact's audiences: its addresses and consent. */
export interface AudienceFacts {
  email?: string;
  phone?: string;
  preferences: Preferences;
  emailOptOutAll?: boolean;
  subscriptionUnconfirmed?: boolean;
}

/**
 * The audiences a contact belongs to. Membership only narrows who is read at dispatch: consent,
 * suppression and quiet hours are checked again for each message at send time.
 */
export function audiencesOf(facts: AudienceFacts | undefined): Set<AudienceKey> {
  const keys = new Set<AudienceKey>();
  if (!facts) return keys;
  // A legal notice reaches every held email address, unsubscribed from all email or not; an
  // address that only asked for the newsletter and never confirmed is not known to be theirs.
  if (facts.email && !facts.subscriptionUnconfirmed) keys.add('email:legal');
  if (facts.email && !facts.emailOptOutAll && !facts.subscriptionUnconfirmed) {
    // Service notices reach every contact with an email address who has not left all email.
    keys.add('email:service');
    for (const topic of TOPICS) if (hasOptIn(facts.preferences, 'email', topic)) keys.add(`email:${topic}`);
  }
  if (facts.phone && hasAnyOptIn(facts.preferences, 'sms')) {
    keys.add('sms:service');
    for (const topic of TOPICS) if (hasOptIn(facts.preferences, 'sms', topic)) keys.add(`sms:${topic}`);
  }
  return keys;
}
