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

/**
 * How the analytics queue hands the beacon's counts to its aggregator: large batches, gathered for
 * a few seconds, so that hundreds of beacons become a few table updates.
 */
export const ANALYTICS_QUEUE_EVENT_SOURCE = {
  /** Messages per invocation (SQS allows up to 10 000 with a batching window). */
  batchSize: 500,
  /** How long Lambda gathers messages before invoking with fewer than `batchSize`. */
  maxBatchingWindowSeconds: 5,
  maxReceiveCount: 5,
} as const;

/** The event source settings of a work queue. */
export function queueEventSource(queue: string): {
  batchSize: number;
  maxReceiveCount: number;
  maxBatchingWindowSeconds?: number;
} {
  return queue === 'analytics' ? ANALYTICS_QUEUE_EVENT_SOURCE : QUEUE_EVENT_SOURCE;
}
