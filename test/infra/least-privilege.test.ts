import { App } from 'aws-cdk-lib';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { buildApp } from '../../infra/build-app.js';
import { EXAMPLE_CONFIG_PATH } from '../../infra/config.js';
import {
  HTTP_ROUTES,
  QUEUE_CONSUMERS,
  SCHEDULED_JOBS,
  STREAM_CONSUMERS,
  TOPIC_SUBSCRIBERS,
  functionName,
} from '../../shared/routes.js';
import { readsSecretThroughExtension, sdkCalls, transactItemKinds } from './bundle-calls.js';
import type { SdkCall } from './bundle-calls.js';

/**
 * SPEC §6, least privilege: each function's role allows exactly the AWS calls its code makes.
 * The calls are read from the bundle `cdk synth` writes for the function (the asset that deploys),
 * mapped to IAM actions here, independently of the grants in `infra/`, and compared with the
 * role's policies in the synthesized template, both ways.
 */

const CDK_CONTEXT = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

/** The IAM actions that authorise an SDK call (`Client:Operation`). */
const IAM_ACTIONS: Record<string, (source: string) => string[]> = {
  'DynamoDB:GetItem': () => ['dynamodb:GetItem'],
  'DynamoDB:BatchGetItem': () => ['dynamodb:BatchGetItem'],
  'DynamoDB:Query': () => ['dynamodb:Query'],
  'DynamoDB:Scan': () => ['dynamodb:Scan'],
  'DynamoDB:PutItem': () => ['dynamodb:PutItem'],
  'DynamoDB:UpdateItem': () => ['dynamodb:UpdateItem'],
  'DynamoDB:DeleteItem': () => ['dynamodb:DeleteItem'],
  'DynamoDB:BatchWriteItem': () => ['dynamodb:BatchWriteItem'],
  'DynamoDB:TransactGetItems': () => ['dynamodb:GetItem'],
  // TransactWriteItems has no IAM action: each item is authorised as its own action. The kinds of
  // item are read from the transactions the code builds ({Put: …}, {Update: …}, …).
  'DynamoDB:TransactWriteItems': (source) => {
    const kinds = [...transactItemKinds(source)];
    if (kinds.length === 0)
      throw new Error('TransactWriteItems is bundled but no Put/Update/Delete/ConditionCheck item was found');
    return kinds.map((kind) => (kind === 'ConditionCheck' ? 'dynamodb:ConditionCheckItem' : `dynamodb:${kind}Item`));
  },
  'SESv2:SendEmail': () => ['ses:SendEmail'],
  'SESv2:SendBulkEmail': () => ['ses:SendBulkEmail'],
  'SNS:Publish': () => ['sns:Publish'],
  'SNS:ListPhoneNumbersOptedOut': () => ['sns:ListPhoneNumbersOptedOut'],
  'SQS:SendMessage': () => ['sqs:SendMessage'],
  // A batch is authorised by SendMessage, per message.
  'SQS:SendMessageBatch': () => ['sqs:SendMessage'],
};

/** SDK commands a client carries that the code never issues, whatever the function. */
const NEVER_ISSUED: Record<string, string> = {
  'DynamoDB:DescribeEndpoints':
    "The DynamoDB client's endpoint discovery, off unless AWS_ENABLE_ENDPOINT_DISCOVERY is set (asserted below).",
};

/**
 * Commands a function's bundle carries but its code cannot reach, each with the reason. An entry
 * here is a gap between the bundle and the code: the test fails once the bundle no longer carries
 * it, so the entry is removed as soon as the code is split (see the reasons).
 */
const UNREACHABLE: Record<string, Record<string, string>> = {
  'functions/policy/current.ts': {
    'DynamoDB:TransactWriteItems':
      'GET /policy only calls DynamoDbPolicyVersions.inForce; add() (POST /admin/policy-versions) shares the class, ' +
      'so its transaction is bundled. A read-only route must not write (SPEC §6): split the reader from the writer.',
  },
  'functions/outbox/email.ts': {
    'SESv2:SendBulkEmail':
      'The outbox sends one email per record (SendGate.sendTracked → Mailer.sendEmail); SesMailer.sendBulk is bundled with it. ' +
      'Only the campaign sender sends in bulk: split the bulk sender from SesMailer to drop it from this bundle.',
  },
  'functions/privacy/outbox.ts': {
    'SESv2:SendBulkEmail':
      'The privacy outbox sends one email per task (SendGate.send → Mailer.sendEmail); SesMailer.sendBulk is bundled with it, ' +
      'as in the email outbox.',
  },
};

/** The X-Ray daemon's calls: every function runs with active tracing. */
const TRACING = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
/** What Lambda's stream poller calls with the function's role, and its on-failure destination. */
const STREAM_POLLER = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
/** What Lambda's SQS poller calls with the function's role. */
const QUEUE_POLLER = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
];
/** Sending a failed event or record to a dead-letter queue. */
const DEAD_LETTER_SEND = ['sqs:SendMessage'];
const STREAM_FAILURE_DESTINATION = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];

