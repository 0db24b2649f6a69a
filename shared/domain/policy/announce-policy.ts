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

/**
 * The notice of a transfer of ownership: a legal notice, due in a minute, to every held email
 * address (unsubscribed from all email or not), well before the version takes effect.
 */
function ownershipNoticeOf(version: PolicyVersion, now: Date, brand: Brand): CampaignInput {
  return {
    name: `Transfer of ownership: privacy policy ${version.version}`,
    category: 'legal_notice',
    channels: ['email'],
    subject: `${brand.brandName} is changing owners: your information and our privacy policy`,
    text: [
      `${brand.brandName} is being transferred to a new owner. On ${version.effectiveAt.slice(0, 10)} the information you gave us becomes subject to a new privacy policy.`,
      version.summary,
      `Read the new policy: ${version.url}`,
      `If you do not want your information transferred, ask us to delete it before ${version.effectiveAt.slice(0, 10)}: reply to this email or contact ${brand.supportEmail}.`,
    ].join('\n\n'),
    schedule: { at: new Date(now.getTime() + IMMEDIATE_DELAY_MS).toISOString() },
  };
}

/** The notice as a scheduled campaign, checked as every campaign is (SPEC §4), but not yet stored. */
function scheduledNotice(deps: StorePolicyVersionDeps, staff: StaffIdentity, version: PolicyVersion): Campaign {
  const now = deps.clock.now();
  const input = version.ownershipTransfer ? ownershipNoticeOf(version, now, deps.brand) : noticeOf(version, now);
  return draftCampaign(deps, staff, input, {
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
  // A transfer of ownership is always told, whatever `significant` says.
  const notice = version.significant || version.ownershipTransfer ? scheduledNotice(deps, staff, version) : undefined;
  const record = { ...version, createdBy: staff.sub, createdAt: deps.clock.now().toISOString() };
  if (!(await deps.policy.add(record, notice))) throw new ConflictError(`Policy version ${version.version} exists already.`);
  return notice ? { notice } : {};
}
