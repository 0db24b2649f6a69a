import type { Campaign } from '../campaigns/campaign.js';
import { createCampaign } from '../campaigns/manage-campaigns.js';
import type { ManageCampaignsDeps } from '../campaigns/manage-campaigns.js';
import type { StaffIdentity } from '../staff.js';
import type { PolicyVersion } from './policy-version.js';

/** How soon a notice of an already effective version goes out. */
const IMMEDIATE_DELAY_MS = 60_000;

/**
 * The prominent notice the privacy policy promises for a significant change ("Changes to this
 * Policy"): a one-off service notice by email to every reachable contact, due when the version
 * takes effect (or in a minute when it already has).
 */
export async function announcePolicyChange(
  deps: ManageCampaignsDeps,
  staff: StaffIdentity,
  version: PolicyVersion,
): Promise<Campaign> {
  const earliest = deps.clock.now().getTime() + IMMEDIATE_DELAY_MS;
  const at = new Date(Math.max(earliest, Date.parse(version.effectiveAt))).toISOString();
  return createCampaign(deps, staff, {
    name: `Privacy policy ${version.version}`,
    category: 'service_notice',
    channels: ['email'],
    subject: `We are updating our privacy policy (${version.version})`,
    text: [
      `Our privacy policy changes on ${version.effectiveAt.slice(0, 10)}.`,
      version.summary,
      `Read the new policy: ${version.url}`,
    ].join('\n\n'),
    schedule: { at },
  });
}
