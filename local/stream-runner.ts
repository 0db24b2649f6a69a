import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamsClient, _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { STREAM_EVENT_SOURCE } from '../shared/event-sources.js';
import { passesStreamFilter } from '../shared/routes.js';
import type { StreamFilter } from '../shared/routes.js';

/** A stream consumer as the runner invokes it: the same handler a DynamoDB stream invokes in AWS. */
export interface StreamTarget {
  name: string;
  filter: StreamFilter;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
}

/** A record that kept failing, where AWS would send it to the consumer's on-failure destination. */
export interface DeadLetter {
  target: string;
  sequenceNumber: string;
  error: string;
}

/** How the runner is tuned; the event source settings themselves come from `shared/event-sources.ts`. */
export interface StreamRunnerOptions {
  /** Where each consumer's checkpoint is kept (`.forecourt/stream-checkpoints`); omitted keeps them in memory. */
  checkpointDir?: string;
  /** The pause before the first retry of a failed batch, doubled for each later one. */
  retryBaseMs?: number;
  /** The longest pause between retries. */
  retryMaxMs?: number;
}

const RECENT_RECORDS = 100;
const PAGE_LIMIT = 100;
/**
 * How long the list of shards is trusted before it is described again. A shard that ends (its
 * last iterator is null) has it described at the next pass, so its child shard is read at once;
 * between those, an idle pass costs one GetRecords per open shard, nothing more.
 */
const SHARD_LIST_TTL_MS = 10_000;

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
 * Which of a shard's concurrent batchers takes a record: a hash of its partition key, modulo the
 * parallelization factor, as Lambda routes a shard's records so that one key's stay in order.
 */
export function batcherOf(record: DynamoDBRecord): number {
  const key = record.dynamodb?.Keys?.pk?.S ?? '';
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index += 1) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
  return (hash >>> 0) % STREAM_EVENT_SOURCE.parallelizationFactor;
}

/** The runner stopped while a batch was waiting for its next retry. */
class StreamRunnerStoppedError extends Error {
  constructor(target: string) {
    super(`${target}: the stream runner stopped`);
    this.name = 'StreamRunnerStoppedError';
  }
}

const describeError = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * One consumer's event source mapping: its own position in each shard (saved as its checkpoint),
 * its own polling loop, and the batching, parallelization, retries, bisection and record age of
 * `STREAM_EVENT_SOURCE`.
 */
class ConsumerLoop {
  /** The last records delivered, for redelivery tests (at-least-once delivery). */
  private recent: DynamoDBRecord[] = [];
  private readonly iterators = new Map<string, string | null>();
  /** Per shard, the sequence number of the last record this consumer is done with. */
  private readonly checkpoint: Record<string, string>;
  private polling: Promise<number> = Promise.resolve(0);
  private stopped = false;
  /** The stream's shard ids as last described, and when. */
  private shards: { ids: string[]; at: number } | undefined;

  constructor(
    private readonly client: DynamoDBStreamsClient,
    private readonly streamArn: string,
    readonly target: StreamTarget,
    private readonly deadLetters: DeadLetter[],
    private readonly options: Required<Omit<StreamRunnerOptions, 'checkpointDir'>> & { checkpointFile: string | undefined },
  ) {
    const file = options.checkpointFile;
    this.checkpoint = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  }

  /** Runs one pass over the stream after any pass in progress; resolves to the number of records read. */
  poll(): Promise<number> {
    this.polling = this.polling.catch(() => 0).then(() => this.pollShards());
    return this.polling;
  }

