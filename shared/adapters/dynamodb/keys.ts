import type { Channel } from '../../domain/consent.js';

/** Key builders for every item type in the single table. */
export const keys = {
  contact: (contactId: string) => ({ pk: `CONTACT#${contactId}`, sk: 'PROFILE' }),
  contactLookup: (channel: Channel, addressKey: string) => ({ pk: `LOOKUP#${channel}#${addressKey}`, sk: 'LOOKUP' }),
  inquiry: (contactId: string, inquiryId: string) => ({ pk: `CONTACT#${contactId}`, sk: `INQUIRY#${inquiryId}` }),
  inquiriesByDay: (day: string) => `INQUIRIES#${day}`,
  consent: (contactId: string, at: string, channel: Channel, action: string) => ({
    pk: `CONTACT#${contactId}`,
    sk: `CONSENT#${at}#${channel}#${action}`,
  }),
  message: (contactId: string, dedupeKey: string) => ({ pk: `CONTACT#${contactId}`, sk: `MESSAGE#${dedupeKey}` }),
  subscription: (contactId: string) => ({ pk: `CONTACT#${contactId}`, sk: 'SUBSCRIPTION' }),
  outbox: (contactId: string, at: string, kind: string) => ({ pk: `CONTACT#${contactId}`, sk: `OUTBOX#${at}#${kind}` }),
  idempotency: (keyHash: string) => ({ pk: `IDEMPOTENCY#${keyHash}`, sk: 'IDEMPOTENCY' }),
  smsStop: (phoneKey: string) => ({ pk: `SMS_STOP#${phoneKey}`, sk: 'SMS_STOP' }),
  smsPending: (contactId: string) => ({ pk: `CONTACT#${contactId}`, sk: 'SMS_PENDING' }),
  sendLimit: (name: string) => ({ pk: `LIMIT#${name}`, sk: 'LIMIT' }),
  suppression: (channel: Channel, addressKey: string) => ({ pk: `SUPPRESSION#${channel}#${addressKey}`, sk: 'SUPPRESSION' }),
  softBounce: (addressKey: string, at: string, feedbackId: string) => ({
    pk: `SOFT_BOUNCE#${addressKey}`,
    sk: `${at}#${feedbackId}`,
  }),
  policyPartition: 'POLICY',
  policyVersion: (effectiveAt: string, version: string) => ({ pk: 'POLICY', sk: `VERSION#${effectiveAt}#${version}` }),
  policyVersionName: (version: string) => ({ pk: 'POLICY', sk: `NAME#${version}` }),
  audiencePartition: (audience: string, shard: number) => `AUDIENCE#${audience}#${shard}`,
  audienceMember: (audience: string, shard: number, contactId: string) => ({
    pk: `AUDIENCE#${audience}#${shard}`,
    sk: contactId,
  }),
  campaign: (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'CAMPAIGN' }),
  campaignRun: (campaignId: string, runId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: `RUN#${runId}` }),
  campaignPlan: (campaignId: string, runId: string, channel: string, shard: number) => ({
    pk: `CAMPAIGN#${campaignId}`,
    sk: `RUN#${runId}#PLAN#${channel}#${shard}`,
  }),
  campaignLeftovers: (campaignId: string, runId: string, channel: string) => ({
    pk: `CAMPAIGN#${campaignId}`,
    sk: `RUN#${runId}#LEFTOVERS#${channel}`,
  }),
  campaignsDue: 'CAMPAIGNS_DUE',
  audit: (contactId: string, at: string, requestId: string) => ({ pk: `AUDIT#${contactId}`, sk: `${at}#${requestId}` }),
  auditByActor: (actor: string) => `AUDIT_ACTOR#${actor}`,
  /** The index of every contact on gsi1, newest first: the contact item carries these two attributes. */
  contactsIndex: (createdAt: string, contactId: string) => ({ gsi1pk: 'CONTACTS', gsi1sk: `${createdAt}#${contactId}` }),
  supportRequest: (contactId: string, ticketId: string) => ({ pk: `CONTACT#${contactId}`, sk: `SUPPORT#${ticketId}` }),
  supportRequestsByStatus: (status: string) => `SUPPORT_REQUESTS#${status}`,
  /** One UTC day of anonymous analytics aggregates: every path, sketch and organisation item of the day. */
  analyticsDay: (day: string) => `ANALYTICS#${day}`,
  analyticsPath: (day: string, path: string) => ({ pk: `ANALYTICS#${day}`, sk: `PATH#${path}` }),
  analyticsUniques: (day: string, path: string) => ({ pk: `ANALYTICS#${day}`, sk: `UNIQ#${path}` }),
  analyticsOrganisation: (day: string, asn: number, name: string) => ({ pk: `ANALYTICS#${day}`, sk: `ORG#${asn}#${name}` }),
  /** The day's visitor-id salt, deleted by TTL 48 hours after the day began. */
  analyticsSalt: (day: string) => ({ pk: `ANALYTICS_SALT#${day}`, sk: 'SALT' }),
  /**
   * One send of the contact's data to a recipient other than AWS (the new-lead email to the sales
   * mailbox): keyed by the send, so that recording it again (a retry, the provider's own record)
   * writes the same item.
   */
  disclosure: (contactId: string, recipientId: string, dedupeKey: string) => ({
    pk: `CONTACT#${contactId}`,
    sk: `${DISCLOSURE_PREFIX}${recipientId}#${dedupeKey}`,
  }),
  privacyRequest: (requestId: string) => ({ pk: `PRIVACY_REQUEST#${requestId}`, sk: 'REQUEST' }),
  privacyTask: (requestId: string, at: string, kind: string) => ({
    pk: `PRIVACY_REQUEST#${requestId}`,
    sk: `TASK#${at}#${kind}`,
  }),
  privacyRequestsIndex: 'PRIVACY_REQUESTS',
  /**
   * The requests of one mailbox (salted key, its aliases included) that may still wait for an
   * acknowledgement, oldest first: one small entry per request, written with it and pruned once it
   * no longer waits.
   */
  privacyMailboxPartition: (mailboxKey: string) => `PRIVACY_BY_MAILBOX#${mailboxKey}`,
  privacyMailboxEntry: (mailboxKey: string, receivedAt: string, requestId: string) => ({
    pk: `PRIVACY_BY_MAILBOX#${mailboxKey}`,
    sk: `${receivedAt}#${requestId}`,
  }),
  /** The one acknowledgement retry of an address per day (the daily job queues it; a rerun finds it). */
  privacyAckRetry: (emailKey: string, day: string) => ({ pk: `PRIVACY_ACK_RETRY#${emailKey}`, sk: `TASK#${day}` }),
  /** Which requests one acknowledgement send listed, fixed before it is sent, so a redelivery lists the same. */
  privacyDigest: (dedupeKey: string) => ({ pk: `PRIVACY_DIGEST#${dedupeKey}`, sk: 'DIGEST' }),
  /** The visitors of one dimension value on one day (`DIM#b:Chrome`): a sketch. */
  analyticsDimension: (day: string, attribute: string) => ({ pk: `ANALYTICS#${day}`, sk: `DIM#${attribute}` }),
  /** One organisation's views and visitors of one path on one day: its own small item, never an attribute per path. */
  analyticsOrganisationPage: (day: string, asn: number, path: string) => ({
    pk: `ANALYTICS#${day}`,
    sk: `ORGPAGE#${asn}#${path}`,
  }),
  /** How many distinct paths the day counts (the cap's counter). */
  analyticsPathCount: (day: string) => ({ pk: `ANALYTICS#${day}`, sk: 'PATHCOUNT' }),
  /**
   * How many paths one network id (a 16-bit bucket of the daily-salted network, never the network)
   * opened on one day: its own partition, so that the report's day read never sees it; TTL deletes it.
   */
  analyticsNetworkSlots: (day: string, network: number) => ({ pk: `ANALYTICS_SLOTS#${day}`, sk: `NET#${network}` }),
} as const;

/** The sort-key prefix of a contact's disclosure records. */
export const DISCLOSURE_PREFIX = 'DISCLOSURE#';

/** The attribute that holds one preference on the contact item, e.g. `pref_email_newsletter`. */
export function preferenceAttribute(channel: Channel, topic: string): string {
  return `pref_${channel}_${topic}`;
}