/** The data key encrypts the table (and its stream), the secret and every queue: what each use needs of it. */
function dataKeyActions(actions: ReadonlySet<string>): string[] {
  const needed = new Set<string>();
  const has = (prefix: string) => [...actions].some((action) => action.startsWith(prefix));
  const tableWrites = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
  if (has('dynamodb:') && [...actions].some((action) => !STREAM_POLLER.includes(action))) {
    needed.add('kms:Decrypt').add('kms:DescribeKey');
  }
  if (tableWrites.some((action) => actions.has(action))) needed.add('kms:Encrypt').add('kms:GenerateDataKey');
  if (actions.has('dynamodb:GetRecords')) needed.add('kms:Decrypt');
  if (actions.has('secretsmanager:GetSecretValue')) needed.add('kms:Decrypt');
  if (actions.has('sqs:SendMessage')) needed.add('kms:GenerateDataKey').add('kms:Decrypt');
  if (actions.has('sqs:ReceiveMessage')) needed.add('kms:Decrypt');
  return [...needed];
}

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

interface DeployedFunction {
  entry: string;
  environment: Record<string, string>;
  bundle: string;
  statements: Statement[];
  managedPolicies: unknown[];
}

/** What starts each function, from the route table. */
function triggerOf(entry: string): 'http' | 'stream' | 'queue' | 'async' {
  if (STREAM_CONSUMERS.some((fn) => fn.entry === entry)) return 'stream';
  if (QUEUE_CONSUMERS.some((fn) => fn.entry === entry)) return 'queue';
  if ([...TOPIC_SUBSCRIBERS, ...SCHEDULED_JOBS].some((fn) => fn.entry === entry)) return 'async';
  return 'http';
}

const ENTRIES = [
  ...new Set(
    [...HTTP_ROUTES, ...STREAM_CONSUMERS, ...TOPIC_SUBSCRIBERS, ...SCHEDULED_JOBS, ...QUEUE_CONSUMERS].map((fn) => fn.entry),
  ),
];

/** The SDK calls of a bundle that the code can make, as `Client:Operation`. */
function callsOf(entry: string, bundle: string): string[] {
  const unreachable = UNREACHABLE[entry] ?? {};
  return [...new Set(sdkCalls(bundle).map((call: SdkCall) => `${call.client}:${call.operation}`))]
    .filter((call) => !(call in NEVER_ISSUED) && !(call in unreachable))
    .sort();
}

/** The IAM actions a function needs: its code's calls, the secret it reads, and what its trigger does with its role. */
function neededActions(fn: DeployedFunction): string[] {
  const actions = new Set<string>(TRACING);
  for (const call of callsOf(fn.entry, fn.bundle)) {
    const map = IAM_ACTIONS[call];
    if (!map) throw new Error(`${fn.entry} can call ${call}: say in IAM_ACTIONS which IAM actions authorise it`);
    for (const action of map(fn.bundle)) actions.add(action);
  }
  if (readsSecretThroughExtension(fn.bundle)) actions.add('secretsmanager:GetSecretValue');
  const trigger = triggerOf(fn.entry);
  if (trigger === 'stream') for (const action of [...STREAM_POLLER, ...STREAM_FAILURE_DESTINATION]) actions.add(action);
  if (trigger === 'queue') for (const action of QUEUE_POLLER) actions.add(action);
  if (trigger === 'async') for (const action of DEAD_LETTER_SEND) actions.add(action);
  for (const action of dataKeyActions(actions)) actions.add(action);
  return [...actions].sort();
}

/** Every action the role allows, across all of its policies. */
function allowedActions(fn: DeployedFunction): string[] {
  return [
    ...new Set(
      fn.statements.filter((statement) => statement.Effect === 'Allow').flatMap((statement) => [statement.Action].flat()),
    ),
  ].sort();
}

const deployed = new Map<string, DeployedFunction>();

beforeAll(() => {
  // Arrange: the cloud assembly `npx cdk synth` writes, bundles included.
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'forecourt-least-privilege-')),
    // As the CLI writes them: each resource's construct path, and each function's asset directory.
    context: { ...CDK_CONTEXT, 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true },
  });
  const { stateless } = buildApp(app, EXAMPLE_CONFIG_PATH);
  const assembly = app.synth();
  const template = assembly.getStackByName(stateless.stackName).template as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> }>;
  };
  const resources = Object.entries(template.Resources);
  for (const entry of ENTRIES) {
    const suffix = `/${functionName(entry)}/Function/Resource`;
    const [, fn] = resources.find(([, resource]) => resource.Metadata?.['aws:cdk:path']?.endsWith(suffix)) ?? [];
    if (!fn) throw new Error(`No Lambda function for ${entry} in the template`);
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const assetPath = fn.Metadata?.['aws:asset:path'];
    if (!assetPath) throw new Error(`${entry} has no asset path: is asset metadata disabled?`);
    const statements = resources
      .filter(
        ([, resource]) =>
          resource.Type === 'AWS::IAM::Policy' &&
          (resource.Properties.Roles as { Ref?: string }[]).some((role) => role.Ref === roleId),
      )
      .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    const role = template.Resources[roleId];
    deployed.set(entry, {
      entry,
      environment: (fn.Properties.Environment as { Variables: Record<string, string> }).Variables,
      bundle: readFileSync(join(assembly.directory, assetPath, 'index.mjs'), 'utf8'),
      statements,
      managedPolicies: (role?.Properties.ManagedPolicyArns as unknown[] | undefined) ?? [],
    });
  }
});

