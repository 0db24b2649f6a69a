/**
 * The single table's key schema and indexes, declared once. The CDK stateful stack and the local
 * table creation both read this, so the two can never drift.
 */
export const TABLE_SCHEMA = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
  /** Streams drive the outbox (new images) and the audience index (old and new images, to diff). */
  streamView: 'NEW_AND_OLD_IMAGES',
  globalSecondaryIndexes: [
    {
      /** Overloaded index: inquiries by day, audit entries by actor. */
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
  ],
} as const;

/** The `entity` attribute value of inquiry records, which the outbox stream filter matches. */
export const INQUIRY_ENTITY = 'inquiry';

/** The `entity` of a queued message (a subscription confirmation, for one), which the outbox consumer also takes. */
export const OUTBOX_MESSAGE_ENTITY = 'outbox_message';

/** The `entity` of a support request, which is its own outbox record: both outbox consumers take its insert. */
export const SUPPORT_REQUEST_ENTITY = 'support_request';
