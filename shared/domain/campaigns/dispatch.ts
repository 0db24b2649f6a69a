import type { CampaignStore } from '../../ports/campaign-store.js';
import type { Clock } from '../../ports/clock.js';
import type { CampaignWork, WorkQueue } from '../../ports/work-queue.js';
import type { Campaign } from './campaign.js';
import { AUDIENCE_SHARDS } from './audience.js';
import { nextRunAt } from './schedule.js';

export interface DispatchDeps {
  campaigns: CampaignStore;
  queue: WorkQueue;
  clock: Clock;
}

/**
 * How long a dispatcher may take between starting a run and queueing its planning before a later
 * dispatcher queues it again (it died, or the queue refused). Dispatch runs every minute.
 */
export const PLANNING_LEASE_SECONDS = 120;

/** One planning task per channel and shard of a run. */
function planningWork(campaign: Campaign, runId: string): CampaignWork[] {
  return campaign.channels.flatMap((channel) =>
    Array.from({ length: AUDIENCE_SHARDS }, (_, shard) => ({
      kind: 'plan' as const,
      campaignId: campaign.campaignId,
      runId,
      channel,
      shard,
    })),
  );
}

/**
 * The every-minute dispatcher: starts each due campaign run once (a conditional write decides
 * between dispatchers running at once) and queues one planning task per channel and shard. A run
 * started but whose planning was never queued (the dispatcher died between the two steps) is
 * queued again by a later dispatcher once its lease has run out; planning twice sends nothing
 * twice, since every send is keyed by run and recipient.
 */
export async function dispatchDueCampaigns(deps: DispatchDeps): Promise<{ started: string[]; replanned: string[] }> {
  const now = deps.clock.now();
  const planBy = new Date(now.getTime() + PLANNING_LEASE_SECONDS * 1000).toISOString();
  const started: string[] = [];
  const replanned: string[] = [];
  for (const campaign of await deps.campaigns.due(now)) {
    if (!campaign.nextRunAt) continue;
    const scheduledAt = campaign.nextRunAt;
    const next = nextRunAt(campaign.schedule, new Date(Math.max(now.getTime(), new Date(scheduledAt).getTime())));
    const outcome = await deps.campaigns.startRun(campaign, scheduledAt, next?.toISOString(), planBy);
    if (outcome !== 'started') continue;
    await deps.queue.enqueue(planningWork(campaign, scheduledAt));
    await deps.campaigns.planningQueued(campaign.campaignId, scheduledAt);
    started.push(`${campaign.campaignId}@${scheduledAt}`);
  }
  for (const { campaignId, runId } of await deps.campaigns.unplannedRuns(now)) {
    if (!(await deps.campaigns.reclaimPlanning(campaignId, runId, now, planBy))) continue;
    const campaign = await deps.campaigns.get(campaignId);
    if (campaign && campaign.status !== 'cancelled') await deps.queue.enqueue(planningWork(campaign, runId));
    await deps.campaigns.planningQueued(campaignId, runId);
    replanned.push(`${campaignId}@${runId}`);
  }
  return { started, replanned };
}
