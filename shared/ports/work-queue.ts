import type { Channel } from '../domain/consent.js';

/** Work for the campaign queue: plan one shard of an audience, or send to up to 50 recipients. */
export type CampaignWork =
  | { kind: 'plan'; campaignId: string; runId: string; channel: Channel; shard: number }
  | { kind: 'send'; campaignId: string; runId: string; channel: Channel; contactIds: string[] };

/** The campaign work queue (SQS in AWS, an in-process queue locally). */
export interface WorkQueue {
  enqueue(work: readonly CampaignWork[], delaySeconds?: number): Promise<void>;
}
