import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { EventSources } from '../../infra/constructs/event-sources.js';
import type { ConsumerFunction } from '../../infra/constructs/event-sources.js';
import type { DataKeyAction } from '../../infra/constructs/forecourt-function.js';
import { QUEUE_CONSUMERS, SCHEDULED_JOBS, STREAM_CONSUMERS, TOPIC_SUBSCRIBERS, functionName } from '../../shared/routes.js';
import { ANALYTICS_QUEUE_EVENT_SOURCE } from '../../shared/event-sources.js';

let template: Template;
const keyUse = new Map<string, Set<DataKeyAction>>();

const queueArn = (name: string) => `arn:aws:sqs:us-east-1:111111111111:${name}`;

beforeAll(() => {
  // Arrange: the construct alone, over the route table, with stand-in functions and imported queues.
  const stack = new Stack(new App(), 'EventSourcesOnly');
  const functions = new Map<string, ConsumerFunction>();
  const functionOf = (entry: string): ConsumerFunction => {
    let fn = functions.get(entry);
    if (!fn) {
      const used = new Set<DataKeyAction>();
      keyUse.set(entry, used);
      fn = {
        function: new lambda.Function(stack, functionName(entry), {
          runtime: lambda.Runtime.NODEJS_22_X,
          handler: 'index.handler',
          code: lambda.Code.fromInline('export const handler = async () => ({});'),
        }),
        useDataKey: (...actions) => actions.forEach((action) => used.add(action)),
      };
      functions.set(entry, fn);
    }
    return fn;
  };
  const queue = (name: string) => sqs.Queue.fromQueueArn(stack, name, queueArn(name));
  new EventSources(stack, 'EventSources', {
    functionOf,
    topicSubscribers: TOPIC_SUBSCRIBERS,
    topics: { sms_inbound: new sns.Topic(stack, 'SmsInboundTopic'), ses_events: new sns.Topic(stack, 'SesEventsTopic') },
    scheduledJobs: SCHEDULED_JOBS,
    queueConsumers: QUEUE_CONSUMERS,
    campaignQueues: { plan: queue('plan'), email: queue('email'), sms: queue('sms'), analytics: queue('analytics') },
    streamConsumers: STREAM_CONSUMERS,
    table: dynamodb.TableV2.fromTableAttributes(stack, 'Table', {
      tableArn: 'arn:aws:dynamodb:us-east-1:111111111111:table/forecourt',
      tableStreamArn: 'arn:aws:dynamodb:us-east-1:111111111111:table/forecourt/stream/2026-01-01T00:00:00.000',
    }),
    outboxDeadLetters: queue('outbox-dlq'),
    asyncDeadLetters: queue('async-dlq'),
    campaignDeadLetters: queue('campaign-dlq'),
    analyticsDeadLetters: queue('analytics-dlq'),
    alarmAction: new cloudwatchActions.SnsAction(new sns.Topic(stack, 'Alarms')),
  });
  template = Template.fromStack(stack);
});

describe('EventSources', () => {
  it('feeds each stream consumer its own filtered records, with bisection, retries and the outbox dead-letter queue', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).filter((mapping) =>
      JSON.stringify(mapping.Properties.EventSourceArn).includes(':table/forecourt/stream/'),
    );
    expect(mappings).toHaveLength(STREAM_CONSUMERS.length);
    for (const mapping of mappings) {
      expect(mapping.Properties).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: queueArn('outbox-dlq') } },
      });
    }
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { NewImage: { entity: { S: ['inquiry', 'support_request'] } } },
            }),
          },
        ],
      },
    });
  });

  it('consumes each campaign queue with partial batch responses and a capped concurrency', () => {
    for (const consumer of QUEUE_CONSUMERS.filter((fn) => fn.queue !== 'analytics')) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: queueArn(consumer.queue),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      });
    }
  });

  it('consumes the analytics queue in large batches gathered for a few seconds, each aggregated whole', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: queueArn('analytics'),
      BatchSize: ANALYTICS_QUEUE_EVENT_SOURCE.batchSize,
      MaximumBatchingWindowInSeconds: ANALYTICS_QUEUE_EVENT_SOURCE.maxBatchingWindowSeconds,
      FunctionResponseTypes: Match.absent(),
    });
  });

  it('runs each scheduled job with two retries and the asynchronous dead-letter queue', () => {
    for (const job of SCHEDULED_JOBS) {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: job.schedule,
        Targets: [
          Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: queueArn('async-dlq') } }),
        ],
      });
    }
  });

  it('subscribes each topic subscriber with the asynchronous dead-letter queue', () => {
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription'));
    expect(subscriptions).toHaveLength(TOPIC_SUBSCRIBERS.length);
    for (const subscription of subscriptions) {
      expect(subscription.Properties).toMatchObject({
        Protocol: 'lambda',
        RedrivePolicy: { deadLetterTargetArn: queueArn('async-dlq') },
      });
    }
  });

  it('owns an alarm per dead-letter queue and per stream consumer falling behind', () => {
    for (const name of ['outbox-dlq', 'campaign-dlq', 'analytics-dlq', 'async-dlq']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: name }],
        Threshold: 0,
        AlarmActions: [Match.anyValue()],
      });
    }
    const iteratorAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties.MetricName === 'IteratorAge',
    );
    expect(iteratorAlarms).toHaveLength(STREAM_CONSUMERS.length);
  });

  it('has each consumer use the data key its encrypted source or dead-letter queue needs', () => {
    for (const consumer of QUEUE_CONSUMERS) expect([...(keyUse.get(consumer.entry) ?? [])]).toContain('kms:Decrypt');
    for (const consumer of STREAM_CONSUMERS) {
      expect([...(keyUse.get(consumer.entry) ?? [])].sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    }
  });
});
