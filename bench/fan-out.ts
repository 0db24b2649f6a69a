import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoDbAudienceIndex } from '../shared/adapters/dynamodb/audience-index.js';
import { DynamoDbCampaignStore } from '../shared/adapters/dynamodb/campaign-store.js';
import { keys } from '../shared/adapters/dynamodb/keys.js';
import { AUDIENCE_SHARDS, shardOf } from '../shared/domain/campaigns/audience.js';
import type { Campaign } from '../shared/domain/campaigns/campaign.js';
import { SENDER_CONCURRENCY } from '../infra/config.js';
import { createPacer } from '../shared/domain/campaigns/pacer.js';
import { LeftoversHeldError, planShard, sendBatch } from '../shared/domain/campaigns/process-work.js';
import type { CampaignWork } from '../shared/ports/work-queue.js';
import { InMemoryCampaignStore, RecordingWorkQueue, inMemoryGate } from '../test/fixtures/in-memory.js';

/** Seeds `count` members of the email newsletter audience straight into the table. */
async function seedAudience(client: DynamoDBClient, tableName: string, count: number): Promise<void> {
  const ids = Array.from({ length: count }, (_, index) => `bench-${String(index).padStart(7, '0')}`);
  const requests: WriteRequest[][] = [];
  for (let start = 0; start < ids.length; start += 25) {
    requests.push(
      ids.slice(start, start + 25).map((id) => ({
        PutRequest: {
          Item: marshall({ ...keys.audienceMember('email:newsletter', shardOf(id), id), entity: 'audience_member' }),
        },
      })),
    );
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 24 }, async () => {
      while (next < requests.length) {
        let pending = requests[next++] ?? [];
        while (pending.length > 0) {
          const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
          pending = result.UnprocessedItems?.[tableName] ?? [];
        }
      }
    }),
  );
}

/** How long SQS keeps a failed message invisible before redelivering it, here shortened for the bench. */
const REDELIVERY_DELAY_MS = 50;

/**
 * Runs one queue message as the SQS event source would: a `LeftoversHeldError` (another planner holds
 * the run's leftovers) fails the message, and the queue delivers it again after a short delay.
 */
async function asQueueDelivers(work: () => Promise<void>): Promise<number> {
  for (let redeliveries = 0; ; redeliveries += 1) {
    try {
      await work();
      return redeliveries;
    } catch (error) {
      if (!(error instanceof LeftoversHeldError) || redeliveries >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, REDELIVERY_DELAY_MS));
    }
  }
}

export interface FanOutResult {
  recipients: number;
  planSeconds: number;
  plannedPerSecond: number;
  batches: number;
  /** Plan messages delivered again because another planner held the leftovers. */
  redeliveries: number;
  /** Send batches a redelivered plan message queued again (their sends are keyed: nobody gets two). */
  repeatedBatches: number;
  sesCalls: number;
  planned: number;
  minimumCalls: number;
  configuredRate: number;
  achievedRate: number;
}

/**
 * SPEC §7 fan-out: a newsletter to `recipients` opted-in contacts. Planning reads the real audience
 * index in DynamoDB Local, all shards in parallel, and enqueues batches of 50. Sending runs every
 * batch through the real send gate over in-memory ports (so that it measures our code, not
 * DynamoDB Local) with a counting mailer; the pacing figure sends a slice at a configured rate.
 */
