import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { CampaignWork, WorkQueue } from '../../ports/work-queue.js';

/** The one SQS client of a process; locally `AWS_ENDPOINT_URL_SQS` points it at the in-process queue. */
export const sqsClient = /* @__PURE__ */ new SQSClient({});

/** SQS's limit per SendMessageBatch call. */
const SQS_BATCH_LIMIT = 10;

/** Campaign work as SQS messages, ten per call. */
export class SqsWorkQueue implements WorkQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = sqsClient,
  ) {}

  async enqueue(work: readonly CampaignWork[], delaySeconds = 0): Promise<void> {
    for (let start = 0; start < work.length; start += SQS_BATCH_LIMIT) {
      let entries = work.slice(start, start + SQS_BATCH_LIMIT).map((item, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify(item),
        ...(delaySeconds > 0 ? { DelaySeconds: Math.min(900, Math.round(delaySeconds)) } : {}),
      }));
      for (let attempt = 0; entries.length > 0; attempt += 1) {
        if (attempt > 5) throw new Error('Campaign work stayed unsent to the queue');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 50));
        const result = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
        const failed = new Set((result.Failed ?? []).map((failure) => failure.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
      }
    }
  }
}
