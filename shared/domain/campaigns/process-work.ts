import type { AudienceIndex } from '../../ports/audience-index.js';
import type { CampaignStore } from '../../ports/campaign-store.js';
import type { CampaignWork, WorkQueue } from '../../ports/work-queue.js';
import { CLAIM_LEASE_SECONDS, EMAIL_BATCH_LIMIT, SendInFlightError } from '../sending/send-gate.js';
import type { BatchResult, SendGate } from '../sending/send-gate.js';
import { AUDIENCE_SHARDS } from './audience.js';
import { audienceFor, emailBodyOf } from './campaign.js';
import type { RunCounts } from './campaign.js';

export interface PlanDeps {
  campaigns: CampaignStore;
  audiences: AudienceIndex;
  queue: WorkQueue;
  now: () => Date;
}

/** How long a planner may take to batch the leftovers before another may take it over. */
const LEFTOVER_LEASE_SECONDS = 300;

export interface SendDeps {
  campaigns: CampaignStore;
  /** Where work goes back to: texts deferred by quiet hours, recipients claimed elsewhere, batches handed back. */
  queue?: WorkQueue;
  gate: Pick<SendGate, 'sendEmailBatch' | 'sendTracked'>;
  /**
   * Waits until `emails` more may go out under the configured SES rate; false (without waiting)
   * when that would be after `latestStart` (epoch ms).
   */
  pace: (emails: number, latestStart?: number) => Promise<boolean | void>;
  /** The time left to this invocation (ms); without it, the sender never hands work back. */
  remainingMs?: () => number;
  now?: () => number;
}

/**
 * What a sender keeps in hand before its timeout: one bulk call with its claims and records
 * (SES and DynamoDB calls with the SDK's retries) must fit in it.
 */
export const HAND_BACK_MARGIN_MS = 30_000;

/** How long a text held back by quiet hours waits before it is tried again (SQS's longest delay). */
export const QUIET_HOURS_RETRY_SECONDS = 900;

/** Some recipients of a batch failed; the message is retried and the others are not sent twice. */
export class CampaignBatchFailedError extends Error {
  constructor(failed: number) {
    super(`${failed} recipient(s) failed; the batch will be retried`);
    this.name = 'CampaignBatchFailedError';
  }
}

/** Another planner is batching the run's leftovers; the message comes back after its visibility timeout, past their lease. */
export class LeftoversHeldError extends Error {
  constructor() {
    super('Another planner holds the leftovers of this run; retried later');
    this.name = 'LeftoversHeldError';
  }
}

const COUNTED: Partial<Record<BatchResult['outcome'], keyof RunCounts>> = {
  sent: 'sent',
  skipped_opted_out: 'skippedOptedOut',
  skipped_suppressed: 'skippedSuppressed',
  skipped_no_address: 'skippedNoAddress',
  deferred_quiet_hours: 'deferred',
  failed: 'failed',
};

function tally(results: Iterable<BatchResult>): Partial<RunCounts> {
  const counts: Partial<RunCounts> = {};
  for (const { outcome, firstTime } of results) {
    const counter = COUNTED[outcome];
    // Each outcome counts once per recipient; failed attempts count each time.
    if (counter && (firstTime || outcome === 'failed')) counts[counter] = (counts[counter] ?? 0) + 1;
  }
  return counts;
}

/**
 * Plans one shard of a run's audience: reads its members (never the whole table) and queues full
 * batches of 50; the last shard to finish batches everyone's leftovers. Batches are queued before
 * the shard is marked planned, so a retry may queue a batch twice (the sends are keyed, so nobody
 * gets two) but never loses one.
 */
export async function planShard(deps: PlanDeps, work: Extract<CampaignWork, { kind: 'plan' }>): Promise<void> {
  const campaign = await deps.campaigns.get(work.campaignId);
  if (!campaign || campaign.status === 'cancelled') return;
  let targeted = 0;
  const batches: CampaignWork[] = [];
  let pending: string[] = [];
  const flush = () => {
    batches.push({ kind: 'send', campaignId: work.campaignId, runId: work.runId, channel: work.channel, contactIds: pending });
    pending = [];
  };
  // Only full batches here; what is left over is batched across shards once all are planned.
  for await (const page of deps.audiences.members(audienceFor(campaign.category, work.channel), work.shard)) {
    targeted += page.length;
    for (const contactId of page) {
      pending.push(contactId);
      if (pending.length === EMAIL_BATCH_LIMIT) flush();
    }
  }
  await deps.queue.enqueue(batches);
  const planned = await deps.campaigns.markPlanned(work.campaignId, work.runId, work.channel, work.shard, targeted, pending);
  if (planned < AUDIENCE_SHARDS) return;
  // The last shard planned batches the leftovers of all, so a run makes ceil(N/50) provider calls.
  const leftovers = await deps.campaigns.claimLeftovers(
    work.campaignId,
    work.runId,
    work.channel,
    deps.now().toISOString(),
    LEFTOVER_LEASE_SECONDS,
  );
  if (leftovers === 'done') return;
  // Another planner holds the leftovers: if it died, this message's redelivery takes them over.
  if (leftovers === 'held') throw new LeftoversHeldError();
  pending = [];
  batches.length = 0;
  for (const contactId of await deps.campaigns.leftovers(work.campaignId, work.runId, work.channel)) {
    pending.push(contactId);
    if (pending.length === EMAIL_BATCH_LIMIT) flush();
  }
  if (pending.length > 0) flush();
  await deps.queue.enqueue(batches);
  await deps.campaigns.leftoversDone(work.campaignId, work.runId, work.channel);
}

