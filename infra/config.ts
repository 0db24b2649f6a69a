import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The one deployment configuration (SPEC §6), validated with zod. `npx cdk synth`, `npm start` and
 * the tests read `config/example.json`; a real deployment passes `-c config=path/to/file.json`.
 */
export const deploymentConfigSchema = z.strictObject({
  awsRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1'),
  brandName: z.string().trim().min(1, 'brandName is required: the brand every message names'),
  postalAddress: z.string().trim().min(1, 'postalAddress is required: CAN-SPAM needs it in every email footer'),
  senderAddress: z.email(),
  sesConfigurationSet: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
  supportEmail: z.email(),
  supportPhone: z.string().min(1),
  salesNotificationAddress: z.email(),
  supportNotificationAddress: z.email(),
  publicBaseUrl: z.url(),
  thankYouUrl: z.url(),
  allowedOrigins: z.array(z.url()).min(1),
  sms: z.strictObject({
    originationNumber: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number')
      .optional(),
    messagesPerMonth: z.number().int().min(1).max(31),
    /** ISO 3166 countries whose numbers may be texted; a form's SMS consent for any other is refused. */
    allowedCountries: z
      .array(z.string().regex(/^[A-Z]{2}$/, 'must be ISO 3166-1 alpha-2 codes such as US'))
      .min(1)
      .default(['US']),
    /** SMS opt-in confirmations one client IP may cause per hour (SMS pumping). */
    maxConfirmationsPerIpPerHour: z.number().int().min(1).default(5),
    /** SMS opt-in confirmations the whole deployment sends per UTC day; an alarm fires when it is spent. */
    dailyBudget: z.number().int().min(1).default(200),
  }),
  /** How a form's consent box becomes consent: `double` (the address confirms) or `single`. */
  optIn: z
    .strictObject({ email: z.enum(['double', 'single']).default('double'), sms: z.enum(['double', 'single']).default('double') })
    .default({ email: 'double', sms: 'double' }),
  defaultTimeZone: z.string().refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone'),
  sesRatePerSecond: z.number().positive(),
  /**
   * Days between the notice to every reachable contact and the first disclosure to a new third
   * party, or the effective time of a policy version that transfers ownership (SPEC §4).
   */
  noticePeriodDays: z.number().int().min(1).default(30),
  policy: z.strictObject({
    version: z.string().min(1),
    effectiveAt: z.iso.datetime(),
    summary: z.string().min(1),
    url: z.url(),
  }),
});

export type DeploymentConfig = z.infer<typeof deploymentConfigSchema>;

/** The example config that ships with the repository. */
export const EXAMPLE_CONFIG_PATH = resolve(import.meta.dirname, '../config/example.json');

/** The config file is missing a value or holds a bad one; the message names each. */
export class DeploymentConfigError extends Error {
  constructor(path: string, problems: string[]) {
    super(`Invalid Forecourt config ${path}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'DeploymentConfigError';
  }
}

/** Validates a parsed config object. */
export function parseDeploymentConfig(value: unknown, path = '(inline)'): DeploymentConfig {
  const result = deploymentConfigSchema.safeParse(value);
  if (!result.success) {
    throw new DeploymentConfigError(
      path,
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return result.data;
}

/** Reads and validates a config file. */
export function loadDeploymentConfig(path: string = EXAMPLE_CONFIG_PATH): DeploymentConfig {
  return parseDeploymentConfig(JSON.parse(readFileSync(path, 'utf8')), path);
}

/** The resources a function's environment names. */
export interface FunctionResources {
  tableName: string;
  secretId: string;
  campaignQueueUrls: { plan: string; email: string; sms: string };
  analyticsQueueUrl: string;
}

/** How many campaign senders run at once; each takes its share of the SES rate. */
export const SENDER_CONCURRENCY = 2;

/**
 * The environment every function gets (the contract of `shared/config.ts`). The CDK stack and the
 * local stack both call this, so a function sees the same variables in AWS and on a laptop.
 */
export function functionEnvironment(config: DeploymentConfig, resources: FunctionResources): Record<string, string> {
  return {
    TABLE_NAME: resources.tableName,
    SECRET_ID: resources.secretId,
    BRAND_NAME: config.brandName,
    POSTAL_ADDRESS: config.postalAddress,
    PUBLIC_BASE_URL: config.publicBaseUrl,
    THANK_YOU_URL: config.thankYouUrl,
    SENDER_ADDRESS: config.senderAddress,
    SES_CONFIGURATION_SET: config.sesConfigurationSet,
    SUPPORT_EMAIL: config.supportEmail,
    SUPPORT_PHONE: config.supportPhone,
    SALES_NOTIFICATION_ADDRESS: config.salesNotificationAddress,
    SUPPORT_NOTIFICATION_ADDRESS: config.supportNotificationAddress,
    ALLOWED_ORIGINS: config.allowedOrigins.join(','),
    SMS_MESSAGES_PER_MONTH: String(config.sms.messagesPerMonth),
    SMS_ALLOWED_COUNTRIES: config.sms.allowedCountries.join(','),
    SMS_MAX_CONFIRMATIONS_PER_IP_PER_HOUR: String(config.sms.maxConfirmationsPerIpPerHour),
    SMS_DAILY_BUDGET: String(config.sms.dailyBudget),
    OPT_IN_EMAIL: config.optIn.email,
    OPT_IN_SMS: config.optIn.sms,
    ...(config.sms.originationNumber ? { SMS_ORIGINATION_NUMBER: config.sms.originationNumber } : {}),
    DEFAULT_TIME_ZONE: config.defaultTimeZone,
    CAMPAIGN_PLAN_QUEUE_URL: resources.campaignQueueUrls.plan,
    CAMPAIGN_EMAIL_QUEUE_URL: resources.campaignQueueUrls.email,
    CAMPAIGN_SMS_QUEUE_URL: resources.campaignQueueUrls.sms,
    ANALYTICS_QUEUE_URL: resources.analyticsQueueUrl,
    SES_RATE_PER_SECOND: String(config.sesRatePerSecond),
    NOTICE_PERIOD_DAYS: String(config.noticePeriodDays),
    SENDER_CONCURRENCY: String(SENDER_CONCURRENCY),
    POLICY_VERSION: config.policy.version,
    POLICY_EFFECTIVE_AT: config.policy.effectiveAt,
    POLICY_SUMMARY: config.policy.summary,
    POLICY_URL: config.policy.url,
    POWERTOOLS_SERVICE_NAME: 'forecourt',
  };
}
