import type { CampaignStore } from '../../ports/campaign-store.js';
import type { Clock } from '../../ports/clock.js';
import type { CampaignWork, WorkQueue } from '../../ports/work-queue.js';
import { AUDIENCE_SHARDS } from './audience.js';
import { nextRunAt } from './schedule.js';

export interface DispatchDeps {
  campaigns: CampaignStore;
  queue: WorkQueue;
  clock: Clock;
}

/**
 * The every-minute dispatcher: starts each due campaign run once (a conditional write decides
 * between dispatchers running at once) and queues one planning task per channel and shard.
 */
export async function dispatchDueCampaigns(deps: DispatchDeps): Promise<{ started: string[] }> {
  const now = deps.clock.now();
  const started: string[] = [];
  for (const campaign of await deps.campaigns.due(now)) {
    if (!campaign.nextRunAt) continue;
    const scheduledAt = campaign.nextRunAt;
    const next = nextRunAt(campaign.schedule, new Date(Math.max(now.getTime(), new Date(scheduledAt).getTime())));
    const outcome = await deps.campaigns.startRun(campaign, scheduledAt, next?.toISOString());
    if (outcome !== 'started') continue;
    const work: CampaignWork[] = campaign.channels.flatMap((channel) =>
      Array.from({ length: AUDIENCE_SHARDS }, (_, shard) => ({
        kind: 'plan' as const,
        campaignId: campaign.campaignId,
        runId: scheduledAt,
        channel,
        shard,
      })),
    );
    await deps.queue.enqueue(work);
    started.push(`${campaign.campaignId}@${scheduledAt}`);
  }
  return { started };
}
