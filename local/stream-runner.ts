import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamsClient, _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { passesStreamFilter } from '../shared/routes.js';
import type { StreamFilter } from '../shared/routes.js';
import { lambdaContext } from './lambda-context.js';

/** A stream consumer as the runner invokes it: the same handler a DynamoDB stream invokes in AWS. */
export interface StreamTarget {
  name: string;
  filter: StreamFilter;
  handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;
}

/** A record that kept failing, where AWS would send it to the consumer's on-failure destination. */
export interface DeadLetter {
  target: string;
  sequenceNumber: string;
  error: string;
}

/** Mirrors the event source mapping in the CDK stack: batch size, retries and backoff. */
const BATCH_SIZE = 10;
const MAX_ATTEMPTS = 4;
const RETRY_BASE_MS = 100;
const RECENT_RECORDS = 100;

function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: data.ApproximateCreationDateTime
        ? Math.floor(data.ApproximateCreationDateTime.getTime() / 1000)
        : undefined,
      Keys: data.Keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
      NewImage: data.NewImage as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
      OldImage: data.OldImage as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'],
      SequenceNumber: data.SequenceNumber,
      SizeBytes: data.SizeBytes,
      StreamViewType: data.StreamViewType,
    },
  };
}

/** The target's event filter, as Lambda applies it before invoking. */
function matches(target: StreamTarget, record: DynamoDBRecord): boolean {
  return passesStreamFilter(target.filter, {
    ...(record.eventName ? { eventName: record.eventName } : {}),
    ...(record.dynamodb?.NewImage?.entity?.S ? { newEntity: record.dynamodb.NewImage.entity.S } : {}),
    ...(record.dynamodb?.OldImage?.entity?.S ? { oldEntity: record.dynamodb.OldImage.entity.S } : {}),
  });
}

/**
 * Reads DynamoDB Local's stream and invokes the stream consumers as Lambda's event source mapping
 * does: in order, in batches, retrying from the first failed record, then dead-lettering it.
 */
export class StreamRunner {
  readonly deadLetters: DeadLetter[] = [];
  /** The last records delivered per target, for redelivery tests (at-least-once delivery). */
  private readonly recent = new Map<string, DynamoDBRecord[]>();
  private readonly iterators = new Map<string, string | null>();
  private polling: Promise<number> = Promise.resolve(0);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly targets: readonly StreamTarget[],
  ) {}

  /** Polls every `intervalMs` until stopped. */
  start(intervalMs = 100): void {
    const tick = () => {
      this.poll()
        .catch((error: unknown) => console.error('[stream-runner] poll failed', error))
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Runs one poll after any poll in progress; resolves to the number of records read. */
  poll(): Promise<number> {
    this.polling = this.polling.catch(() => 0).then(() => this.pollShards());
    return this.polling;
  }

  /** Polls until a whole pass reads nothing: every record written so far has been delivered. */
  async drain(): Promise<void> {
    while ((await this.poll()) > 0);
  }

  /** Delivers the most recent records a second time, as a stream may after a timeout. */
  async redeliver(): Promise<void> {
    this.polling = this.polling
      .catch(() => 0)
      .then(async () => {
        for (const target of this.targets) await this.deliver(target, this.recent.get(target.name) ?? []);
        return 0;
      });
    await this.polling;
  }

  private async pollShards(): Promise<number> {
    const description = await this.client.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    let read = 0;
    for (const shard of description.StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId;
      if (!shardId || this.iterators.get(shardId) === null) continue;
      let iterator = this.iterators.get(shardId);
      if (iterator === undefined) {
        const start = await this.client.send(
          new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
        );
        iterator = start.ShardIterator ?? null;
      }
      while (iterator) {
        let page;
        try {
          page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
        } catch (error) {
          if (error instanceof ExpiredIteratorException) {
            this.iterators.delete(shardId);
            iterator = null;
            break;
          }
          throw error;
        }
        const records = (page.Records ?? []).map((record) => toLambdaRecord(record, this.streamArn));
        read += records.length;
        for (const target of this.targets)
          await this.deliver(
            target,
            records.filter((record) => matches(target, record)),
          );
        iterator = page.NextShardIterator ?? null;
        this.iterators.set(shardId, iterator);
        if (records.length === 0) break;
      }
    }
    return read;
  }

  private async deliver(target: StreamTarget, records: DynamoDBRecord[]): Promise<void> {
    if (records.length > 0) this.recent.set(target.name, records.slice(-RECENT_RECORDS));
    let queue = records;
    let attempt = 1;
    while (queue.length > 0) {
      const batch = queue.slice(0, BATCH_SIZE);
      let failedFrom: number | undefined;
      let failure = 'batch item failure';
      try {
        const result = await target.handler({ Records: batch }, lambdaContext(target.name));
        const failedIds = new Set((result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
        const index = batch.findIndex((record) => failedIds.has(record.dynamodb?.SequenceNumber ?? ''));
        failedFrom = index >= 0 ? index : undefined;
      } catch (error) {
        failedFrom = 0;
        failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      if (failedFrom === undefined) {
        queue = queue.slice(batch.length);
        attempt = 1;
        continue;
      }
      queue = queue.slice(failedFrom);
      if (attempt >= MAX_ATTEMPTS) {
        const [dead, ...rest] = queue;
        this.deadLetters.push({ target: target.name, sequenceNumber: dead?.dynamodb?.SequenceNumber ?? '', error: failure });
        console.error(
          `[stream-runner] ${target.name}: record ${dead?.dynamodb?.SequenceNumber} dead-lettered after ${attempt} attempts`,
        );
        queue = rest;
        attempt = 1;
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_BASE_MS * 2 ** (attempt - 1)));
      attempt += 1;
    }
  }
}