/**
 * Sends one batch: every recipient is checked at the last moment through the send gate (consent,
 * suppression, quiet hours), one SES call per email batch, and each message is keyed by run and
 * recipient, so that a recipient gets exactly one message per run however often the batch comes.
 * A cancelled campaign sends nothing more. A sender whose pacing would carry it past its timeout
 * hands the batch back to the queue untouched; recipients another worker holds come back once
 * that worker's claim has run out, so a crash mid-batch loses nobody and dead-letters nothing.
 */
export async function sendBatch(deps: SendDeps, work: Extract<CampaignWork, { kind: 'send' }>): Promise<void> {
  const campaign = await deps.campaigns.get(work.campaignId);
  if (!campaign || campaign.status === 'cancelled') return;
  const dedupeKey = (contactId: string) => `campaign#${work.campaignId}#${work.runId}#${work.channel}#${contactId}`;
  const latestStart = deps.remainingMs ? (deps.now ?? Date.now)() + deps.remainingMs() - HAND_BACK_MARGIN_MS : undefined;
  if (latestStart !== undefined && latestStart < (deps.now ?? Date.now)()) return handBack(deps, work);
  let results: BatchResult[];
  if (work.channel === 'email') {
    if ((await deps.pace(work.contactIds.length, latestStart)) === false) return handBack(deps, work);
    const byContact = await deps.gate
      .sendEmailBatch({
        category: campaign.category,
        campaignId: campaign.campaignId,
        body: emailBodyOf(campaign),
        recipients: work.contactIds.map((contactId) => ({ contactId, dedupeKey: dedupeKey(contactId) })),
      })
      .catch(async (error: unknown) => {
        // The whole call failed (throttled, say): every recipient of it is a failed attempt.
        await deps.campaigns.addCounts(work.campaignId, work.runId, { failed: work.contactIds.length });
        throw error;
      });
    results = work.contactIds.map((contactId) => byContact.get(contactId) ?? { outcome: 'failed', firstTime: false });
  } else {
    results = await Promise.all(
      work.contactIds.map((contactId) =>
        deps.gate
          .sendTracked({
            audience: 'contact',
            channel: 'sms',
            category: campaign.category,
            contactId,
            dedupeKey: dedupeKey(contactId),
            campaignId: campaign.campaignId,
            body: { text: campaign.sms ?? campaign.text },
          })
          .catch((error: unknown): BatchResult => ({
            outcome: error instanceof SendInFlightError ? 'in_flight' : 'failed',
            firstTime: false,
          })),
      ),
    );
    // Texts held back by quiet hours are deferred, never dropped: they come round again later.
    const deferred = work.contactIds.filter((_, index) => results[index]?.outcome === 'deferred_quiet_hours');
    if (deferred.length > 0) await requeue(deps, { ...work, contactIds: deferred }, QUIET_HOURS_RETRY_SECONDS);
  }
  // Recipients another worker holds: once its lease has run out they are sent, or found sent.
  const inFlight = work.contactIds.filter((_, index) => results[index]?.outcome === 'in_flight');
  if (inFlight.length > 0) await requeue(deps, { ...work, contactIds: inFlight }, CLAIM_LEASE_SECONDS + 5);
  await deps.campaigns.addCounts(work.campaignId, work.runId, tally(results));
  const failed = results.filter((result) => result.outcome === 'failed').length;
  if (failed > 0) throw new CampaignBatchFailedError(failed);
}

async function requeue(deps: SendDeps, work: CampaignWork, delaySeconds: number): Promise<void> {
  if (!deps.queue) throw new Error('Handing work back needs the campaign work queue');
  await deps.queue.enqueue([work], delaySeconds);
}

/** Puts a batch back on the queue untouched, for a fresh invocation to send. */
async function handBack(deps: SendDeps, work: Extract<CampaignWork, { kind: 'send' }>): Promise<void> {
  await requeue(deps, work, 0);
}
