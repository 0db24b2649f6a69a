import type { Campaign, CampaignInput } from '../campaigns/campaign.js';
import { draftCampaign } from '../campaigns/manage-campaigns.js';
import { ConflictError } from '../errors.js';
import type { Brand } from '../messages.js';
import type { StaffIdentity } from '../staff.js';
import type { Clock } from '../../ports/clock.js';
import type { PolicyVersions } from '../../ports/policy-versions.js';
import type { PolicyVersion } from './policy-version.js';

/** How soon a notice of an already effective version goes out. */
const IMMEDIATE_DELAY_MS = 60_000;

export interface StorePolicyVersionDeps {
  policy: Pick<PolicyVersions, 'add'>;
  clock: Clock;
  brand: Brand;
  newId: () => string;
}

/**
 * The prominent notice the privacy policy promises for a significant change ("Changes to this
 * Policy"): a one-off service notice by email to every reachable contact, due when the version
 * takes effect (or in a minute when it already has).
 */
function noticeOf(version: PolicyVersion, now: Date): CampaignInput {
  const at = new Date(Math.max(now.getTime() + IMMEDIATE_DELAY_MS, Date.parse(version.effectiveAt))).toISOString();
  return {
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
  };
}

/** The notice as a scheduled campaign, checked as every campaign is (SPEC §4), but not yet stored. */
function scheduledNotice(deps: StorePolicyVersionDeps, staff: StaffIdentity, version: PolicyVersion): Campaign {
  return draftCampaign(deps, staff, noticeOf(version, deps.clock.now()), {
    path: 'effectiveAt',
    message: 'the notice must be due in the future',
  });
}

/**
 * Stores a new privacy-policy version and, for a significant change, the service notice that
 * tells every reachable contact, as one write that succeeds or fails whole. Two steps left a
 * significant change with no notice when the second failed, and the retry then met a 409.
 * A version name is used once: storing it again is a ConflictError.
 */
export async function storePolicyVersion(
  deps: StorePolicyVersionDeps,
  staff: StaffIdentity,
  version: PolicyVersion & { significant: boolean },
): Promise<{ notice?: Campaign }> {
  const notice = version.significant ? scheduledNotice(deps, staff, version) : undefined;
  const record = { ...version, createdBy: staff.sub, createdAt: deps.clock.now().toISOString() };
  if (!(await deps.policy.add(record, notice))) throw new ConflictError(`Policy version ${version.version} exists already.`);
  return notice ? { notice } : {};
}
