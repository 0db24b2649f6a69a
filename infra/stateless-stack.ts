import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as smsvoice from 'aws-cdk-lib/aws-smsvoice';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  HTTP_ROUTES,
  QUEUE_CONSUMERS,
  SCHEDULED_JOBS,
  STREAM_CONSUMERS,
  TOPIC_SUBSCRIBERS,
  functionName,
} from '../shared/routes.js';
import type { FunctionDeclaration, StreamFilter, TopicSubscriber } from '../shared/routes.js';
import { TABLE_SCHEMA } from '../shared/table.js';
import { QUEUE_EVENT_SOURCE, STREAM_EVENT_SOURCE } from '../shared/event-sources.js';
import { SMS_BUDGET_EXHAUSTED } from '../shared/domain/inquiries/send-follow-ups.js';
import { getCountries } from 'libphonenumber-js';
import { SENDER_CONCURRENCY } from './config.js';
import type { DeploymentConfig } from './config.js';
import { ApiFirewall } from './constructs/api-firewall.js';
import { ForecourtFunction } from './constructs/forecourt-function.js';
import type { ForecourtFunctionProps } from './constructs/forecourt-function.js';

export interface StatelessStackProps extends StackProps {
  config: DeploymentConfig;
  key: kms.IKey;
  table: dynamodb.ITableV2;
  appSecret: secretsmanager.ISecret;
  outboxDeadLetters: sqs.IQueue;
  asyncDeadLetters: sqs.IQueue;
  campaignQueues: Record<'plan' | 'email' | 'sms', sqs.IQueue>;
  campaignDeadLetters: sqs.IQueue;
  userPool: cognito.IUserPool;
}

/** A route-table stream filter as Lambda event filter criteria: the new image's entity, or the old one's for REMOVE. */
export function streamFilterCriteria(filter: StreamFilter): Record<string, unknown>[] {
  const upserts = filter.events.filter((event) => event !== 'REMOVE');
  const entities = lambda.FilterRule.or(...filter.entities);
  return [
    ...(upserts.length > 0
      ? [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.or(...upserts),
            dynamodb: { NewImage: { entity: { S: entities } } },
          }),
        ]
      : []),
    ...(filter.events.includes('REMOVE')
      ? [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('REMOVE'),
            dynamodb: { OldImage: { entity: { S: entities } } },
          }),
        ]
      : []),
  ];
}

/** The error shape of SPEC §3 for answers API Gateway gives itself. */
const errorTemplate = (code: string, message: string) =>
  `{"error":{"code":"${code}","message":"${message}","requestId":"$context.requestId"}}`;

/**
 * Everything that can be replaced freely: the REST API and its WAF, the functions built from the
 * one route table, the outbox stream consumer, and the alarms.
 */
