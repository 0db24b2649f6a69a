/**
 * How Lambda reads the table's stream for each stream consumer: the event source mapping. The CDK
 * stack declares its mappings from this, and the local stream runner runs them by it, so that a
 * retry or a dead letter happens locally exactly when it would in AWS.
 */
export const STREAM_EVENT_SOURCE = {
  /** Records per invocation. */
  batchSize: 10,
  /**
   * Batches of one shard processed at once (1 to 10). Records of one partition key (one contact's
   * items) stay in order in one of them; records of different contacts no longer wait behind each
   * other, which is what kept follow-ups queued behind one another under load.
   */
  parallelizationFactor: 10,
  /** A failed batch is split in two and each half retried, down to the failing record. */
  bisectBatchOnError: true,
  /** Retries of a failed batch after the first attempt, before its records go to the on-failure destination. */
  retryAttempts: 10,
  /** A record older than this is sent to the on-failure destination unread (24 h is also the stream's retention). */
  maxRecordAgeSeconds: 24 * 60 * 60,
} as const;

/** How the campaign queues hand their messages to their consumers, in AWS and in the local queue. */
export const QUEUE_EVENT_SOURCE = {
  /** Messages per invocation. */
  batchSize: 10,
  /** Receives of one message before SQS moves it to the dead-letter queue (the redrive policy). */
  maxReceiveCount: 5,
} as const;
