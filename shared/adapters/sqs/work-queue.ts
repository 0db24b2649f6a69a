import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { CampaignWork, WorkQueue } from '../../ports/work-queue.js';
import type { RecipientId } from '../../recipients.js';

/** The one SQS client of a process; locally `AWS_ENDPOINT_URL_SQS` points it at the in-process queue. */
export const sqsClient = /* @__PURE__ */ new SQSClient({});

/** SQS's limit per SendMessageBatch call. */
const SQS_BATCH_LIMIT = 10;

/** The three campaign queues: planning, email batches, SMS batches (one function each, one job each). */
export interface CampaignQueueUrls {
  plan: string;
  email: string;
  sms: string;
}

/** Which queue a unit of work belongs on. */
export function queueOf(work: CampaignWork): keyof CampaignQueueUrls {
  return work.kind === 'plan' ? 'plan' : work.channel;
}

/** Campaign work as SQS messages, ten per call, each on its own queue. */
export class SqsWorkQueue implements WorkQueue {
  /** Who receives what this adapter sends (`shared/recipients.ts`). */
  static readonly recipient: RecipientId = 'aws_hosting';

  constructor(
    private readonly urls: CampaignQueueUrls,
    private readonly client: SQSClient = sqsClient,
  ) {}

  async enqueue(work: readonly CampaignWork[], delaySeconds = 0): Promise<void> {
    for (const queue of ['plan', 'email', 'sms'] as const) {
      const items = work.filter((item) => queueOf(item) === queue);
      if (items.length > 0) await this.send(this.urls[queue], items, delaySeconds);
    }
  }

  private async send(queueUrl: string, work: readonly CampaignWork[], delaySeconds: number): Promise<void> {
    for (let start = 0; start < work.length; start += SQS_BATCH_LIMIT) {
      let entries = work.slice(start, start + SQS_BATCH_LIMIT).map((item, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify(item),
        ...(delaySeconds > 0 ? { DelaySeconds: Math.min(900, Math.round(delaySeconds)) } : {}),
      }));
      for (let attempt = 0; entries.length > 0; attempt += 1) {
        if (attempt > 5) throw new Error('Campaign work stayed unsent to the queue');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 50));
        const result = await this.client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        const failed = new Set((result.Failed ?? []).map((failure) => failure.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
      }
    }
  }
}