export class StatelessStack extends Stack {
  readonly api: apigateway.RestApi;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config } = props;
    // Stateful resources are referenced by ARN, so that every grant lands on this stack's roles and
    // never edits a key, table or queue policy over there (which would make the stacks depend on each other).
    const key = kms.Key.fromKeyArn(this, 'DataKey', props.key.keyArn);
    const table = dynamodb.TableV2.fromTableAttributes(this, 'Table', {
      tableArn: props.table.tableArn,
      tableStreamArn: props.table.tableStreamArn,
      encryptionKey: key,
    });
    // No keyArn on the queues: the functions' own grant on the data key already covers sending to them.
    const outboxDeadLetters = sqs.Queue.fromQueueAttributes(this, 'OutboxDeadLetters', {
      queueArn: props.outboxDeadLetters.queueArn,
    });
    const asyncDeadLetters = sqs.Queue.fromQueueAttributes(this, 'AsyncDeadLetters', {
      queueArn: props.asyncDeadLetters.queueArn,
    });
    const campaignQueues = {
      plan: sqs.Queue.fromQueueAttributes(this, 'CampaignPlanQueue', {
        queueArn: props.campaignQueues.plan.queueArn,
        queueUrl: props.campaignQueues.plan.queueUrl,
      }),
      email: sqs.Queue.fromQueueAttributes(this, 'CampaignEmailQueue', {
        queueArn: props.campaignQueues.email.queueArn,
        queueUrl: props.campaignQueues.email.queueUrl,
      }),
      sms: sqs.Queue.fromQueueAttributes(this, 'CampaignSmsQueue', {
        queueArn: props.campaignQueues.sms.queueArn,
        queueUrl: props.campaignQueues.sms.queueUrl,
      }),
    };
    const campaignDeadLetters = sqs.Queue.fromQueueAttributes(this, 'CampaignDeadLetters', {
      queueArn: props.campaignDeadLetters.queueArn,
    });
    const data = {
      tableArn: props.table.tableArn,
      tableName: props.table.tableName,
      indexNames: TABLE_SCHEMA.globalSecondaryIndexes.map((index) => index.indexName),
      appSecretArn: props.appSecret.secretArn,
      keyArn: props.key.keyArn,
      campaignQueueUrls: {
        plan: props.campaignQueues.plan.queueUrl,
        email: props.campaignQueues.email.queueUrl,
        sms: props.campaignQueues.sms.queueUrl,
      },
      campaignQueueArns: {
        plan: props.campaignQueues.plan.queueArn,
        email: props.campaignQueues.email.queueArn,
        sms: props.campaignQueues.sms.queueArn,
      },
    };

    const alarmTopic = new sns.Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    const alarmAction = new cloudwatchActions.SnsAction(alarmTopic);

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_YEAR });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: 'forecourt',
      description: 'Forecourt public and admin API',
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'v1',
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        // Request bodies hold personal data: never log them.
        dataTraceEnabled: false,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
      },
    });

    const gatewayErrors: [apigateway.ResponseType, string, string, string][] = [
      [apigateway.ResponseType.UNAUTHORIZED, '401', 'unauthorized', 'A valid staff token is required.'],
      [apigateway.ResponseType.ACCESS_DENIED, '403', 'forbidden', 'Your role may not do this.'],
      [apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN, '404', 'not_found', 'No such route.'],
      [apigateway.ResponseType.REQUEST_TOO_LARGE, '413', 'payload_too_large', 'The request body is too large.'],
      [apigateway.ResponseType.THROTTLED, '429', 'rate_limited', 'Too many requests; retry later.'],
      [apigateway.ResponseType.DEFAULT_5XX, '500', 'internal_error', 'Something went wrong on our side.'],
    ];
    for (const [type, statusCode, code, message] of gatewayErrors) {
      this.api.addGatewayResponse(`Gateway-${code}`, {
        type,
        statusCode,
        responseHeaders: {
          'X-Request-Id': 'context.requestId',
          'X-Content-Type-Options': "'nosniff'",
          ...(code === 'rate_limited' ? { 'Retry-After': "'60'" } : {}),
        },
        templates: { 'application/json': errorTemplate(code, message) },
      });
    }

    const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'StaffAuthorizer', {
      cognitoUserPools: [props.userPool],
    });

    const functions = new Map<string, ForecourtFunction>();
    const functionFor = (
      { entry, aws }: FunctionDeclaration,
      options: Pick<ForecourtFunctionProps, 'deadLetterQueue' | 'timeout'> = {},
    ): ForecourtFunction => {
      let fn = functions.get(entry);
      if (!fn) {
        fn = new ForecourtFunction(this, functionName(entry), { entry, config, data, aws, ...options });
        functions.set(entry, fn);
      } else if (fn.aws !== aws) {
        throw new Error(`${entry} serves several routes: give them one shared AwsAccess declaration`);
      }
      return fn;
    };

    const publicMethods: apigateway.Method[] = [];
    for (const route of HTTP_ROUTES) {
      const fn = functionFor(route).function;
      const resource = this.api.root.resourceForPath(route.path);
      const integration = new apigateway.LambdaIntegration(fn);
      if (route.access === 'staff') {
        resource.addMethod(route.method, integration, {
          authorizer,
          authorizationType: apigateway.AuthorizationType.COGNITO,
        });
      } else {
        publicMethods.push(resource.addMethod(route.method, integration));
      }
      // The handler's middleware answers CORS preflight for the configured origins only.
      if (!resource.node.tryFindChild('OPTIONS')) publicMethods.push(resource.addMethod('OPTIONS', integration));
    }
    for (const method of publicMethods) {
      Validations.of(method).acknowledge(
        {
          id: 'AwsSolutions::AwsSolutions-APIG4',
          reason: 'A public website route (SPEC §3): visitors are anonymous; WAF rate-limits it.',
        },
        { id: 'AwsSolutions::AwsSolutions-COG4', reason: 'A public website route (SPEC §3): there is no user to authenticate.' },
      );
    }
    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-APIG2',
        reason: 'Every handler validates its body with a strict zod schema and answers the errors of SPEC §3.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: "API Gateway's account-level CloudWatch role uses the AWS-managed push-to-logs policy.",
      },
    );

    // Inbound SMS and SES events arrive on encrypted topics; their functions retry twice, then dead-letter.
    const topics: Record<TopicSubscriber['publisher'], sns.Topic> = {
      sms_inbound: new sns.Topic(this, 'SmsInboundTopic', {
        masterKey: key,
        enforceSSL: true,
        displayName: 'Forecourt inbound SMS',
      }),
      ses_events: new sns.Topic(this, 'SesEventsTopic', {
        masterKey: key,
        enforceSSL: true,
        displayName: 'Forecourt SES events',
      }),
    };
    topics.sms_inbound.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('sms-voice.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topics.sms_inbound.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: config.sesConfigurationSet,
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(topics.ses_events),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    for (const subscriber of TOPIC_SUBSCRIBERS) {
      const fn = functionFor(subscriber, { deadLetterQueue: asyncDeadLetters }).function;
      topics[subscriber.publisher].addSubscription(
        new subscriptions.LambdaSubscription(fn, { deadLetterQueue: asyncDeadLetters }),
      );
    }
    for (const job of SCHEDULED_JOBS) {
      const fn = functionFor(job, { deadLetterQueue: asyncDeadLetters }).function;
      new events.Rule(this, `${functionName(job.entry)}Schedule`, {
        description: `Forecourt scheduled job ${job.name}`,
        schedule: events.Schedule.expression(job.schedule),
        targets: [new targets.LambdaFunction(fn, { retryAttempts: 2, deadLetterQueue: asyncDeadLetters })],
      });
    }
    for (const consumer of QUEUE_CONSUMERS) {
      const forecourtFunction = functionFor(consumer);
      const fn = forecourtFunction.function;
      fn.addEventSource(
        new eventSources.SqsEventSource(campaignQueues[consumer.queue], {
          batchSize: QUEUE_EVENT_SOURCE.batchSize,
          reportBatchItemFailures: true,
          // With the pacing in each sender, this caps the account's SES rate (SPEC §4).
          maxConcurrency: SENDER_CONCURRENCY,
        }),
      );
      // Lambda's poller reads the encrypted queue with the function's role.
      forecourtFunction.useDataKey('kms:Decrypt');
    }
    // One alarm per dead-letter queue: anything in it is work that kept failing.
    const deadLetterAlarms: [string, sqs.IQueue, string][] = [
      ['OutboxDeadLettersAlarm', outboxDeadLetters, 'Outbox records that kept failing: messages owed to people were not sent.'],
      [
        'CampaignDeadLettersAlarm',
        campaignDeadLetters,
        'Campaign work that kept failing: some recipients of a run were not sent to.',
      ],
      [
        'AsyncDeadLettersAlarm',
        asyncDeadLetters,
        'Inbound SMS, SES events or scheduled jobs that kept failing: opt-outs or suppressions may be missing.',
      ],
    ];
    for (const [id, queue, alarmDescription] of deadLetterAlarms) {
      new cloudwatch.Alarm(this, id, {
        alarmDescription,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(alarmAction);
    }
    new CfnOutput(this, 'SmsInboundTopicArn', {
      description: 'Set this as the two-way SMS destination of the origination number (AWS End User Messaging)',
      value: topics.sms_inbound.topicArn,
    });

    for (const consumer of STREAM_CONSUMERS) {
      const forecourtFunction = functionFor(consumer);
      const fn = forecourtFunction.function;
      fn.addEventSource(
        new eventSources.DynamoEventSource(table, {
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: STREAM_EVENT_SOURCE.batchSize,
          bisectBatchOnError: STREAM_EVENT_SOURCE.bisectBatchOnError,
          retryAttempts: STREAM_EVENT_SOURCE.retryAttempts,
          maxRecordAge: Duration.seconds(STREAM_EVENT_SOURCE.maxRecordAgeSeconds),
          reportBatchItemFailures: true,
          onFailure: new eventSources.SqsDlq(outboxDeadLetters),
          filters: streamFilterCriteria(consumer.filter),
        }),
      );
      // Records that kept failing go to the encrypted outbox dead-letter queue, sent with the function's role.
      forecourtFunction.useDataKey('kms:GenerateDataKey', 'kms:Decrypt');

      new cloudwatch.Alarm(this, `${functionName(consumer.entry)}IteratorAgeAlarm`, {
        alarmDescription: `The ${consumer.name} stream consumer is falling behind.`,
        metric: fn.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
        threshold: Duration.minutes(5).toMilliseconds(),
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(alarmAction);
    }

    const smsOutbox = functions.get('functions/outbox/sms.ts');
    if (!smsOutbox) throw new Error('The SMS outbox (functions/outbox/sms.ts) is missing from the route table');
    // The deployment's daily SMS budget: the SMS outbox logs one line per text it holds back.
    const smsBudgetSpent = new logs.MetricFilter(this, 'SmsDailyBudgetSpentFilter', {
      logGroup: smsOutbox.function.logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', SMS_BUDGET_EXHAUSTED),
      metricNamespace: 'Forecourt',
      metricName: 'SmsDailyBudgetExhausted',
      metricValue: '1',
    });
    new cloudwatch.Alarm(this, 'SmsDailyBudgetAlarm', {
      alarmDescription: `The daily SMS budget (${props.config.sms.dailyBudget} confirmations) is spent: later opt-in texts wait for tomorrow. Look for SMS pumping.`,
      metric: smsBudgetSpent.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(alarmAction);

    // The SMS provider's own country protection: texts go only to the configured countries.
    new smsvoice.CfnProtectConfiguration(this, 'SmsProtectConfiguration', {
      deletionProtectionEnabled: true,
      countryRuleSet: {
        sms: getCountries().map((countryCode) => ({
          countryCode,
          protectStatus: props.config.sms.allowedCountries.includes(countryCode) ? 'ALLOW' : 'BLOCK',
        })),
      },
    });

    for (const fn of functions.values()) {
      new cloudwatch.Alarm(this, `${fn.node.id}ErrorsAlarm`, {
        alarmDescription: `Errors in ${fn.node.id}.`,
        metric: fn.function.metricErrors({ period: Duration.minutes(5) }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(alarmAction);
    }

    new ApiFirewall(this, 'Firewall', { stageArn: this.api.deploymentStage.stageArn });
  }
}
