import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ANALYTICS_QUEUE_EVENT_SOURCE, QUEUE_EVENT_SOURCE, STREAM_EVENT_SOURCE } from '../../shared/event-sources.js';
import { functionName } from '../../shared/routes.js';
import type {
  QueueName,
  QueueConsumer,
  ScheduledJob,
  StreamConsumer,
  StreamFilter,
  TopicSubscriber,
} from '../../shared/routes.js';
import { SENDER_CONCURRENCY } from '../config.js';
import type { DataKeyAction } from './forecourt-function.js';

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

/** A function fed by an event source, and its use of the data key that encrypts the sources. */
export interface ConsumerFunction {
  readonly function: lambda.Function;
  useDataKey(...actions: DataKeyAction[]): void;
}

export interface EventSourcesProps {
  /** The function of a route-table entry. */
  functionOf: (entry: string) => ConsumerFunction;
  topicSubscribers: readonly TopicSubscriber[];
  topics: Record<TopicSubscriber['publisher'], sns.ITopic>;
  scheduledJobs: readonly ScheduledJob[];
  queueConsumers: readonly QueueConsumer[];
  /** Every work queue: the campaign queues and the analytics queue. */
  campaignQueues: Record<QueueName, sqs.IQueue>;
  streamConsumers: readonly StreamConsumer[];
  /** The table whose stream feeds the stream consumers. */
  table: dynamodb.ITableV2;
  /** Where stream records that kept failing go. */
  outboxDeadLetters: sqs.IQueue;
  /** Where asynchronous invocations (SNS, EventBridge) that kept failing go. */
  asyncDeadLetters: sqs.IQueue;
  /** Where campaign work that kept failing goes (the campaign queues' redrive target). */
  campaignDeadLetters: sqs.IQueue;
  /** Where beacon counts that kept failing go (the analytics queue's redrive target). */
  analyticsDeadLetters: sqs.IQueue;
  alarmAction: cloudwatch.IAlarmAction;
}

/**
 * Everything that calls a function other than HTTP: SNS subscriptions, schedules, the campaign
 * queues and the table's stream, each as the route table declares it, with the alarms on their
 * failures (each dead-letter queue, each stream consumer falling behind).
 */
export class EventSources extends Construct {
  constructor(scope: Construct, id: string, props: EventSourcesProps) {
    super(scope, id);
    const { functionOf, alarmAction } = props;

    // Inbound SMS and SES events: the functions retry twice, then dead-letter.
    for (const subscriber of props.topicSubscribers) {
      props.topics[subscriber.publisher].addSubscription(
        new subscriptions.LambdaSubscription(functionOf(subscriber.entry).function, {
          deadLetterQueue: props.asyncDeadLetters,
        }),
      );
    }
    for (const job of props.scheduledJobs) {
      new events.Rule(this, `${functionName(job.entry)}Schedule`, {
        description: `Forecourt scheduled job ${job.name}`,
        schedule: events.Schedule.expression(job.schedule),
        targets: [
          new targets.LambdaFunction(functionOf(job.entry).function, {
            retryAttempts: 2,
            deadLetterQueue: props.asyncDeadLetters,
          }),
        ],
      });
    }
    for (const consumer of props.queueConsumers) {
      const fn = functionOf(consumer.entry);
      fn.function.addEventSource(
        new eventSources.SqsEventSource(
          props.campaignQueues[consumer.queue],
          consumer.queue === 'analytics'
            ? {
                // A whole batch is one aggregation: it succeeds or fails as one.
                batchSize: ANALYTICS_QUEUE_EVENT_SOURCE.batchSize,
                maxBatchingWindow: Duration.seconds(ANALYTICS_QUEUE_EVENT_SOURCE.maxBatchingWindowSeconds),
              }
            : {
                batchSize: QUEUE_EVENT_SOURCE.batchSize,
                reportBatchItemFailures: true,
                // With the pacing in each sender, this caps the account's SES rate (SPEC §4).
                maxConcurrency: SENDER_CONCURRENCY,
              },
        ),
      );
      // Lambda's poller reads the encrypted queue with the function's role.
      fn.useDataKey('kms:Decrypt');
    }
    for (const consumer of props.streamConsumers) {
      const fn = functionOf(consumer.entry);
      fn.function.addEventSource(
        new eventSources.DynamoEventSource(props.table, {
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: STREAM_EVENT_SOURCE.batchSize,
          parallelizationFactor: STREAM_EVENT_SOURCE.parallelizationFactor,
          bisectBatchOnError: STREAM_EVENT_SOURCE.bisectBatchOnError,
          retryAttempts: STREAM_EVENT_SOURCE.retryAttempts,
          maxRecordAge: Duration.seconds(STREAM_EVENT_SOURCE.maxRecordAgeSeconds),
          reportBatchItemFailures: true,
          onFailure: new eventSources.SqsDlq(props.outboxDeadLetters),
          filters: streamFilterCriteria(consumer.filter),
        }),
      );
      // Records that kept failing go to the encrypted outbox dead-letter queue, sent with the function's role.
      fn.useDataKey('kms:GenerateDataKey', 'kms:Decrypt');
      new cloudwatch.Alarm(this, `${functionName(consumer.entry)}IteratorAgeAlarm`, {
        alarmDescription: `The ${consumer.name} stream consumer is falling behind.`,
        metric: fn.function.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
        threshold: Duration.minutes(5).toMilliseconds(),
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(alarmAction);
    }

    // One alarm per dead-letter queue: anything in it is work that kept failing.
    const deadLetterAlarms: [string, sqs.IQueue, string][] = [
      [
        'OutboxDeadLettersAlarm',
        props.outboxDeadLetters,
        'Outbox records that kept failing: messages owed to people were not sent.',
      ],
      [
        'CampaignDeadLettersAlarm',
        props.campaignDeadLetters,
        'Campaign work that kept failing: some recipients of a run were not sent to.',
      ],
      [
        'AnalyticsDeadLettersAlarm',
        props.analyticsDeadLetters,
        'Beacon counts that kept failing: some page views are missing from the analytics.',
      ],
      [
        'AsyncDeadLettersAlarm',
        props.asyncDeadLetters,
        'Inbound SMS, SES events or scheduled jobs that kept failing: opt-outs or suppressions may be missing.',
      ],
    ];
    for (const [alarmId, queue, alarmDescription] of deadLetterAlarms) {
      new cloudwatch.Alarm(this, alarmId, {
        alarmDescription,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(alarmAction);
    }
  }
}
