import * as z from 'zod/mini';
import { CAMPAIGN_CATEGORIES } from '../../shared/domain/campaigns/campaign.js';
import { isValidCron } from '../../shared/domain/campaigns/schedule.js';
import { CHANNELS } from '../../shared/domain/consent.js';
import { isKnownTimeZone } from '../../shared/domain/quiet-hours.js';

/** SES templates are Handlebars: campaign content must not hold braces of its own. */
const noTemplateSyntax = z.refine<string>((value) => !/\{\{|\}\}/.test(value), 'must not contain "{{" or "}}"');
const content = (max: number) =>
  z.string().check(z.minLength(1), z.maxLength(max, `must be at most ${max} characters`), noTemplateSyntax);

const atSchedule = z.strictObject({ at: z.iso.datetime({ error: 'must be an ISO 8601 date-time' }) });
const cronSchedule = z
  .strictObject({
    cron: z.string().check(z.minLength(1)),
    timezone: z.string().check(z.refine(isKnownTimeZone, 'must be an IANA time zone name')),
  })
  .check(
    z.refine((schedule) => isValidCron(schedule.cron, schedule.timezone), {
      message: 'must be a five-field cron expression',
      path: ['cron'],
    }),
  );

/** `POST /admin/campaigns` (SPEC §4). */
export const campaignSchema = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  category: z.enum(CAMPAIGN_CATEGORIES),
  channels: z.array(z.enum(CHANNELS)).check(
    z.minLength(1, 'must name at least one channel'),
    z.refine((channels) => new Set(channels).size === channels.length, 'must not repeat a channel'),
  ),
  subject: content(200),
  text: content(20_000),
  html: z.optional(content(100_000)),
  sms: z.optional(content(1_000)),
  schedule: z.union([atSchedule, cronSchedule]),
});
