import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
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
import type { TopicSubscriber } from '../shared/routes.js';
import { TABLE_SCHEMA } from '../shared/table.js';
import type { DeploymentConfig } from './config.js';
import { ApiFirewall } from './constructs/api-firewall.js';
import { EventSources, streamFilterCriteria } from './constructs/event-sources.js';
import { ForecourtFunction } from './constructs/forecourt-function.js';
import { PublicApi } from './constructs/public-api.js';
import { PrivacyDeadlines } from './constructs/privacy-deadlines.js';
import { SmsSafeguards } from './constructs/sms-safeguards.js';

export interface StatelessStackProps extends StackProps {
  config: DeploymentConfig;
  key: kms.IKey;
  table: dynamodb.ITableV2;
  appSecret: secretsmanager.ISecret;
  outboxDeadLetters: sqs.IQueue;
  asyncDeadLetters: sqs.IQueue;
  campaignQueues: Record<'plan' | 'email' | 'sms', sqs.IQueue>;
  campaignDeadLetters: sqs.IQueue;
  analyticsQueue: sqs.IQueue;
  analyticsDeadLetters: sqs.IQueue;
  userPool: cognito.IUserPool;
}

/** Re-exported for the test that the local stream filter and the CDK's agree. */
export { streamFilterCriteria };

/**
 * Everything that can be replaced freely, built from the one route table: the functions (each with
 * its least-privilege role and its errors alarm), the API, its firewall, the event sources and their
 * alarms, and the SMS safeguards.
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
      analytics: sqs.Queue.fromQueueAttributes(this, 'AnalyticsQueue', {
        queueArn: props.analyticsQueue.queueArn,
        queueUrl: props.analyticsQueue.queueUrl,
      }),
    };
    const analyticsDeadLetters = sqs.Queue.fromQueueAttributes(this, 'AnalyticsDeadLetters', {
      queueArn: props.analyticsDeadLetters.queueArn,
    });
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
        analytics: props.analyticsQueue.queueArn,
      },
      analyticsQueueUrl: props.analyticsQueue.queueUrl,
    };

    const alarmTopic = new sns.Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    const alarmAction = new cloudwatchActions.SnsAction(alarmTopic);

    // The functions stay children of the stack, so their logical IDs (and their stream mappings,
    // which would replay the stream from TRIM_HORIZON if replaced) do not move with the constructs.
    const functions = new Map<string, ForecourtFunction>();
    const asynchronous = new Set([...TOPIC_SUBSCRIBERS, ...SCHEDULED_JOBS].map((fn) => fn.entry));
    for (const declaration of [
      ...HTTP_ROUTES,
      ...STREAM_CONSUMERS,
      ...TOPIC_SUBSCRIBERS,
      ...SCHEDULED_JOBS,
      ...QUEUE_CONSUMERS,
    ]) {
      const { entry, aws } = declaration;
      const files = 'files' in declaration ? declaration.files : undefined;
      const existing = functions.get(entry);
      if (existing) {
        if (existing.aws !== aws) throw new Error(`${entry} serves several routes: give them one shared AwsAccess declaration`);
        continue;
      }
      functions.set(
        entry,
        new ForecourtFunction(this, functionName(entry), {
          entry,
          config,
          data,
          aws,
          ...(files ? { files } : {}),
          alarmAction,
          ...(asynchronous.has(entry) ? { deadLetterQueue: asyncDeadLetters } : {}),
        }),
      );
    }
    const functionOf = (entry: string): ForecourtFunction => {
      const fn = functions.get(entry);
      if (!fn) throw new Error(`${entry} is not in the route table`);
      return fn;
    };

    this.api = new PublicApi(this, 'Api', {
      routes: HTTP_ROUTES,
      handlerOf: (route) => functionOf(route.entry).function,
      userPool: props.userPool,
    }).api;

    // Named or referenced from outside (the SMS destination, the SES configuration set's name), so
    // these stay children of the stack and keep their logical IDs.
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
      events: [ses.EmailSendingEvent.SEND, ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    new CfnOutput(this, 'SmsInboundTopicArn', {
      description: 'Set this as the two-way SMS destination of the origination number (AWS End User Messaging)',
      value: topics.sms_inbound.topicArn,
    });

    new EventSources(this, 'EventSources', {
      functionOf,
      topicSubscribers: TOPIC_SUBSCRIBERS,
      topics,
      scheduledJobs: SCHEDULED_JOBS,
      queueConsumers: QUEUE_CONSUMERS,
      campaignQueues,
      streamConsumers: STREAM_CONSUMERS,
      table,
      outboxDeadLetters,
      asyncDeadLetters,
      campaignDeadLetters,
      analyticsDeadLetters,
      alarmAction,
    });

    new SmsSafeguards(this, 'SmsSafeguards', {
      allowedCountries: config.sms.allowedCountries,
      dailyBudget: config.sms.dailyBudget,
      smsOutboxLogs: functionOf('functions/outbox/sms.ts').function.logGroup,
      alarmAction,
    });

    new PrivacyDeadlines(this, 'PrivacyDeadlines', {
      overdueJobLogs: functionOf('functions/privacy/overdue.ts').function.logGroup,
      alarmAction,
    });

    new ApiFirewall(this, 'Firewall', { stageArn: this.api.deploymentStage.stageArn });
  }
}
