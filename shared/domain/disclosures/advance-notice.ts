import type { Recipient } from '../../recipients.js';
import type { Campaign, CampaignInput } from '../campaigns/campaign.js';
import { draftCampaign } from '../campaigns/manage-campaigns.js';
import type { ManageCampaignsDeps } from '../campaigns/manage-campaigns.js';
import type { StaffIdentity } from '../staff.js';

/** The notice period of SPEC §4 when config names none: 30 days between the notice and the first disclosure. */
export const DEFAULT_NOTICE_DAYS = 30;

const DAY_MS = 24 * 3600 * 1000;

/** How soon the notice of a newly registered third party goes out. */
const NOTICE_DELAY_MS = 60_000;

/**
 * Personal data may not go to this recipient yet: a third party whose advance notice has not run
 * its period (the privacy policy: "unless we provide users with advance notice").
 */
export class NoticePeriodNotRunError extends Error {
  constructor(recipientId: string, usableFrom: string | undefined) {
    super(
      usableFrom
        ? `Recipient "${recipientId}" is a third party: no personal data goes to it before ${usableFrom}`
        : `Recipient "${recipientId}" is a third party that was never announced: no personal data goes to it`,
    );
    this.name = 'NoticePeriodNotRunError';
  }
}

/** When a third party may first receive data: its notice plus the notice period; undefined when never announced. */
export function usableFrom(
  recipient: Pick<Recipient, 'noticeSentAt'>,
  noticeDays: number = DEFAULT_NOTICE_DAYS,
): Date | undefined {
  if (!recipient.noticeSentAt) return undefined;
  const sent = Date.parse(recipient.noticeSentAt);
  return Number.isNaN(sent) ? undefined : new Date(sent + noticeDays * DAY_MS);
}

/**
 * The one guard every outbound path to a recipient calls before personal data leaves. Processors
 * (acting on our instructions) and our own mailboxes pass; a third party passes only once its
 * advance notice has run the notice period.
 */
export function assertMayDisclose(
  recipient: Pick<Recipient, 'id' | 'role' | 'noticeSentAt'>,
  now: Date,
  noticeDays: number = DEFAULT_NOTICE_DAYS,
): void {
  if (recipient.role !== 'third_party') return;
  const from = usableFrom(recipient, noticeDays);
  if (!from || now.getTime() < from.getTime()) throw new NoticePeriodNotRunError(recipient.id, from?.toISOString());
}

/** The service notice that tells every reachable contact about a new third party, before it gets anything. */
function noticeOf(recipient: Recipient, at: Date, noticeDays: number): CampaignInput {
  const from = new Date(at.getTime() + noticeDays * DAY_MS).toISOString().slice(0, 10);
  return {
    name: `Advance notice: ${recipient.name}`,
    category: 'service_notice',
    channels: ['email'],
    subject: `We will share some of your information with ${recipient.name}`,
    text: [
      `From ${from} we will share some of the information you gave us with ${recipient.name}.`,
      `Why: ${recipient.purpose}`,
      `What: ${recipient.data.map((category) => category.replace(/_/g, ' ')).join(', ')}.`,
      'If you do not want this, you can unsubscribe or ask us to delete your data before that date.',
    ].join('\n\n'),
    schedule: { at: at.toISOString() },
  };
}

/**
 * Announces a new third party (SPEC §4 "Advance notice"): schedules a `service_notice` campaign to
 * every reachable contact, due in a minute, and answers the `noticeSentAt` to record on its
 * registry entry and the day from which `assertMayDisclose` lets data go to it. The campaign is
 * checked as every campaign is (footer, links) before it is stored.
 */
export async function announceThirdParty(
  deps: ManageCampaignsDeps & { noticeDays?: number },
  staff: StaffIdentity,
  recipient: Recipient,
): Promise<{ notice: Campaign; noticeSentAt: string; usableFrom: string }> {
  if (recipient.role !== 'third_party') throw new Error(`Recipient "${recipient.id}" is a ${recipient.role}: no notice is owed`);
  const noticeDays = deps.noticeDays ?? DEFAULT_NOTICE_DAYS;
  const at = new Date(deps.clock.now().getTime() + NOTICE_DELAY_MS);
  const notice = draftCampaign(deps, staff, noticeOf(recipient, at, noticeDays));
  await deps.campaigns.create(notice);
  const noticeSentAt = notice.nextRunAt ?? at.toISOString();
  return { notice, noticeSentAt, usableFrom: new Date(Date.parse(noticeSentAt) + noticeDays * DAY_MS).toISOString() };
}
