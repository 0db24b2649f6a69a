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

/** Stream sequence numbers are decimal strings of any length: compared as numbers. */
const sequenceAfter = (sequence: string, than: string | undefined) => than === undefined || BigInt(sequence) > BigInt(than);

/** A record of a shard, from when the mapping is handed it until it is done (delivered or dead-lettered). */
interface Position {
  sequence: string;
  done: boolean;
}

/** A record waiting in one of the mapping's batchers. */
interface Queued {
  record: DynamoDBRecord;
  shardId: string;
  position: Position;
}

/**
 * One consumer's event source mapping: its own position in each shard (saved as its checkpoint),
 * and the batching, parallelization, retries, bisection and record age of `STREAM_EVENT_SOURCE`.
 * Records are handed to it as the stream is read; each of its batchers works through its own
 * queue, one batch after another, without waiting for the other batchers or for the next read,
 * as Lambda's concurrent batches do. The checkpoint moves past a record once it and every record
 * before it in the shard are done.
 */
class Mapping {
  /** The last records handed to its batchers, for redelivery tests (at-least-once delivery). */
  private recent: DynamoDBRecord[] = [];
  /** Per shard, the sequence number of the last record this mapping is done with. */
  readonly checkpoint: Record<string, string>;
  /** Per shard, the last record handed to this mapping, so that a record read twice is queued once. */
  private readonly lastTaken = new Map<string, string>();
  /** Per shard, the records handed over and not yet behind the checkpoint, in stream order. */
  private readonly positions = new Map<string, Position[]>();
  private readonly queues = new Map<number, Queued[]>();
  private readonly running = new Map<number, Promise<void>>();
  private stopped = false;

  constructor(
    readonly target: StreamTarget,
    private readonly deadLetters: DeadLetter[],
    private readonly options: Required<Omit<StreamRunnerOptions, 'checkpointDir'>> & { checkpointFile: string | undefined },
  ) {
    const file = options.checkpointFile;
    this.checkpoint = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  }

  /**
   * Takes the records of one page of a shard, in stream order: each that passes the filter goes
   * to its batcher (a hash of its partition key, so one key's records stay in order); the others,
   * and records too old to deliver, are done at once.
   */
  take(shardId: string, records: readonly DynamoDBRecord[]): void {
    if (this.stopped) return;
    const maxAgeMs = STREAM_EVENT_SOURCE.maxRecordAgeSeconds * 1000;
    const positions = this.positions.get(shardId) ?? [];
    this.positions.set(shardId, positions);
    for (const record of records) {
      const sequence = record.dynamodb?.SequenceNumber ?? '';
      if (!sequenceAfter(sequence, this.lastTaken.get(shardId) ?? this.checkpoint[shardId])) continue;
      this.lastTaken.set(shardId, sequence);
      const position = { sequence, done: true };
      positions.push(position);
      if (!matches(this.target, record)) continue;
      const created = (record.dynamodb?.ApproximateCreationDateTime ?? Infinity) * 1000;
      if (Date.now() - created > maxAgeMs) {
        this.deadLetter([record], 'record older than maxRecordAge');
        continue;
      }
      position.done = false;
      this.recent.push(record);
      const batcher = batcherOf(record);
      const queue = this.queues.get(batcher) ?? [];
      this.queues.set(batcher, queue);
      queue.push({ record, shardId, position });
    }
    this.recent = this.recent.slice(-RECENT_RECORDS);
    this.advance(shardId);
    // Started once the whole page is queued, so that a batch takes all the page has for it.
    for (const [batcher, queue] of this.queues)
      if (queue.length > 0 && !this.running.has(batcher)) this.running.set(batcher, this.runBatcher(batcher, queue));
  }

  /** Resolves once every record handed over so far is done (or the mapping has stopped). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /**
   * Stops retrying and resolves once the batches in flight have ended. A batch it was retrying is
   * not checkpointed, so it is delivered again after a restart, as a disabled mapping would resume.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  /** Delivers the most recent records again, as a stream may after a timeout; checkpoints stay as they are. */
  async redeliver(): Promise<void> {
    const byBatcher = new Map<number, DynamoDBRecord[]>();
    for (const record of this.recent) byBatcher.set(batcherOf(record), [...(byBatcher.get(batcherOf(record)) ?? []), record]);
    await Promise.all(
      [...byBatcher.values()].map(async (records) => {
        for (let start = 0; start < records.length; start += STREAM_EVENT_SOURCE.batchSize)
          await this.deliverBatch(records.slice(start, start + STREAM_EVENT_SOURCE.batchSize), 0);
      }),
    );
  }