describe('the bundle reader', () => {
  it('finds the campaign email sender’s bulk send, its table calls and its secret read', () => {
    // Arrange
    const fn = deployed.get('functions/campaigns/send-email.ts');
    // Act
    const calls = sdkCalls(fn?.bundle ?? '').map((call) => `${call.client}:${call.operation}`);
    // Assert
    expect(calls).toEqual(
      expect.arrayContaining(['SESv2:SendBulkEmail', 'SESv2:SendEmail', 'DynamoDB:GetItem', 'DynamoDB:TransactWriteItems']),
    );
    expect(calls).not.toContain('SNS:Publish');
    expect(readsSecretThroughExtension(fn?.bundle ?? '')).toBe(true);
  });

  it('finds no SDK command and no secret read in a bundle without them', () => {
    expect(sdkCalls('export const handler = async () => ({ statusCode: 200 });')).toEqual([]);
    expect(readsSecretThroughExtension('fetch("http://localhost:2773/ssm/parameters")')).toBe(false);
  });

  it('refuses a bundle whose SDK client it cannot read', () => {
    expect(() => sdkCalls('var a=b(c,"DynamoDB_20120810","DynamoDBClient",d);class e extends a(f,g,h){}')).toThrow(
      /none of their commands/,
    );
    expect(() => sdkCalls('const config={serviceId:"SQS"};new X("SQSClient")')).toThrow(/not recognised/);
  });

  it('reads the kinds of item a transaction writes', () => {
    expect([...transactItemKinds('[{Put:{TableName:t},{Update:o},{ConditionCheck:{Key:k}}]')].sort()).toEqual([
      'ConditionCheck',
      'Put',
      'Update',
    ]);
  });
});

describe.each(ENTRIES)('%s', (entry) => {
  it('is allowed exactly the AWS calls its bundle makes, and what its trigger does with its role', () => {
    // Arrange
    const fn = deployed.get(entry) as DeployedFunction;
    // Act
    const needed = neededActions(fn);
    const allowed = allowedActions(fn);
    // Assert: the role lacks nothing the code calls, and allows nothing it never calls.
    expect({ entry, missing: needed.filter((action) => !allowed.includes(action)) }).toEqual({ entry, missing: [] });
    expect({ entry, unused: allowed.filter((action) => !needed.includes(action)) }).toEqual({ entry, unused: [] });
  });

  it('still carries each command listed as unreachable in it (a stale exception must go)', () => {
    const fn = deployed.get(entry) as DeployedFunction;
    const bundled = sdkCalls(fn.bundle).map((call) => `${call.client}:${call.operation}`);
    for (const call of Object.keys(UNREACHABLE[entry] ?? {}))
      expect({ entry, call, bundled: bundled.includes(call) }).toEqual({
        entry,
        call,
        bundled: true,
      });
  });

  it('never turns on DynamoDB endpoint discovery, and has only the basic execution role as a managed policy', () => {
    const fn = deployed.get(entry) as DeployedFunction;
    expect(fn.environment.AWS_ENABLE_ENDPOINT_DISCOVERY).toBeUndefined();
    expect(JSON.stringify(fn.managedPolicies)).toContain('service-role/AWSLambdaBasicExecutionRole');
    expect(fn.managedPolicies).toHaveLength(1);
  });

  it('scopes every grant to its resources: writes to the table only, email to the identity, SMS to phone numbers', () => {
    const fn = deployed.get(entry) as DeployedFunction;
    const allows = fn.statements.filter((statement) => statement.Effect === 'Allow');
    // Actions with no resource type (IAM takes only "*" for them); everything else names its resources.
    const unscoped = new Set([...TRACING, 'sns:Publish', 'sns:ListPhoneNumbersOptedOut', 'dynamodb:ListStreams']);
    for (const statement of allows) {
      if (statement.Resource !== '*') continue;
      for (const action of [statement.Action].flat())
        expect({ entry, action, resource: '*' }).toEqual({
          entry,
          action: unscoped.has(action) ? action : 'an action with resources',
          resource: '*',
        });
    }
    for (const statement of allows) {
      const actions = [statement.Action].flat();
      const resources = JSON.stringify(statement.Resource);
      if (
        actions.some((action) =>
          ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'].includes(action),
        )
      ) {
        expect(resources).not.toContain('/index/');
      }
      if (actions.some((action) => action.startsWith('ses:'))) {
        expect(resources).toContain('identity/hello@forecourt.example');
        expect(resources).toContain('configuration-set/forecourt-events');
      }
    }
    if (allowedActions(fn).includes('sns:Publish')) {
      // Allowed on "*" (a phone number has no ARN), then denied on every SNS ARN: topics and endpoints.
      expect(fn.statements).toContainEqual({ Effect: 'Deny', Action: 'sns:Publish', Resource: 'arn:aws:sns:*:*:*' });
    }
  });
});
