import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { buildApp } from '../../infra/build-app.js';
import { STREAM_EVENT_SOURCE } from '../../shared/event-sources.js';
import { EXAMPLE_CONFIG_PATH, loadDeploymentConfig } from '../../infra/config.js';
import { HTTP_ROUTES, QUEUE_CONSUMERS, SCHEDULED_JOBS, STREAM_CONSUMERS, TOPIC_SUBSCRIBERS } from '../../shared/routes.js';

/** The context of `cdk.json`: the feature flags `npx cdk synth` and `npx cdk deploy` run with. */
const CDK_CONTEXT = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

let app: App;
let stateful: Template;
let stateless: Template;

beforeAll(() => {
  // The same flags as the CLI, so that these assertions hold for the template that deploys.
  app = new App({ outdir: mkdtempSync(join(tmpdir(), 'forecourt-cdk-')), context: CDK_CONTEXT });
  const stacks = buildApp(app, EXAMPLE_CONFIG_PATH);
  stateful = Template.fromStack(stacks.stateful);
  stateless = Template.fromStack(stacks.stateless);
});

describe('stateful stack', () => {
  it('keeps the table on demand, recoverable, protected, encrypted with the rotating key, streamed and with TTL', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'gsi1' })],
      Replicas: [
        Match.objectLike({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { KMSMasterKeyId: Match.anyValue() },
        }),
      ],
    });
    stateful.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    stateful.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
  });

  it('generates the application secret with a seed and a current key id', () => {
    stateful.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'seed', SecretStringTemplate: '{"current":"k1"}' }),
    });
  });

  it('encrypts the outbox dead-letter queue and refuses plain HTTP to it', () => {
    stateful.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: Match.anyValue(),
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    stateful.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('creates one Cognito group per staff role, with MFA required and no self sign-up', () => {
    const groups = stateful.findResources('AWS::Cognito::UserPoolGroup');
    expect(
      Object.values(groups)
        .map((group) => group.Properties.GroupName)
        .sort(),
    ).toEqual(['admin', 'analyst', 'marketing', 'privacy', 'sales', 'support']);
    stateful.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });
});