  /** One batcher: its queue in batches of `batchSize`, each only after the one before it is done. */
  private async runBatcher(batcher: number, queue: Queued[]): Promise<void> {
    try {
      while (queue.length > 0 && !this.stopped) {
        const batch = queue.splice(0, STREAM_EVENT_SOURCE.batchSize);
        await this.deliverBatch(
          batch.map((queued) => queued.record),
          0,
        );
        for (const queued of batch) queued.position.done = true;
        for (const shardId of new Set(batch.map((queued) => queued.shardId))) this.advance(shardId);
      }
    } catch (error) {
      if (!(error instanceof StreamRunnerStoppedError)) throw error;
    } finally {
      this.running.delete(batcher);
    }
  }

  /** Moves the shard's checkpoint past the records that are done, up to the first that is not. */
  private advance(shardId: string): void {
    const positions = this.positions.get(shardId) ?? [];
    let last: string | undefined;
    while (positions[0]?.done) last = positions.shift()?.sequence;
    if (last) this.saveCheckpoint(shardId, last);
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
 * do: one mapping per consumer, each with its own batchers and checkpoint, so that a failing
 * consumer never holds back another, and a restart resumes where each consumer stopped. The
 * stream is read once for all of them (each GetRecords costs DynamoDB Local several milliseconds
 * of CPU), from the earliest of their checkpoints.
 */
export class StreamRunner {
  readonly deadLetters: DeadLetter[] = [];
  private readonly mappings: Mapping[];
  private readonly iterators = new Map<string, string | null>();
  /** The stream's shard ids as last described, and when. */
  private shards: { ids: string[]; at: number } | undefined;
  private reading: Promise<number> = Promise.resolve(0);
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly client: DynamoDBStreamsClient,
    private readonly streamArn: string,
    targets: readonly StreamTarget[],
    options: StreamRunnerOptions = {},
  ) {
    if (options.checkpointDir) mkdirSync(options.checkpointDir, { recursive: true });
    this.mappings = targets.map(
      (target) =>
        new Mapping(target, this.deadLetters, {
          retryBaseMs: options.retryBaseMs ?? 100,
          retryMaxMs: options.retryMaxMs ?? 1000,
          checkpointFile: options.checkpointDir ? join(options.checkpointDir, `${target.name}.json`) : undefined,
        }),
    );
  }

  /**
   * Reads the stream every `intervalMs` after the last read ended, until stopped: a new record is
   * seen within `intervalMs` (Lambda polls a shard about 4 times a second, every 250 ms), and an
   * idle read is one GetRecords per open shard. A read hands records to the mappings and goes on;
   * it does not wait for them to be delivered.
   */
  start(intervalMs = 100): void {
    this.running = true;
    const tick = () => {
      this.read()
        .catch((error: unknown) => console.error('[stream-runner] read failed', error))
        .finally(() => {
          if (this.running) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  /** Stops reading and retrying; resolves once the read and the batches in progress have ended. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.reading.catch(() => 0);
    await Promise.all(this.mappings.map((mapping) => mapping.stop()));
  }

  /** One read of every shard, then waits for every record read to be delivered; resolves to the records read. */
  async poll(): Promise<number> {
    const read = await this.read();
    await Promise.all(this.mappings.map((mapping) => mapping.idle()));
    return read;
  }

  /** Polls until a whole pass reads nothing: every record written so far has been delivered. */
  async drain(): Promise<void> {
    while ((await this.poll()) > 0);
  }

  /** Delivers each consumer's most recent records a second time, as a stream may after a timeout. */
  async redeliver(): Promise<void> {
    await Promise.all(this.mappings.map((mapping) => mapping.redeliver()));
  }

  /** One read of every open shard to its end, after any read in progress; resolves to the records read. */
  private read(): Promise<number> {
    this.reading = this.reading.catch(() => 0).then(() => this.readShards());
    return this.reading;
  }

  private async readShards(): Promise<number> {
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
        for (const mapping of this.mappings) mapping.take(shardId, records);
        iterator = page.NextShardIterator ?? null;
        this.iterators.set(shardId, iterator);
        // The shard has ended: its child is found at the next read.
        if (iterator === null) this.shards = undefined;
        // A page short of the limit has read the shard to its end for now: the next read goes on from there.
        if (records.length < PAGE_LIMIT) break;
      }
    }
    return read;
  }

  /** Where reading a shard starts: after the earliest checkpoint of the mappings, or at its start if one has none. */
  private async startingIterator(shardId: string): Promise<string | null> {
    const checkpoints = this.mappings.map((mapping) => mapping.checkpoint[shardId]);
    const earliest = checkpoints.includes(undefined)
      ? undefined
      : checkpoints.reduce((first, next) => (sequenceAfter(next ?? '0', first) ? first : next));
    if (earliest) {
      try {
        const resumed = await this.client.send(
          new GetShardIteratorCommand({
            StreamArn: this.streamArn,
            ShardId: shardId,
            ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
            SequenceNumber: earliest,
          }),
        );
        return resumed.ShardIterator ?? null;
      } catch (error) {
        console.error(
          `[stream-runner] checkpoint ${earliest} not found, reading shard ${shardId} from its start`,
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
}
