import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamsClient, _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { StreamRunner, batcherOf } from '../../local/stream-runner.js';
import type { StreamTarget } from '../../local/stream-runner.js';
import { STREAM_EVENT_SOURCE } from '../../shared/event-sources.js';

const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/forecourt/stream/local';

/** A one-shard DynamoDB stream in memory, answering the three calls the runner makes. */
class FakeStream {
  readonly records: StreamRecord[] = [];

  /** Writes an item of `entity` under partition key `pk` (by default a key of its own). */
  write(entity: string, created = new Date(), pk?: string): string {
    const sequenceNumber = String(this.records.length + 1).padStart(10, '0');
    this.records.push({
      eventID: sequenceNumber,
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: sequenceNumber,
        ApproximateCreationDateTime: created,
        Keys: { pk: { S: pk ?? `CONTACT#${sequenceNumber}` }, sk: { S: sequenceNumber } },
        NewImage: { entity: { S: entity } },
      },
    });
    return sequenceNumber;
  }

  /** Calls received, by command name. */
  readonly calls: Record<string, number> = {};

  readonly client = {
    send: async (command: unknown) => {
      const name = (command as object).constructor.name;
      this.calls[name] = (this.calls[name] ?? 0) + 1;
      if (command instanceof DescribeStreamCommand) return { StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } };
      if (command instanceof GetShardIteratorCommand) {
        const after = command.input.SequenceNumber;
        const position = after ? this.records.findIndex((record) => record.dynamodb?.SequenceNumber === after) + 1 : 0;
        return { ShardIterator: `at:${position}` };
      }
      if (command instanceof GetRecordsCommand) {
        const position = Number(command.input.ShardIterator?.slice(3));
        const page = this.records.slice(position, position + (command.input.Limit ?? 100));
        return { Records: page, NextShardIterator: `at:${position + page.length}` };
      }
      throw new Error('unexpected command');
    },
  } as unknown as DynamoDBStreamsClient;
}

/** A consumer's saved checkpoint in the one-shard stream, if it has one. */
function readCheckpoint(checkpointDir: string, name: string): string | undefined {
  const file = join(checkpointDir, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)['shard-1'] : undefined;
}

const sequenceNumbers = (event: DynamoDBStreamEvent) =>
  event.Records.map((record: DynamoDBRecord) => record.dynamodb?.SequenceNumber ?? '');

/** A consumer of inquiries that records each invocation's records and answers with `respond`. */
function target(name: string, respond: (event: DynamoDBStreamEvent) => Promise<void> = async () => undefined) {
  const invocations: string[][] = [];
  const consumer: StreamTarget = {
    name,
    filter: { events: ['INSERT'], entities: ['inquiry'] },
    handler: async (event) => {
      invocations.push(sequenceNumbers(event));
      await respond(event);
    },
  };
  return { consumer, invocations };
}

