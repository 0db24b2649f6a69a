import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { LocalQueue } from '../../local/local-queue.js';
import { QUEUE_EVENT_SOURCE } from '../../shared/event-sources.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'forecourt-queue-'));
  file = join(dir, 'queues', 'work.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A consumer that records what it receives and answers with `respond`. */
function consumer(respond: (event: SQSEvent) => Promise<SQSBatchResponse | void> = async () => undefined) {
  const received: { body: string; receiveCount: string }[] = [];
  const handler = async (event: SQSEvent) => {
    for (const record of event.Records)
      received.push({ body: record.body, receiveCount: record.attributes.ApproximateReceiveCount });
    return respond(event);
  };
  return { received, handler };
}

describe('the local queue', () => {
  it('keeps the messages sent before a crash and delivers them after the restart', async () => {
    // Arrange
    const before = new LocalQueue('work', consumer().handler, { file });
    before.send('a');
    before.send('b');
    // Act: the process dies; a new one opens the same file
    const after = consumer();
    await new LocalQueue('work', after.handler, { file }).drain();
    // Assert
    expect(after.received.map((message) => message.body)).toEqual(['a', 'b']);
  });

  it('delivers again, after the visibility timeout, a message whose consumer died while working on it', async () => {
    // Arrange: a consumer that never finishes (its process is killed mid-batch)
    const dying = new LocalQueue('work', () => new Promise<void>(() => undefined), { file, visibilityTimeoutMs: 50 });
    dying.send('campaign batch 7');
    void dying.poll();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Act
    const restarted = consumer();
    await new LocalQueue('work', restarted.handler, { file, visibilityTimeoutMs: 50 }).drain();
    // Assert: the second receive, as SQS counts it
    expect(restarted.received).toEqual([{ body: 'campaign batch 7', receiveCount: '2' }]);
  });

  it('moves a message that keeps failing to the dead-letter queue after maxReceiveCount receives, and keeps it there', async () => {
    // Arrange
    const failing = consumer(async (event) => ({
      batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
    }));
    const queue = new LocalQueue('work', failing.handler, { file, visibilityTimeoutMs: 5 });
    queue.send('poison');
    queue.send('fine?');
    // Act
    await queue.drain();
    const reopened = new LocalQueue('work', consumer().handler, { file });
    // Assert
    expect(failing.received.filter((message) => message.body === 'poison').map((message) => message.receiveCount)).toEqual(
      Array.from({ length: QUEUE_EVENT_SOURCE.maxReceiveCount }, (_, index) => String(index + 1)),
    );
    expect(queue.deadLetters.map((message) => message.body)).toEqual(['poison', 'fine?']);
    expect(reopened.deadLetters.map((message) => message.body)).toEqual(['poison', 'fine?']);
    expect(reopened.depth).toBe(0);
  });

  it('keeps nothing on disk without a file', async () => {
    // Arrange
    new LocalQueue('work', consumer().handler).send('a');
    // Act
    const other = consumer();
    await new LocalQueue('work', other.handler).drain();
    // Assert
    expect(other.received).toEqual([]);
  });
});
