import type { CampaignStore } from '../../ports/campaign-store.js';
import type { Clock } from '../../ports/clock.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { ErrorDetail } from '../errors.js';
import type { Brand } from '../messages.js';
import type { StaffIdentity } from '../staff.js';
import { complianceProblems } from './campaign.js';
import { nextRunAt } from './schedule.js';
import type { Campaign, CampaignInput, CampaignRun } from './campaign.js';

export interface ManageCampaignsDeps {
  campaigns: CampaignStore;
  clock: Clock;
  brand: Brand;
  newId: () => string;
}

/**
 * A campaign ready to store: the pre-send compliance check passed (a sample of each channel,
 * rendered by the send gate's own code, carries everything the law asks for) and its first run
 * is due. `notDue` names the field to blame when the schedule has no future run.
 */
export function draftCampaign(
  deps: Pick<ManageCampaignsDeps, 'clock' | 'brand' | 'newId'>,
  staff: StaffIdentity,
  input: CampaignInput,
  notDue: ErrorDetail = { path: 'schedule.at', message: 'must be in the future' },
): Campaign {
  const problems = complianceProblems(deps.brand, input);
  if (problems.length > 0) throw new ValidationError(problems);
  const now = deps.clock.now();
  const first = nextRunAt(input.schedule, now);
  if (!first) throw new ValidationError([notDue]);
  return {
    ...input,
    campaignId: deps.newId(),
    status: 'scheduled',
    nextRunAt: first.toISOString(),
    createdBy: staff.sub,
    createdAt: now.toISOString(),
  };
}

/** Schedules a campaign after the pre-send compliance check; a campaign that fails it is refused. */
export async function createCampaign(deps: ManageCampaignsDeps, staff: StaffIdentity, input: CampaignInput): Promise<Campaign> {
  const campaign = draftCampaign(deps, staff, input);
  await deps.campaigns.create(campaign);
  return campaign;
}

/** A campaign with the progress of each run. */
export async function campaignWithProgress(
  deps: ManageCampaignsDeps,
  campaignId: string,
): Promise<Campaign & { runs: CampaignRun[] }> {
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError('No such campaign.');
  return { ...campaign, runs: await deps.campaigns.runs(campaignId) };
}

/** Cancels a campaign: no further run starts, and batches not yet sent are dropped at send time. */
export async function cancelCampaign(deps: ManageCampaignsDeps, campaignId: string): Promise<Campaign> {
  const cancelled = await deps.campaigns.cancel(campaignId, deps.clock.now().toISOString());
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError('No such campaign.');
  if (!cancelled && campaign.status !== 'cancelled') throw new NotFoundError('No such campaign.');
  return campaign;
}
