import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { QUEUE_EVENT_SOURCE } from '../shared/event-sources.js';

interface QueuedMessage {
  messageId: string;
  body: string;
  visibleAt: number;
  receiveCount: number;
  sentAt: number;
}

/** A message that kept failing, where SQS would move it to the dead-letter queue. */
export interface QueueDeadLetter {
  messageId: string;
  body: string;
}

/**
 * The visibility timeout per receive. SQS's is 30 minutes (six times the consumer's timeout);
 * locally a received message that failed, or whose consumer crashed, is visible again after this
 * many milliseconds times its receive count, so that retries and redrive happen in seconds.
 */
const LOCAL_VISIBILITY_TIMEOUT_MS = 500;

/** What the queue file holds: the queue and its dead-letter queue. */
interface QueueFile {
  messages: QueuedMessage[];
  deadLetters: QueueDeadLetter[];
}

/**
 * A local SQS queue with the same event shape, delays, visibility timeouts, partial batch
 * responses and redrive to a dead-letter queue (after `QUEUE_EVENT_SOURCE.maxReceiveCount`
 * receives) as SQS and Lambda's event source mapping, invoking the same handler. With a `file`
 * it survives a crash as SQS does: every send, receive and delete is written there before it
 * counts, so a message received by a consumer that died is received again once its visibility
 * timeout has passed.
 */
export class LocalQueue {
  readonly deadLetters: QueueDeadLetter[];
  private readonly messages: QueuedMessage[];
  private working: Promise<number> = Promise.resolve(0);
  private timer: NodeJS.Timeout | undefined;

  private readonly file: string | undefined;
  private readonly visibilityTimeoutMs: number;
  private readonly eventSource: { batchSize: number; maxReceiveCount: number };

  /**
   * @param options.file where the queue is kept (`.forecourt/queues/<name>.json`); omitted keeps it in memory
   * @param options.visibilityTimeoutMs the visibility timeout per receive (see `LOCAL_VISIBILITY_TIMEOUT_MS`)
   * @param options.eventSource the batch size and redrive of the queue's event source (`QUEUE_EVENT_SOURCE` by default)
   */
  constructor(
    private readonly name: string,
    private readonly handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>,
    options: {
      file?: string;
      visibilityTimeoutMs?: number;
      eventSource?: { batchSize: number; maxReceiveCount: number };
    } = {},
  ) {
    const file = options.file;
    this.file = file;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? LOCAL_VISIBILITY_TIMEOUT_MS;
    this.eventSource = options.eventSource ?? QUEUE_EVENT_SOURCE;
    const saved: QueueFile =
      file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as QueueFile) : { messages: [], deadLetters: [] };
    this.messages = saved.messages;
    this.deadLetters = saved.deadLetters;
    if (file) mkdirSync(dirname(file), { recursive: true });
  }

  send(body: string, delaySeconds = 0): string {
    const messageId = randomUUID();
    const now = Date.now();
    this.messages.push({ messageId, body, visibleAt: now + delaySeconds * 1000, receiveCount: 0, sentAt: now });
    this.save();
    return messageId;
  }

  /** Messages waiting, visible or delayed. */
  get depth(): number {
    return this.messages.length;
  }

  start(intervalMs = 50): void {
    const tick = () => {
      this.poll()
        .catch((error: unknown) => console.error(`[queue ${this.name}] poll failed`, error))
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

  /** Processes visible messages until none is left (delayed ones stay queued); returns how many ran. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const ran = await this.poll();
      total += ran;
      const waiting = this.messages.some((message) => message.receiveCount > 0 && message.visibleAt > Date.now());
      if (ran === 0 && !waiting) return total;
      if (ran === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  poll(): Promise<number> {
    this.working = this.working.catch(() => 0).then(() => this.receiveAndRun());
    return this.working;
  }

  private async receiveAndRun(): Promise<number> {
    let ran = 0;
    for (;;) {
      const now = Date.now();
      const batch = this.messages.filter((message) => message.visibleAt <= now).slice(0, this.eventSource.batchSize);
      if (batch.length === 0) return ran;
      for (const message of batch) {
        message.receiveCount += 1;
        message.visibleAt = now + this.visibilityTimeoutMs * message.receiveCount;
      }
      this.save();
      const records: SQSRecord[] = batch.map((message) => ({
        messageId: message.messageId,
        receiptHandle: message.messageId,
        body: message.body,
        attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(message.sentAt),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(now),
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(message.body).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${this.name}`,
        awsRegion: 'us-east-1',
      }));
      let failedIds: Set<string>;
      try {
        const result = await this.handler({ Records: records });
        failedIds = new Set((result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      } catch {
        failedIds = new Set(batch.map((message) => message.messageId));
      }
      const done = new Set<QueuedMessage>();
      for (const message of batch) {
        if (!failedIds.has(message.messageId)) done.add(message);
        else if (message.receiveCount >= this.eventSource.maxReceiveCount) {
          done.add(message);
          this.deadLetters.push({ messageId: message.messageId, body: message.body });
        }
      }
      this.remove(done);
      this.save();
      ran += batch.length;
    }
  }

  /** Writes the queue to its file, aside then renamed, so that a crash never leaves half of it. */
  private save(): void {
    if (!this.file) return;
    const state: QueueFile = { messages: this.messages, deadLetters: this.deadLetters };
    writeFileSync(`${this.file}.tmp`, JSON.stringify(state));
    renameSync(`${this.file}.tmp`, this.file);
  }

  /** Removes the messages of a batch in one pass over the queue (a backlog of thousands stays cheap). */
  private remove(done: ReadonlySet<QueuedMessage>): void {
    if (done.size === 0) return;
    let kept = 0;
    for (const message of this.messages) if (!done.has(message)) this.messages[kept++] = message;
    this.messages.length = kept;
  }
}