let dir: string;
let stream: FakeStream;
const fast = { retryBaseMs: 1, retryMaxMs: 1 };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'forecourt-stream-'));
  stream = new FakeStream();
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the local stream runner', () => {
  it('retries a failing record retryAttempts times, as the CDK declares, then dead-letters it', async () => {
    // Arrange
    const poison = stream.write('inquiry');
    const failing = target('outbox-sms', async () => {
      throw new Error('SNS is down');
    });
    const runner = new StreamRunner(stream.client, STREAM_ARN, [failing.consumer], fast);
    // Act
    await runner.drain();
    // Assert
    expect(failing.invocations).toHaveLength(1 + STREAM_EVENT_SOURCE.retryAttempts);
    expect(runner.deadLetters).toEqual([{ target: 'outbox-sms', sequenceNumber: poison, error: 'Error: SNS is down' }]);
  });

  it('splits a batch that throws until the failing record is alone, delivering every other record', async () => {
    // Arrange: one full batch (one contact's records, which one batcher takes in order) with one record that always fails
    const written = Array.from({ length: STREAM_EVENT_SOURCE.batchSize }, () =>
      stream.write('inquiry', new Date(), 'CONTACT#one'),
    );
    const poison = written[6];
    const delivered: string[] = [];
    const consumer = target('outbox-email', async (event) => {
      if (sequenceNumbers(event).includes(poison ?? '')) throw new Error('bad record');
      delivered.push(...sequenceNumbers(event));
    });
    const runner = new StreamRunner(stream.client, STREAM_ARN, [consumer.consumer], fast);
    // Act
    await runner.drain();
    // Assert
    expect(consumer.invocations[0]).toHaveLength(STREAM_EVENT_SOURCE.batchSize);
    expect(delivered.sort()).toEqual(written.filter((sequence) => sequence !== poison));
    expect(runner.deadLetters.map((letter) => letter.sequenceNumber)).toEqual([poison]);
    expect(consumer.invocations.filter((records) => records.length === 1 && records[0] === poison).length).toBeGreaterThan(1);
  });

  it('keeps delivering to one consumer while another keeps failing', async () => {
    // Arrange: the SMS consumer fails every time and waits 200 ms between retries
    const sms = target('outbox-sms', async () => {
      throw new Error('SNS is down');
    });
    const email = target('outbox-email');
    const runner = new StreamRunner(stream.client, STREAM_ARN, [sms.consumer, email.consumer], {
      retryBaseMs: 200,
      retryMaxMs: 200,
    });
    runner.start(10);
    // Act
    const first = stream.write('inquiry');
    const started = Date.now();
    while (email.invocations.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = stream.write('inquiry');
    while (email.invocations.flat().length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const elapsed = Date.now() - started;
    await runner.stop();
    // Assert: both emails went out while SMS was still retrying its first record
    expect(email.invocations.flat()).toEqual([first, second]);
    expect(elapsed).toBeLessThan(1_000);
    expect(runner.deadLetters).toEqual([]);
  });

  it('processes batches of different contacts at once, up to the parallelization factor, as the CDK declares', async () => {
    // Arrange: one record for each of many contacts, and a consumer that counts the invocations in flight
    for (let contact = 0; contact < 40; contact += 1) stream.write('inquiry', new Date(), `CONTACT#${contact}`);
    let inFlight = 0;
    let mostInFlight = 0;
    const consumer = target('outbox-email', async () => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
    });
    const runner = new StreamRunner(stream.client, STREAM_ARN, [consumer.consumer], fast);
    // Act
    await runner.drain();
    // Assert
    expect(consumer.invocations.flat()).toHaveLength(40);
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(STREAM_EVENT_SOURCE.parallelizationFactor);
    for (const invocation of consumer.invocations) expect(invocation.length).toBeLessThanOrEqual(STREAM_EVENT_SOURCE.batchSize);
  });

  it("keeps one contact's records in stream order, one batch at a time, whatever the parallelization", async () => {
    // Arrange: one contact's records interleaved with others'
    const mine: string[] = [];
    for (let index = 0; index < 30; index += 1) {
      const sequence = stream.write('inquiry', new Date(), index % 2 === 0 ? 'CONTACT#mine' : `CONTACT#other-${index}`);
      if (index % 2 === 0) mine.push(sequence);
    }
    const seen: string[] = [];
    let mineInFlight = 0;
    let overlapped = false;
    const consumer = target('outbox-email', async (event) => {
      const ours = sequenceNumbers(event).filter((sequence) => mine.includes(sequence));
      if (ours.length > 0 && (mineInFlight += 1) > 1) overlapped = true;
      await new Promise((resolve) => setTimeout(resolve, 2));
      seen.push(...ours);
      if (ours.length > 0) mineInFlight -= 1;
    });
    const runner = new StreamRunner(stream.client, STREAM_ARN, [consumer.consumer], fast);
    // Act
    await runner.drain();
    // Assert
    expect(seen).toEqual(mine);
    expect(overlapped).toBe(false);
  });

  it("resumes from each consumer's checkpoint after a restart instead of replaying the stream", async () => {
    // Arrange
    const checkpointDir = join(dir, 'stream-checkpoints');
    stream.write('inquiry');
    stream.write('inquiry');
    const before = target('outbox-email');
    await new StreamRunner(stream.client, STREAM_ARN, [before.consumer], { ...fast, checkpointDir }).drain();
    const later = stream.write('inquiry');
    // Act: a new process with the same checkpoint directory
    const after = target('outbox-email');
    const fresh = target('audience');
    await new StreamRunner(stream.client, STREAM_ARN, [after.consumer, fresh.consumer], { ...fast, checkpointDir }).drain();
    // Assert
    expect(before.invocations.flat()).toHaveLength(2);
    expect(after.invocations.flat()).toEqual([later]);
    expect(fresh.invocations.flat()).toHaveLength(3);
  });

  it('sends a record older than maxRecordAge to the dead letters without invoking', async () => {
    // Arrange
    const old = stream.write('inquiry', new Date(Date.now() - (STREAM_EVENT_SOURCE.maxRecordAgeSeconds + 60) * 1000));
    const consumer = target('outbox-email');
    const runner = new StreamRunner(stream.client, STREAM_ARN, [consumer.consumer], fast);
    // Act
    await runner.drain();
    // Assert
    expect(consumer.invocations).toEqual([]);
    expect(runner.deadLetters.map((letter) => letter.sequenceNumber)).toEqual([old]);
  });

  it('reads the stream once for all its consumers, each getting every record its filter passes', async () => {
    // Arrange
    const written = [stream.write('inquiry'), stream.write('inquiry')];
    const consumers = ['outbox-email', 'outbox-sms', 'audience'].map((name) => target(name));
    const runner = new StreamRunner(
      stream.client,
      STREAM_ARN,
      consumers.map((consumer) => consumer.consumer),
      fast,
    );
    // Act
    await runner.poll();
    // Assert: one page with the records (short of a full page, so the end for now), whatever the number of consumers
    expect(stream.calls.GetRecordsCommand).toBe(1);
    for (const consumer of consumers) expect(consumer.invocations.flat().sort()).toEqual(written);
  });

  it('reads on past a full page in the same pass', async () => {
    // Arrange: a page and a half of records
    for (let index = 0; index < 150; index += 1) stream.write('inquiry');
    const consumer = target('outbox-email');
    const runner = new StreamRunner(stream.client, STREAM_ARN, [consumer.consumer], fast);
    // Act
    const read = await runner.poll();
    // Assert
    expect(read).toBe(150);
    expect(stream.calls.GetRecordsCommand).toBe(2);
    expect(consumer.invocations.flat()).toHaveLength(150);
  });

  it("delivers another contact's record while a slow batch is in flight, and checkpoints neither past the slow one", async () => {
    // Arrange: the first contact's delivery hangs until released; the second contact's records go to another batcher
    const batcherOfKey = (pk: string) => batcherOf({ dynamodb: { Keys: { pk: { S: pk } } } });
    expect(batcherOfKey('CONTACT#slow')).not.toBe(batcherOfKey('CONTACT#fast'));
    const checkpointDir = join(dir, 'stream-checkpoints');
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slow = stream.write('inquiry', new Date(), 'CONTACT#slow');
    const consumer = target('outbox-email', async (event) => {
      if (sequenceNumbers(event).includes(slow)) await released;
    });
    const runner = new StreamRunner(stream.client, STREAM_ARN, [consumer.consumer], { ...fast, checkpointDir });
    runner.start(5);
    while (consumer.invocations.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // Act
    const quick = stream.write('inquiry', new Date(), 'CONTACT#fast');
    while (!consumer.invocations.flat().includes(quick)) await new Promise((resolve) => setTimeout(resolve, 5));
    const checkpointWhileSlow = readCheckpoint(checkpointDir, 'outbox-email');
    release();
    await runner.stop();
    // Assert
    expect(checkpointWhileSlow).toBeUndefined();
    expect(readCheckpoint(checkpointDir, 'outbox-email')).toBe(quick);
  });

  it('describes the stream once, not on every pass: an idle pass, or one that finds less than a page, is one GetRecords', async () => {
    // Arrange
    stream.write('inquiry');
    const consumer = target('outbox-email');
    const runner = new StreamRunner(stream.client, STREAM_ARN, [consumer.consumer], fast);
    await runner.drain();
    const before = { ...stream.calls };
    // Act: five idle passes, then one that finds a new record
    for (let pass = 0; pass < 5; pass += 1) await runner.poll();
    stream.write('inquiry');
    await runner.poll();
    // Assert
    expect((stream.calls.DescribeStreamCommand ?? 0) - (before.DescribeStreamCommand ?? 0)).toBe(0);
    expect((stream.calls.GetRecordsCommand ?? 0) - (before.GetRecordsCommand ?? 0)).toBe(6);
    expect(consumer.invocations.flat()).toHaveLength(2);
  });
});