  /**
   * Stops retrying and resolves once the pass in progress has ended. A batch it was retrying is
   * not checkpointed, so it is delivered again after a restart, as a disabled mapping would resume.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.polling.catch(() => 0);
  }

  redeliver(): Promise<number> {
    this.polling = this.polling.catch(() => 0).then(async () => (await this.deliver(this.recent), 0));
    return this.polling;
  }

  private async startingIterator(shardId: string): Promise<string | null> {
    const after = this.checkpoint[shardId];
    if (after) {
      try {
        const resumed = await this.client.send(
          new GetShardIteratorCommand({
            StreamArn: this.streamArn,
            ShardId: shardId,
            ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
            SequenceNumber: after,
          }),
        );
        return resumed.ShardIterator ?? null;
      } catch (error) {
        console.error(
          `[stream-runner] ${this.target.name}: checkpoint ${after} not found, reading shard ${shardId} from its start`,
          describeError(error),
        );
      }
    }
    const start = await this.client.send(
      new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    return start.ShardIterator ?? null;
  }

  /** The stream's shards, described again only when the list is old or a shard has ended. */
  private async shardIds(): Promise<string[]> {
    if (this.shards && Date.now() - this.shards.at < SHARD_LIST_TTL_MS) return this.shards.ids;
    const description = await this.client.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    const ids = (description.StreamDescription?.Shards ?? []).flatMap((shard) => (shard.ShardId ? [shard.ShardId] : []));
    this.shards = { ids, at: Date.now() };
    return ids;
  }

  private async pollShards(): Promise<number> {
    let read = 0;
    for (const shardId of await this.shardIds()) {
      if (this.iterators.get(shardId) === null) continue;
      let iterator = this.iterators.get(shardId) ?? (await this.startingIterator(shardId));
      while (iterator) {
        let page;
        try {
          page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: PAGE_LIMIT }));
        } catch (error) {
          if (error instanceof ExpiredIteratorException) {
            this.iterators.delete(shardId);
            break;
          }
          throw error;
        }
        const records = (page.Records ?? []).map((record) => toLambdaRecord(record, this.streamArn));
        read += records.length;
        await this.deliver(records.filter((record) => matches(this.target, record)));
        const last = records.at(-1)?.dynamodb?.SequenceNumber;
        if (last) this.saveCheckpoint(shardId, last);
        iterator = page.NextShardIterator ?? null;
        this.iterators.set(shardId, iterator);
        // The shard has ended: its child is found at the next pass.
        if (iterator === null) this.shards = undefined;
        if (records.length === 0) break;
      }
    }
    return read;
  }

  private saveCheckpoint(shardId: string, sequenceNumber: string): void {
    this.checkpoint[shardId] = sequenceNumber;
    const file = this.options.checkpointFile;
    if (!file) return;
    // Written aside and renamed, so that a crash mid-write never leaves half a checkpoint.
    writeFileSync(`${file}.tmp`, JSON.stringify(this.checkpoint));
    renameSync(`${file}.tmp`, file);
  }

  /**
   * Delivers records as the event source mapping does, resolving when each is done or
   * dead-lettered: split among `parallelizationFactor` concurrent batchers by partition key (so
   * one key's records stay in order, in one batcher), each batcher sending its records in order,
   * in batches of `batchSize`, each batch only after the one before it is done.
   */
  private async deliver(records: DynamoDBRecord[]): Promise<void> {
    if (records.length > 0) this.recent = [...this.recent, ...records].slice(-RECENT_RECORDS);
    const maxAgeMs = STREAM_EVENT_SOURCE.maxRecordAgeSeconds * 1000;
    const batchers = new Map<number, DynamoDBRecord[]>();
    for (const record of records) {
      const created = (record.dynamodb?.ApproximateCreationDateTime ?? Infinity) * 1000;
      if (Date.now() - created > maxAgeMs) {
        this.deadLetter([record], 'record older than maxRecordAge');
        continue;
      }
      const batcher = batcherOf(record);
      const queued = batchers.get(batcher);
      if (queued) queued.push(record);
      else batchers.set(batcher, [record]);
    }
    await Promise.all(
      [...batchers.values()].map(async (queued) => {
        for (let start = 0; start < queued.length; start += STREAM_EVENT_SOURCE.batchSize)
          await this.deliverBatch(queued.slice(start, start + STREAM_EVENT_SOURCE.batchSize), 0);
      }),
    );
  }

  /**
   * One batch until it succeeds: a partial failure is retried from its first failed record; a
   * thrown error splits the batch in two (bisectBatchOnError) and retries each half in order.
   * After `retryAttempts` retries the records left go to the on-failure destination.
   */
  private async deliverBatch(batch: DynamoDBRecord[], retriesSoFar: number): Promise<void> {
    let queue = batch;
    let retries = retriesSoFar;
    while (queue.length > 0) {
      let failedFrom: number | undefined;
      let failure = 'batch item failure';
      try {
        const result = await this.target.handler({ Records: queue });
        const failedIds = new Set((result?.batchItemFailures ?? []).map((item) => item.itemIdentifier));
        const index = queue.findIndex((record) => failedIds.has(record.dynamodb?.SequenceNumber ?? ''));
        failedFrom = index >= 0 ? index : undefined;
      } catch (error) {
        failure = describeError(error);
        if (STREAM_EVENT_SOURCE.bisectBatchOnError && queue.length > 1) {
          if (retries >= STREAM_EVENT_SOURCE.retryAttempts) return this.deadLetter(queue, failure);
          await this.pause(retries + 1);
          const half = Math.ceil(queue.length / 2);
          await this.deliverBatch(queue.slice(0, half), retries + 1);
          await this.deliverBatch(queue.slice(half), retries + 1);
          return;
        }
        failedFrom = 0;
      }
      if (failedFrom === undefined) return;
      queue = queue.slice(failedFrom);
      if (retries >= STREAM_EVENT_SOURCE.retryAttempts) return this.deadLetter(queue, failure);
      retries += 1;
      await this.pause(retries);
    }
  }

  private deadLetter(records: DynamoDBRecord[], error: string): void {
    for (const record of records) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
      this.deadLetters.push({ target: this.target.name, sequenceNumber, error });
      console.error(`[stream-runner] ${this.target.name}: record ${sequenceNumber} dead-lettered (${error})`);
    }
  }

  private async pause(retry: number): Promise<void> {
    const ms = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (retry - 1));
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (this.stopped) throw new StreamRunnerStoppedError(this.target.name);
  }
}

