import type { Brand } from './domain/messages.js';
import * as z from 'zod/mini';

/**
 * The runtime configuration every function reads from its environment, parsed once at cold start.
 * The CDK stack and the local stack both build this environment from the one deployment config
 * (`infra/config.ts`), so the names below are the whole contract between them.
 */
const listOf = z.pipe(
  z.string(),
  z.transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);

/**
 * A number in an environment variable, checked as one: `Number()` alone turns "fourteen" into NaN
 * and "" into 0, which then pace a sender or cap a budget without a word. Whole numbers for
 * counts, decimals for rates; a rate must be above 0, a count at least 1. (A transform, not zod
 * checks: those add about 2 KB to every bundle.)
 */
function numberVar(kind: 'count' | 'rate') {
  return z.pipe(
    z.string(),
    z.transform((value, context) => {
      const number = Number(value);
      const shape = kind === 'count' ? /^\d+$/ : /^\d+(\.\d+)?$/;
      const problem = !shape.test(value)
        ? `must be ${kind === 'count' ? 'a whole number' : 'a number'}, not ${JSON.stringify(value)}`
        : kind === 'count' && number < 1
          ? 'must be at least 1'
          : kind === 'rate' && number <= 0
            ? 'must be more than 0'
            : undefined;
      if (problem) context.issues.push({ code: 'custom', message: problem, input: value });
      return number;
    }),
  );
}

const runtimeSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  SECRET_ID: z.string().check(z.minLength(1)),
  BRAND_NAME: z.string().check(z.minLength(1)),
  POSTAL_ADDRESS: z.string().check(z.minLength(1)),
  PUBLIC_BASE_URL: z.url(),
  THANK_YOU_URL: z.url(),
  SENDER_ADDRESS: z.email(),
  SES_CONFIGURATION_SET: z.optional(z.string()),
  SUPPORT_EMAIL: z.email(),
  SUPPORT_PHONE: z.string().check(z.minLength(1)),
  SALES_NOTIFICATION_ADDRESS: z.email(),
  /** The support desk's mailbox, which every support request is forwarded to. */
  SUPPORT_NOTIFICATION_ADDRESS: z.email(),
  ALLOWED_ORIGINS: listOf,
  SMS_MESSAGES_PER_MONTH: numberVar('count'),
  SMS_ORIGINATION_NUMBER: z.optional(z.string()),
  SMS_ALLOWED_COUNTRIES: listOf,
  SMS_MAX_CONFIRMATIONS_PER_IP_PER_HOUR: numberVar('count'),
  SMS_DAILY_BUDGET: numberVar('count'),
  OPT_IN_EMAIL: z.enum(['double', 'single']),
  OPT_IN_SMS: z.enum(['double', 'single']),
  DEFAULT_TIME_ZONE: z.string().check(z.minLength(1)),
  CAMPAIGN_PLAN_QUEUE_URL: z.url(),
  CAMPAIGN_EMAIL_QUEUE_URL: z.url(),
  CAMPAIGN_SMS_QUEUE_URL: z.url(),
  /** The analytics queue: the beacon's counts, aggregated by `functions/analytics/aggregate.ts`. */
  ANALYTICS_QUEUE_URL: z.url(),
  SES_RATE_PER_SECOND: numberVar('rate'),
  SENDER_CONCURRENCY: numberVar('count'),
  /** Days of advance notice before a new third party or an ownership transfer (config `noticePeriodDays`). */
  NOTICE_PERIOD_DAYS: z.optional(numberVar('count')),
  POLICY_VERSION: z.string().check(z.minLength(1)),
  POLICY_EFFECTIVE_AT: z.iso.datetime(),
  POLICY_SUMMARY: z.string().check(z.minLength(1)),
  POLICY_URL: z.url(),
});

export type RuntimeConfig = z.output<typeof runtimeSchema>;

/** A required variable is missing or malformed; the message names every one. */
export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`Invalid function configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError naming each missing or bad variable. */
export function parseRuntimeConfig(env: Record<string, string | undefined>): RuntimeConfig {
  const result = runtimeSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return result.data;
}

let cached: RuntimeConfig | undefined;

/** The configuration of this process, parsed on first use and kept for the life of the sandbox. */
export function runtimeConfig(): RuntimeConfig {
  cached ??= parseRuntimeConfig(process.env);
  return cached;
}

/** The brand facts every message needs, from config. */
export function brandOf(config: RuntimeConfig): Brand {
  return {
    brandName: config.BRAND_NAME,
    postalAddress: config.POSTAL_ADDRESS,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    supportEmail: config.SUPPORT_EMAIL,
    supportPhone: config.SUPPORT_PHONE,
  };
}

/** The campaign queues from config. */
export function campaignQueueUrls(config: RuntimeConfig) {
  return { plan: config.CAMPAIGN_PLAN_QUEUE_URL, email: config.CAMPAIGN_EMAIL_QUEUE_URL, sms: config.CAMPAIGN_SMS_QUEUE_URL };
}
