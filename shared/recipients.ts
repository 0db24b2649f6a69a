/**
 * The recipients registry (SPEC §2 "Recipients", §4 "Disclosures"): every party outside this
 * system's own code that receives personal data, with its role, purpose and the data it gets.
 * The privacy policy promises that personal data goes to no outside party without advance
 * notice, except to those who process it only on our instructions ("website hosting partners and
 * other parties who assist us"); this list is where each one is named.
 *
 * It is checked, not just written down:
 * - every adapter that sends personal data out names its entry (`test/unit/recipients.test.ts`);
 * - the CDK app refuses to wire an AWS service, or a configured mailbox, that no entry names
 *   (`checkRecipientsWired`, called by `infra/build-app.ts`);
 * - the send gate refuses a staff email to an unregistered mailbox, and every disclosure to a
 *   third party passes `assertMayDisclose` (`shared/domain/disclosures/advance-notice.ts`);
 * - `GET /admin/recipients` lists it and the README's table is checked against it.
 */

/** Kinds of personal data a recipient may receive. */
export const DATA_CATEGORIES = [
  'name',
  'email_address',
  'phone_number',
  'company',
  'inquiry_content',
  'support_request_content',
  'consent_records',
  'message_content',
  'ip_address',
  'user_agent',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

/**
 * `processor`: processes data only on our instructions (the policy's "hosting partners and other
 * parties who assist us"); `internal`: one of our own mailboxes, read by our staff;
 * `third_party`: anyone else, who may receive data only after the advance notice has run.
 */
export type RecipientRole = 'processor' | 'internal' | 'third_party';

/** What wires a recipient into the deployment, so that synth can tell a wired one from a registered one. */
export type RecipientWiring =
  /** An AWS service the functions call (their `aws` declaration in `shared/routes.ts`). */
  | { kind: 'aws_service'; services: readonly AwsService[] }
  /** A mailbox address from the deployment config (`config/*.json`). */
  | { kind: 'config_mailbox'; configKey: MailboxConfigKey }
  /** A third party's integration, wired by whatever sends to it. */
  | { kind: 'integration' };

/** The AWS services whose use the route table declares. */
export type AwsService = 'lambda' | 'dynamodb' | 'sqs' | 'secrets' | 'ses' | 'sns';

/** Deployment-config keys that hold an address we send personal data to. */
export type MailboxConfigKey = 'salesNotificationAddress' | 'supportNotificationAddress';

/** One registered recipient. */
export interface Recipient {
  id: string;
  name: string;
  role: RecipientRole;
  purpose: string;
  data: readonly DataCategory[];
  /** The day it started receiving data (YYYY-MM-DD). */
  since: string;
  wiring: RecipientWiring;
  /** Adapter folders under `shared/adapters/` that talk to it (processors). */
  adapters?: readonly string[];
  /**
   * A third party only: when its advance notice was scheduled to go out (ISO). No data goes to it
   * before this plus the notice period (`assertMayDisclose`); without it, none at all.
   */
  noticeSentAt?: string;
}

/** The registry. Append a recipient here before any code sends it data; for a third party, announce it first. */
export const RECIPIENTS = [
  {
    id: 'aws_ses',
    name: 'Amazon Web Services: Simple Email Service',
    role: 'processor',
    purpose: 'Delivers every email: acknowledgements, confirmations, notices, campaigns and staff notifications.',
    data: ['name', 'email_address', 'message_content', 'inquiry_content'],
    since: '2018-05-14',
    wiring: { kind: 'aws_service', services: ['ses'] },
    adapters: ['ses'],
  },
  {
    id: 'aws_sns',
    name: 'Amazon Web Services: Simple Notification Service (SMS)',
    role: 'processor',
    purpose: 'Delivers text messages and keeps the SMS channel’s opt-out list.',
    data: ['phone_number', 'message_content'],
    since: '2018-05-14',
    wiring: { kind: 'aws_service', services: ['sns'] },
    adapters: ['sns'],
  },
  {
    id: 'aws_hosting',
    name: 'Amazon Web Services: hosting (Lambda, DynamoDB, SQS, API Gateway, Secrets Manager)',
    role: 'processor',
    purpose: 'Runs the functions and stores every record: the website hosting partner of the privacy policy.',
    // Every kind: it hosts every record.
    data: [...DATA_CATEGORIES],
    since: '2018-05-14',
    wiring: { kind: 'aws_service', services: ['lambda', 'dynamodb', 'sqs', 'secrets'] },
    adapters: ['dynamodb', 'sqs', 'secrets-extension'],
  },
  {
    id: 'sales_mailbox',
    name: 'Sales mailbox (config salesNotificationAddress)',
    role: 'internal',
    purpose: 'The new-lead email, so that sales can follow up the inquiry.',
    data: ['name', 'email_address', 'phone_number', 'company', 'inquiry_content'],
    since: '2018-05-14',
    wiring: { kind: 'config_mailbox', configKey: 'salesNotificationAddress' },
  },
  {
    id: 'support_mailbox',
    name: 'Support mailbox (config supportNotificationAddress)',
    role: 'internal',
    purpose: 'A forward of each support request, so that support can answer it.',
    data: ['name', 'email_address', 'phone_number', 'support_request_content'],
    since: '2018-05-14',
    wiring: { kind: 'config_mailbox', configKey: 'supportNotificationAddress' },
  },
] as const satisfies readonly Recipient[];

/** The id of a registered recipient: code that names a recipient must name one of these. */
export type RecipientId = (typeof RECIPIENTS)[number]['id'];

/** An internal mailbox's id: what a staff email names. */
export type MailboxRecipientId = Extract<(typeof RECIPIENTS)[number], { role: 'internal' }>['id'];

/** A recipient is not in the registry: nothing may be sent to it or wired for it. */
export class UnregisteredRecipientError extends Error {
  constructor(what: string) {
    super(`${what} is not in the recipients registry (shared/recipients.ts)`);
    this.name = 'UnregisteredRecipientError';
  }
}

/** The registered recipient of an id, or an `UnregisteredRecipientError` naming it. */
export function registeredRecipient(id: string, registry: readonly Recipient[] = RECIPIENTS): Recipient {
  const recipient = registry.find((entry) => entry.id === id);
  if (!recipient) throw new UnregisteredRecipientError(`Recipient "${id}"`);
  return recipient;
}

/** What the deployment wires: the AWS services its functions call and the mailboxes its config names. */
export interface DeploymentWiring {
  awsServices: ReadonlySet<AwsService>;
  mailboxes: readonly MailboxConfigKey[];
}

/**
 * Refuses a deployment that would send personal data to a party the registry does not name: each
 * AWS service the functions use needs a processor whose wiring names it, each configured mailbox
 * an internal recipient with its config key. The CDK app calls this before it builds anything.
 */
export function checkRecipientsWired(wiring: DeploymentWiring, registry: readonly Recipient[] = RECIPIENTS): void {
  const problems: string[] = [];
  for (const service of wiring.awsServices) {
    const named = registry.some(
      (entry) => entry.role === 'processor' && entry.wiring.kind === 'aws_service' && entry.wiring.services.includes(service),
    );
    if (!named) problems.push(`AWS service "${service}" (declared in shared/routes.ts)`);
  }
  for (const configKey of wiring.mailboxes) {
    const named = registry.some(
      (entry) => entry.role === 'internal' && entry.wiring.kind === 'config_mailbox' && entry.wiring.configKey === configKey,
    );
    if (!named) problems.push(`mailbox "${configKey}" (deployment config)`);
  }
  if (problems.length > 0) throw new UnregisteredRecipientError(problems.join(', '));
}