export async function measureFanOut(
  client: DynamoDBClient,
  tableName: string,
  recipients: number,
  configuredRate: number,
): Promise<FanOutResult> {
  await seedAudience(client, tableName, recipients);
  const campaign: Campaign = {
    campaignId: `bench-${Date.now()}`,
    name: 'Bench newsletter',
    category: 'newsletter',
    channels: ['email'],
    subject: 'Bench',
    text: 'A newsletter for the bench.',
    schedule: { at: new Date(Date.now() + 60_000).toISOString() },
    status: 'scheduled',
    nextRunAt: new Date(Date.now() + 60_000).toISOString(),
    createdBy: 'bench',
    createdAt: new Date().toISOString(),
  };
  const campaigns = new DynamoDbCampaignStore(tableName, client);
  await campaigns.create(campaign);
  await campaigns.startRun(campaign, campaign.nextRunAt ?? '', undefined);
  const runId = campaign.nextRunAt ?? '';

  // Plan: every shard in parallel, against DynamoDB Local.
  const queue = new RecordingWorkQueue();
  const audiences = new DynamoDbAudienceIndex(tableName, client);
  const planStarted = performance.now();
  const redeliveries = await Promise.all(
    Array.from({ length: AUDIENCE_SHARDS }, (_, shard) =>
      asQueueDelivers(() =>
        planShard(
          { campaigns, audiences, queue, now: () => new Date() },
          { kind: 'plan', campaignId: campaign.campaignId, runId, channel: 'email', shard },
        ),
      ),
    ),
  );
  const planSeconds = (performance.now() - planStarted) / 1000;
  const queued = queue.take().filter((work): work is Extract<CampaignWork, { kind: 'send' }> => work.kind === 'send');
  // A redelivered plan message queues its shard's full batches again, as in AWS; they all go through
  // the send gate below (keyed sends), but count once towards the batches of the run.
  const distinct = new Map(queued.map((batch) => [batch.contactIds.join(','), batch]));
  const batches = [...distinct.values()];

  // Send: every batch through the gate, counting provider calls.
  const built = inMemoryGate();
  for (const batch of batches) {
    for (const id of batch.contactIds) {
      built.directory.recipients.set(id, {
        contactId: id,
        email: `${id}@example.com`,
        preferences: { 'email:newsletter': true },
      });
    }
  }
  const memory = new InMemoryCampaignStore();
  await memory.create({ ...campaign });
  await memory.startRun({ ...campaign }, runId, undefined);
  const sendDeps = { campaigns: memory, queue, gate: built.gate, pace: async () => undefined };
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < queued.length) {
        const batch = queued[next++];
        if (batch) await sendBatch(sendDeps, batch);
      }
    }),
  );
  const sesCalls = built.mailer.calls;
  // The audience may also hold the few opted-in contacts the earlier bench steps created.
  const planned = batches.reduce((sum, batch) => sum + batch.contactIds.length, 0);

  // Pacing: a slice of the run again under a fresh run id, as deployed: SENDER_CONCURRENCY senders
  // at once, each paced to its share of the configured rate.
  const slice = batches.slice(0, Math.max(1, Math.round((configuredRate * 4) / 50)));
  await memory.create({ ...campaign, campaignId: `${campaign.campaignId}-paced` });
  await memory.startRun({ ...campaign, campaignId: `${campaign.campaignId}-paced` }, runId, undefined);
  /** When each sender's pacer let a batch go, and how many emails it held. */
  const permits: { sender: number; at: number; emails: number }[] = [];
  let nextPaced = 0;
  const pacedStarted = performance.now();
  await Promise.all(
    Array.from({ length: SENDER_CONCURRENCY }, async (_, sender) => {
      const pacer = createPacer(configuredRate / SENDER_CONCURRENCY);
      const pace = async (emails: number, latestStart?: number) => {
        const allowed = await pacer(emails, latestStart);
        permits.push({ sender, at: performance.now(), emails });
        return allowed;
      };
      while (nextPaced < slice.length) {
        const batch = slice[nextPaced++];
        if (batch) await sendBatch({ ...sendDeps, pace }, { ...batch, campaignId: `${campaign.campaignId}-paced` });
      }
    }),
  );
  // Each sender's last batch was let go at the start of an interval the run does not wait out: its
  // emails belong to the next one. The rate is the emails let go before, over the time until the last.
  const lastOfSender = new Map(permits.map((permit) => [permit.sender, permit]));
  const lastAt = Math.max(...permits.map((permit) => permit.at));
  const emailsBefore =
    permits.reduce((sum, permit) => sum + permit.emails, 0) -
    [...lastOfSender.values()].reduce((sum, permit) => sum + permit.emails, 0);
  const achievedRate = emailsBefore / ((lastAt - pacedStarted) / 1000);

  return {
    recipients,
    planSeconds,
    plannedPerSecond: recipients / planSeconds,
    batches: batches.length,
    redeliveries: redeliveries.reduce((sum, count) => sum + count, 0),
    repeatedBatches: queued.length - batches.length,
    sesCalls,
    planned,
    minimumCalls: Math.ceil(planned / 50),
    configuredRate,
    achievedRate,
  };
}
