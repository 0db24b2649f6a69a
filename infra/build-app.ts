import { Validations } from 'aws-cdk-lib';
import type { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Recipient } from '../shared/recipients.js';
import { loadDeploymentConfig } from './config.js';
import { assertRecipientsRegistered } from './recipients-wiring.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';

/**
 * Builds both stacks from one config file; cdk-nag's AwsSolutions checks run on every synth. A
 * deployment that would send personal data to a recipient the registry (`shared/recipients.ts`,
 * or `registry` in tests) does not name is refused before anything is built.
 */
export function buildApp(
  app: App,
  configPath: string,
  registry?: readonly Recipient[],
): { stateful: StatefulStack; stateless: StatelessStack } {
  const config = loadDeploymentConfig(configPath);
  assertRecipientsRegistered(config, registry);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: config.awsRegion };
  const stateful = new StatefulStack(app, 'ForecourtStateful', {
    env,
    description: 'Forecourt data: table, key, secret, queues, staff pool',
  });
  const stateless = new StatelessStack(app, 'ForecourtStateless', {
    env,
    description: 'Forecourt API, functions and alarms',
    config,
    key: stateful.key,
    table: stateful.table,
    appSecret: stateful.appSecret,
    outboxDeadLetters: stateful.outboxDeadLetters,
    asyncDeadLetters: stateful.asyncDeadLetters,
    campaignQueues: stateful.campaignQueues,
    campaignDeadLetters: stateful.campaignDeadLetters,
    analyticsQueue: stateful.analyticsQueue,
    analyticsDeadLetters: stateful.analyticsDeadLetters,
    userPool: stateful.userPool,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { stateful, stateless };
}