describe('stateless stack', () => {
  it('runs every function on Node.js 24, arm64, with X-Ray tracing, JSON logs and the config in its environment', () => {
    const functions = Object.values(stateless.findResources('AWS::Lambda::Function')).filter(
      (fn) => fn.Properties.Environment?.Variables?.TABLE_NAME !== undefined,
    );
    const entries = [...HTTP_ROUTES, ...STREAM_CONSUMERS, ...TOPIC_SUBSCRIBERS, ...SCHEDULED_JOBS, ...QUEUE_CONSUMERS].map(
      (fn) => fn.entry,
    );
    expect(functions.length).toBe(new Set(entries).size);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON' },
      });
      expect(fn.Properties.Environment.Variables).toMatchObject({
        BRAND_NAME: 'Forecourt Demo Motors Software',
        POSTAL_ADDRESS: expect.stringContaining('Springfield'),
        SALES_NOTIFICATION_ADDRESS: 'sales@forecourt.example',
        POLICY_VERSION: '2018-05-14',
      });
    }
  });

  it('keeps function logs for a bounded time', () => {
    stateless.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('grants item-level table actions with no wildcard: reads on the table and its named index, writes on the table', () => {
    const statements = Object.values(stateless.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement,
    );
    const tableStatements = statements.filter((statement: { Action: string | string[] }) =>
      [statement.Action].flat().some((action) => /^dynamodb:(Get|BatchGet|Query|Put|Update|Delete|BatchWrite)/.test(action)),
    );
    expect(tableStatements.length).toBeGreaterThan(0);
    for (const statement of tableStatements) {
      const actions = [statement.Action].flat();
      expect(JSON.stringify(statement.Resource)).not.toContain('*');
      expect(actions).not.toContain('dynamodb:Scan');
      if (actions.includes('dynamodb:Query')) expect(JSON.stringify(statement.Resource)).toContain('/index/gsi1');
      if (actions.includes('dynamodb:PutItem')) expect(JSON.stringify(statement.Resource)).not.toContain('/index/');
    }
  });

  it('feeds the outbox consumer from the stream, filtered to inserted inquiries, queued messages and support requests, with bisect, retries and a DLQ', () => {
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      ParallelizationFactor: STREAM_EVENT_SOURCE.parallelizationFactor,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { NewImage: { entity: { S: ['inquiry', 'outbox_message', 'support_request'] } } },
            }),
          },
        ],
      },
    });
  });

  it('lets only the outbox consumers (email, privacy) and the campaign email sender send email, from the configured identity', () => {
    const senders = Object.values(stateless.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('ses:SendEmail'),
    );
    expect(senders.map((policy) => String(policy.Properties.PolicyName).replace(/FunctionServiceRole.*/, '')).sort()).toEqual([
      'CampaignsSendEmail',
      'OutboxEmail',
      'PrivacyOutbox',
    ]);
    expect(JSON.stringify(senders[0])).toContain('identity/hello@forecourt.example');
    // SendBulkEmail is authorised by its own action: only the campaign sender has it.
    const bulkSenders = Object.values(stateless.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('ses:SendBulkEmail'),
    );
    expect(bulkSenders).toHaveLength(1);
  });

  it('alarms on the dead-letter queue and on the consumer falling behind', () => {
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [Match.anyValue()],
    });
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge' });
  });

  it('serves every route of the route table, with the Cognito authorizer on staff routes only', () => {
    const methods = Object.values(stateless.findResources('AWS::ApiGateway::Method'));
    const staff = methods.filter((method) => method.Properties.AuthorizationType === 'COGNITO_USER_POOLS');
    expect(staff).toHaveLength(HTTP_ROUTES.filter((route) => route.access === 'staff').length);
    for (const route of HTTP_ROUTES) {
      expect(methods.some((method) => method.Properties.HttpMethod === route.method)).toBe(true);
    }
  });

  it('subscribes the inbound-SMS and SES-event functions to encrypted topics, with dead-letter queues', () => {
    const topics = stateless.findResources('AWS::SNS::Topic');
    for (const topic of Object.values(topics)) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    const subscriptions = Object.values(stateless.findResources('AWS::SNS::Subscription')).filter(
      (sub) => sub.Properties.Protocol === 'lambda',
    );
    expect(subscriptions).toHaveLength(2);
    for (const subscription of subscriptions) expect(subscription.Properties.RedrivePolicy).toBeDefined();
    stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
  });

  it('publishes bounces and complaints from the configured SES configuration set to the events topic', () => {
    stateless.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'forecourt-events' });
    stateless.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: Match.anyValue(),
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(['bounce', 'complaint']),
        SnsDestination: { TopicARN: Match.anyValue() },
      }),
    });
  });

  it('runs the SMS opt-out sync hourly with retries and a dead-letter queue, allowed to read the opt-out list', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: Match.anyValue() })],
    });
    const readers = Object.values(stateless.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('sns:ListPhoneNumbersOptedOut'),
    );
    expect(readers).toHaveLength(1);
  });

  it('lets only the functions that text people publish SMS', () => {
    const publishers = Object.values(stateless.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('"sns:Publish"'),
    );
    // The outbox, the keyword replies and the campaign SMS sender.
    expect(publishers).toHaveLength(3);
  });

  it('alarms on the dead-letter queue of the asynchronous functions', () => {
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('opt-outs or suppressions may be missing'),
      MetricName: 'ApproximateNumberOfMessagesVisible',
    });
  });

  it('alarms when the daily SMS budget is spent, counting the line the SMS outbox logs', () => {
    stateless.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: Match.stringLikeRegexp('SMS daily budget exhausted'),
      MetricTransformations: [Match.objectLike({ MetricName: 'SmsDailyBudgetExhausted', MetricValue: '1' })],
    });
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SmsDailyBudgetExhausted',
      Threshold: 0,
      AlarmActions: Match.anyValue(),
    });
  });

  it('lets the SMS provider text only the configured countries', () => {
    const [config] = Object.values(stateless.findResources('AWS::SMSVOICE::ProtectConfiguration'));
    const rules = (config?.Properties as { CountryRuleSet: { SMS: { CountryCode: string; ProtectStatus: string }[] } })
      .CountryRuleSet.SMS;
    expect(rules.filter((rule) => rule.ProtectStatus === 'ALLOW').map((rule) => rule.CountryCode)).toEqual(['US']);
    expect(rules.find((rule) => rule.CountryCode === 'JM')?.ProtectStatus).toBe('BLOCK');
    expect(rules.length).toBeGreaterThan(200);
  });

  it('dispatches campaigns every minute and feeds three encrypted queues with a shared dead-letter queue', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    const queues = Object.values(stateful.findResources('AWS::SQS::Queue')).filter((queue) => queue.Properties.RedrivePolicy);
    const campaign = queues.filter((queue) => JSON.stringify(queue.Properties.RedrivePolicy).includes('CampaignDeadLetters'));
    expect(campaign).toHaveLength(3);
    // The fourth: the analytics queue, with a dead-letter queue of its own.
    expect(queues).toHaveLength(4);
    expect(
      queues.filter((queue) => JSON.stringify(queue.Properties.RedrivePolicy).includes('AnalyticsDeadLetters')),
    ).toHaveLength(1);
    for (const queue of queues) {
      expect(queue.Properties).toMatchObject({
        KmsMasterKeyId: expect.anything(),
        VisibilityTimeout: 1800,
        RedrivePolicy: { maxReceiveCount: 5 },
      });
    }
  });

  it('consumes the campaign queues with partial batch responses and a capped concurrency', () => {
    const mappings = Object.values(stateless.findResources('AWS::Lambda::EventSourceMapping')).filter((mapping) =>
      JSON.stringify(mapping.Properties.EventSourceArn).includes('Campaign'),
    );
    expect(mappings).toHaveLength(3);
    for (const mapping of mappings) {
      expect(mapping.Properties).toMatchObject({
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      });
    }
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('Campaign work that kept failing'),
    });
  });

  it('throttles the stage, writes access logs and never logs request bodies', () => {
    stateless.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, DataTraceEnabled: false })],
    });
  });

  it('answers API Gateway errors in the JSON error shape', () => {
    stateless.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      StatusCode: '401',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"code":"unauthorized"') },
    });
    stateless.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
      StatusCode: '404',
    });
  });

  it('puts a WAF web ACL with rate-based rules for the public and the admin routes in front of the stage', () => {
    for (const name of ['public-rate-limit', 'admin-rate-limit']) {
      stateless.hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'REGIONAL',
        Rules: Match.arrayWith([
          Match.objectLike({
            Name: name,
            Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP', ScopeDownStatement: Match.anyValue() }) },
          }),
        ]),
      });
    }
    stateless.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('synthesizes with every finding acknowledged with a reason', () => {
    // Arrange / Act: the plugin runs during synth and makes it throw on any unacknowledged finding.
    const assembly = app.synth();
    // Assert
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        pluginName: string;
        conclusion: string;
        violations: unknown[];
        suppressedViolations: { ruleName: string; reason: string }[];
      }[];
    };
    const nag = report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions');
    expect(nag?.conclusion).toBe('success');
    expect(nag?.violations).toEqual([]);
    for (const suppressed of nag?.suppressedViolations ?? []) {
      expect({ rule: suppressed.ruleName, explained: suppressed.reason.length > 30 }).toEqual({
        rule: suppressed.ruleName,
        explained: true,
      });
    }
  });

  it('flags a finding that nobody acknowledged', () => {
    // A rule pack that sees nothing would pass everything: prove it sees the raw stacks' findings.
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((violation) => violation.ruleName)).toContain('AwsSolutions-SMG4');
  });
});

