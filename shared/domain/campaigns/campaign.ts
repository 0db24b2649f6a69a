import type { Channel } from '../consent.js';
import type { ErrorDetail } from '../errors.js';
import { smsSegments } from '../footer.js';
import { escapeHtml } from '../html.js';
import type { Brand, EmailBody } from '../messages.js';
import { renderEmail, renderSms } from '../sending/render.js';
import type { AudienceKey } from './audience.js';

/** The categories staff may schedule (`POST /admin/campaigns`). */
export const CAMPAIGN_CATEGORIES = ['newsletter', 'product_updates', 'marketing', 'service_notice'] as const;
/** A staff campaign's category, or `legal_notice`, which only the system schedules (an ownership transfer's notice). */
export type CampaignCategory = (typeof CAMPAIGN_CATEGORIES)[number] | 'legal_notice';

/** A one-off time, or a repeating cron expression read in an IANA time zone. */
export type CampaignSchedule = { at: string } | { cron: string; timezone: string };

/** What marketing writes: the body only; the system adds footer, links and headers. */
export interface CampaignInput {
  name: string;
  category: CampaignCategory;
  channels: Channel[];
  subject: string;
  text: string;
  html?: string;
  sms?: string;
  schedule: CampaignSchedule;
}

export type CampaignStatus = 'scheduled' | 'finished' | 'cancelled';

export interface Campaign extends CampaignInput {
  campaignId: string;
  status: CampaignStatus;
  /** When the next run is due; absent once no run is left. */
  nextRunAt?: string;
  createdBy: string;
  createdAt: string;
}

/** Progress of one run (SPEC §4). `failed` counts failed attempts; each is retried. */
export interface RunCounts {
  targeted: number;
  sent: number;
  skippedOptedOut: number;
  skippedSuppressed: number;
  skippedNoAddress: number;
  deferred: number;
  failed: number;
}

/** The counts of a run that has not started sending. */
export const EMPTY_RUN_COUNTS: Readonly<RunCounts> = {
  targeted: 0,
  sent: 0,
  skippedOptedOut: 0,
  skippedSuppressed: 0,
  skippedNoAddress: 0,
  deferred: 0,
  failed: 0,
};

export interface CampaignRun {
  runId: string;
  scheduledAt: string;
  counts: RunCounts;
}

/** The most SMS segments a campaign text may take with its footer. */
export const MAX_SMS_SEGMENTS = 3;

/** The audience a campaign reads on one channel. */
export function audienceFor(category: CampaignCategory, channel: Channel): AudienceKey {
  if (category === 'legal_notice') return `${channel}:legal`;
  return category === 'service_notice' ? `${channel}:service` : `${channel}:${category}`;
}

/** The email body of a campaign; without HTML, the text as paragraphs. */
export function emailBodyOf(campaign: Pick<CampaignInput, 'subject' | 'text' | 'html'>): EmailBody {
  const html =
    campaign.html ??
    campaign.text
      .split(/\n{2,}/)
      .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
      .join('');
  return { subject: campaign.subject, text: campaign.text, html };
}

/**
 * The pre-send compliance check (SPEC §4): one sample per channel, rendered as the send gate
 * renders it, must carry the brand, the postal address, the preferences and unsubscribe links,
 * the one-click headers, the SMS STOP wording, and fit in three SMS segments.
 */
export function complianceProblems(brand: Brand, campaign: CampaignInput): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const sample = {
    preferencesUrl: `${brand.publicBaseUrl}/preferences?token=v1.sample.sample.sample`,
    unsubscribeUrl: `${brand.publicBaseUrl}/unsubscribe?token=v1.sample.sample.sample`,
    shortPreferencesUrl: `${brand.publicBaseUrl}/p/k1.00000000000000000000000000.0000.00000000000`,
  };
  if (campaign.channels.includes('email')) {
    const email = renderEmail(brand, campaign.category, emailBodyOf(campaign), sample);
    for (const [part, content] of [
      ['text', email.text],
      ['html', email.html],
    ] as const) {
      const carries = (value: string) => value.trim() !== '' && (content.includes(value) || content.includes(escapeHtml(value)));
      if (!carries(brand.brandName)) problems.push({ path: part, message: 'the email lacks the brand name' });
      if (!carries(brand.postalAddress)) problems.push({ path: part, message: 'the email lacks the postal address' });
      if (!content.includes('/preferences?token='))
        problems.push({ path: part, message: 'the email lacks the preferences link' });
      if (!content.includes('/unsubscribe?token='))
        problems.push({ path: part, message: 'the email lacks the unsubscribe link' });
    }
    if (!email.headers.some((header) => header.name === 'List-Unsubscribe-Post')) {
      problems.push({ path: 'channels', message: 'the email lacks the one-click unsubscribe headers' });
    }
  }
  if (campaign.channels.includes('sms')) {
    if (!campaign.sms) {
      problems.push({ path: 'sms', message: 'is required when the campaign is sent by SMS' });
    } else {
      const text = renderSms(brand, { text: campaign.sms }, sample);
      if (brand.brandName.trim() === '' || !text.startsWith(brand.brandName))
        problems.push({ path: 'sms', message: 'the text lacks the brand name' });
      if (!/\bSTOP\b/.test(text)) problems.push({ path: 'sms', message: 'the text lacks the STOP wording' });
      const segments = smsSegments(text);
      if (segments > MAX_SMS_SEGMENTS) {
        problems.push({
          path: 'sms',
          message: `with its footer the text takes ${segments} SMS segments; at most ${MAX_SMS_SEGMENTS}`,
        });
      }
    }
  }
  return problems;
}
