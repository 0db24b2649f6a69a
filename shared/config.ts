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
 * counts, decimals for rates.
 */
function numberVar(kind: 'whole' | 'decimal', bound: { atLeast: number } | { above: number }) {
  const pattern = kind === 'whole' ? /^\d+$/ : /^\d+(\.\d+)?$/;
  const wanted = kind === 'whole' ? 'a whole number' : 'a number';
  const limit =
    'atLeast' in bound
      ? z.gte(bound.atLeast, { error: `must be at least ${bound.atLeast}` })
      : z.gt(bound.above, { error: `must be more than ${bound.above}` });
  return z.pipe(
    z.string().check(z.regex(pattern, { error: (issue) => `must be ${wanted}, not ${JSON.stringify(issue.input)}` })),
    z.pipe(z.transform(Number), z.number().check(limit)),
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
  ALLOWED_ORIGINS: listOf,
  SMS_MESSAGES_PER_MONTH: numberVar('whole', { atLeast: 1 }),
  SMS_ORIGINATION_NUMBER: z.optional(z.string()),
  SMS_ALLOWED_COUNTRIES: listOf,
  SMS_MAX_CONFIRMATIONS_PER_IP_PER_HOUR: numberVar('whole', { atLeast: 1 }),
  SMS_DAILY_BUDGET: numberVar('whole', { atLeast: 1 }),
  OPT_IN_EMAIL: z.enum(['double', 'single']),
  OPT_IN_SMS: z.enum(['double', 'single']),
  DEFAULT_TIME_ZONE: z.string().check(z.minLength(1)),
  CAMPAIGN_PLAN_QUEUE_URL: z.url(),
  CAMPAIGN_EMAIL_QUEUE_URL: z.url(),
  CAMPAIGN_SMS_QUEUE_URL: z.url(),
  SES_RATE_PER_SECOND: numberVar('decimal', { above: 0 }),
  SENDER_CONCURRENCY: numberVar('whole', { atLeast: 1 }),
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