describe('cdk.json', () => {
  it('sets every feature flag the CDK recommends, keeping strong cross-stack references', () => {
    // Kept strong (Fn::ImportValue): CloudFormation refuses to change or drop an export of the stateful
    // stack while the stateless stack reads it; "weak" (Fn::GetStackOutput) gives that guard up.
    const kept: Record<string, unknown> = { '@aws-cdk/core:defaultCrossStackReferences': 'strong' };
    for (const [flag, recommended] of Object.entries(CURRENTLY_RECOMMENDED_FLAGS)) {
      expect({ flag, value: CDK_CONTEXT[flag] }).toEqual({ flag, value: flag in kept ? kept[flag] : recommended });
    }
  });
});

describe('deployment config', () => {
  it('fails with a clear message when the brand name or postal address is missing', () => {
    const example = JSON.parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')) as Record<string, unknown>;
    const { brandName: _brand, postalAddress: _address, ...incomplete } = example;
    const path = join(mkdtempSync(join(tmpdir(), 'forecourt-config-')), 'config.json');
    writeFileSync(path, JSON.stringify(incomplete));
    expect(() => loadDeploymentConfig(path)).toThrow(/brandName[\s\S]*postalAddress/);
    expect(() => buildApp(new App(), path)).toThrow(/postalAddress/);
  });
});
