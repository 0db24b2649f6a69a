import type { Campaign, CampaignRun, RunCounts } from '../domain/campaigns/campaign.js';
import type { Channel } from '../domain/consent.js';

/** Campaigns, their runs and progress. */
export interface CampaignStore {
  create(campaign: Campaign): Promise<void>;
  get(campaignId: string): Promise<Campaign | undefined>;
  /** Cancels a scheduled campaign; false when there is none to cancel. */
  cancel(campaignId: string, at: string): Promise<boolean>;
  /** Campaigns whose next run is due at `now`, read from a sparse index (never a scan). */
  due(now: Date): Promise<Campaign[]>;
  /**
   * Starts the run due at `scheduledAt` and moves the campaign on to `next` (or finishes it).
   * Exactly one caller gets `started`, however many dispatchers run at once. With `planBy`, the
   * run awaits planning: unless `planningQueued` says otherwise by then, a later dispatcher finds
   * it among `unplannedRuns` (the dispatcher died between the two steps).
   */
  startRun(campaign: Campaign, scheduledAt: string, next: string | undefined, planBy?: string): Promise<'started' | 'exists'>;
  /** Records that the run's planning work is queued: no dispatcher need queue it again. */
  planningQueued(campaignId: string, runId: string): Promise<void>;
  /** Runs started whose planning was not queued by their `planBy` time, read from a sparse index. */
  unplannedRuns(now: Date): Promise<{ campaignId: string; runId: string }[]>;
  /** Takes over the queueing of an unplanned run until `planBy`; exactly one dispatcher gets true. */
  reclaimPlanning(campaignId: string, runId: string, now: Date, planBy: string): Promise<boolean>;
  runs(campaignId: string): Promise<CampaignRun[]>;
  addCounts(campaignId: string, runId: string, counts: Partial<RunCounts>): Promise<void>;
  /**
   * Records that one shard of one channel was planned, with the members left over after its full
   * batches (targeted is counted once, the first time); returns how many shards of the channel
   * are planned now.
   */
  markPlanned(
    campaignId: string,
    runId: string,
    channel: Channel,
    shard: number,
    targeted: number,
    leftover: readonly string[],
  ): Promise<number>;
  /** The members every planned shard of the channel left over, to be sent in full batches. */
  leftovers(campaignId: string, runId: string, channel: Channel): Promise<string[]>;
  /**
   * Claims the batching of the channel's leftovers, so that of planners finishing together one
   * does it; a claim not marked done within `leaseSeconds` may be taken over (after a crash).
   * `held`: another planner holds an unexpired claim; `done`: the leftovers are queued.
   */
  claimLeftovers(
    campaignId: string,
    runId: string,
    channel: Channel,
    at: string,
    leaseSeconds: number,
  ): Promise<'claimed' | 'held' | 'done'>;
  leftoversDone(campaignId: string, runId: string, channel: Channel): Promise<void>;
}