/**
 * Reads DynamoDB Local's stream and invokes the stream consumers as Lambda's event source mappings
 * do: one mapping per consumer, each with its own loop and checkpoint, so that a failing consumer
 * never holds back another, and a restart resumes where each consumer stopped.
 */
export class StreamRunner {
  readonly deadLetters: DeadLetter[] = [];
  private readonly loops: ConsumerLoop[];
  private readonly timers = new Map<ConsumerLoop, NodeJS.Timeout | undefined>();
  private running = false;

  constructor(
    client: DynamoDBStreamsClient,
    streamArn: string,
    targets: readonly StreamTarget[],
    options: StreamRunnerOptions = {},
  ) {
    if (options.checkpointDir) mkdirSync(options.checkpointDir, { recursive: true });
    this.loops = targets.map(
      (target) =>
        new ConsumerLoop(client, streamArn, target, this.deadLetters, {
          retryBaseMs: options.retryBaseMs ?? 100,
          retryMaxMs: options.retryMaxMs ?? 1000,
          checkpointFile: options.checkpointDir ? join(options.checkpointDir, `${target.name}.json`) : undefined,
        }),
    );
  }

  /**
   * Polls every `intervalMs` after the last pass ended, each consumer on its own, until stopped: a
   * new record is seen within `intervalMs` (Lambda polls a shard about 4 times a second, every
   * 250 ms), and an idle pass is one GetRecords per open shard, so an idle stack spins nothing.
   */
  start(intervalMs = 100): void {
    this.running = true;
    for (const loop of this.loops) {
      const tick = () => {
        loop
          .poll()
          .catch((error: unknown) => {
            if (!(error instanceof StreamRunnerStoppedError))
              console.error(`[stream-runner] ${loop.target.name}: poll failed`, error);
          })
          .finally(() => {
            if (this.running) this.timers.set(loop, setTimeout(tick, intervalMs));
          });
      };
      this.timers.set(loop, setTimeout(tick, intervalMs));
    }
  }

  /** Stops polling and retrying; resolves once every consumer's pass in progress has ended. */
  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.loops.map((loop) => loop.stop()));
  }

  /** One pass of every consumer; resolves to the records read (each consumer reads the whole stream). */
  async poll(): Promise<number> {
    const counts = await Promise.all(this.loops.map((loop) => loop.poll()));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /** Polls until a whole pass reads nothing: every record written so far has been delivered. */
  async drain(): Promise<void> {
    while ((await this.poll()) > 0);
  }

  /** Delivers each consumer's most recent records a second time, as a stream may after a timeout. */
  async redeliver(): Promise<void> {
    await Promise.all(this.loops.map((loop) => loop.redeliver()));
  }
}
