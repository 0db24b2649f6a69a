import { createHash, randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';

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

/** Mirrors the queue and event source mapping in the CDK stack. */
const BATCH_SIZE = 10;
const MAX_RECEIVES = 5;
const VISIBILITY_TIMEOUT_MS = 500;

/**
 * An in-process SQS queue with the same event shape, delays, visibility timeouts, partial batch
 * responses and dead-lettering as SQS and Lambda's event source mapping, invoking the same handler.
 */
export class LocalQueue {
  readonly deadLetters: QueueDeadLetter[] = [];
  private readonly messages: QueuedMessage[] = [];
  private working: Promise<number> = Promise.resolve(0);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly name: string,
    private readonly handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>,
  ) {}

  send(body: string, delaySeconds = 0): string {
    const messageId = randomUUID();
    const now = Date.now();
    this.messages.push({ messageId, body, visibleAt: now + delaySeconds * 1000, receiveCount: 0, sentAt: now });
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
      const batch = this.messages.filter((message) => message.visibleAt <= now).slice(0, BATCH_SIZE);
      if (batch.length === 0) return ran;
      for (const message of batch) {
        message.receiveCount += 1;
        message.visibleAt = now + VISIBILITY_TIMEOUT_MS * message.receiveCount;
      }
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
        const result = await this.handler({ Records: records }, lambdaContext(this.name));
        failedIds = new Set((result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      } catch {
        failedIds = new Set(batch.map((message) => message.messageId));
      }
      for (const message of batch) {
        if (!failedIds.has(message.messageId)) this.remove(message);
        else if (message.receiveCount >= MAX_RECEIVES) {
          this.remove(message);
          this.deadLetters.push({ messageId: message.messageId, body: message.body });
        }
      }
      ran += batch.length;
    }
  }

  private remove(message: QueuedMessage): void {
    const index = this.messages.indexOf(message);
    if (index >= 0) this.messages.splice(index, 1);
  }
}
