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
   * Exactly one caller gets `started`, however many dispatchers run at once.
   */
  startRun(campaign: Campaign, scheduledAt: string, next: string | undefined): Promise<'started' | 'exists'>;
  runs(campaignId: string): Promise<CampaignRun[]>;
  addCounts(campaignId: string, runId: string, counts: Partial<RunCounts>): Promise<void>;
  /** Records that one shard of one channel was planned; true the first time, so targeted is counted once. */
  markPlanned(campaignId: string, runId: string, channel: Channel, shard: number, targeted: number): Promise<boolean>;
}
