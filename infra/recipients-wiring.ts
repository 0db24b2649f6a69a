import { checkRecipientsWired } from '../shared/recipients.js';
import type { AwsService, DeploymentWiring, MailboxConfigKey, Recipient } from '../shared/recipients.js';
import { HTTP_ROUTES, QUEUE_CONSUMERS, SCHEDULED_JOBS, STREAM_CONSUMERS, TOPIC_SUBSCRIBERS } from '../shared/routes.js';
import type { AwsAccess, QueueName } from '../shared/routes.js';
import type { DeploymentConfig } from './config.js';

/** A function as the route table declares it: its AWS access and, for a queue consumer, its queue. */
type DeclaredFunction = { aws: AwsAccess; queue?: QueueName };

/** Every function the stacks build, from the route table. */
export const DECLARED_FUNCTIONS: readonly DeclaredFunction[] = [
  ...HTTP_ROUTES,
  ...STREAM_CONSUMERS,
  ...TOPIC_SUBSCRIBERS,
  ...SCHEDULED_JOBS,
  ...QUEUE_CONSUMERS,
];

/** The config keys that hold a mailbox personal data is sent to. */
const MAILBOX_KEYS: readonly MailboxConfigKey[] = ['salesNotificationAddress', 'supportNotificationAddress'];

/**
 * What a deployment wires, read from what the stacks read: the AWS services the functions'
 * declarations call (`shared/routes.ts`) and the mailboxes the deployment config names.
 */
export function deploymentWiring(
  config: DeploymentConfig,
  functions: readonly DeclaredFunction[] = DECLARED_FUNCTIONS,
): DeploymentWiring {
  const services = new Set<AwsService>();
  for (const { aws, queue } of functions) {
    services.add('lambda');
    if (aws.table?.length) services.add('dynamodb');
    if (aws.secret) services.add('secrets');
    if (aws.email?.length) services.add('ses');
    if (aws.sms?.length) services.add('sns');
    if (aws.sendsTo?.length || queue) services.add('sqs');
  }
  return { awsServices: services, mailboxes: MAILBOX_KEYS.filter((key) => config[key] !== undefined) };
}

/** Refuses, before anything is built, a deployment that wires a recipient the registry does not name. */
export function assertRecipientsRegistered(
  config: DeploymentConfig,
  registry?: readonly Recipient[],
  functions?: readonly DeclaredFunction[],
): void {
  checkRecipientsWired(deploymentWiring(config, functions), registry);
}
