import { BatchProcessor, EventType, FullBatchFailureError, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SNSEvent,
  SNSEventRecord,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
  ScheduledEvent,
} from 'aws-lambda';
import { loggableError } from '../domain/masking.js';
import { lambdaLogContext, logger } from '../logger.js';

/** Named fields that identify a record in a log line: ids and keys, never the record's content. */
export type LogFields = Record<string, unknown>;

/** How a handler names its failures in the log. */
export interface RecordOptions<R> {
  /** The failed-record log message; one per consumer keeps a metric filter or a search simple. */
  failureMessage?: string;
  /** Fields naming a failed record beyond what the wrapper takes from the event source itself. */
  logFields?: (record: R) => LogFields;
}

/**
 * Every record of a batch failed. It replaces Powertools' `FullBatchFailureError`, whose
 * `recordErrors` the Lambda runtime would log whole, unredacted provider messages included; each
 * failure has already been logged, redacted, as it happened. The batch still fails, so Lambda
 * retries it (bisecting a stream batch) as it would have.
 */
export class BatchFailedError extends Error {
  constructor(recordCount: number) {
    super(`All ${recordCount} records of the batch failed; each failure is logged above, redacted`);
    this.name = 'BatchFailedError';
  }
}

/**
 * An event failed as a whole (an SNS delivery, a scheduled run). The runtime logs what a handler
 * throws, with every enumerable property, so the original error is not carried, not even as its
 * `cause`: this one holds only the redacted name and message, and the log line before it holds
 * the redacted cause chain.
 */
export class EventFailedError extends Error {
  constructor(error: unknown) {
    const redacted = loggableError(error);
    super(`${redacted.name}: ${redacted.message}`);
    this.name = 'EventFailedError';
  }
}

/** Errors a record wrapper has logged already, so that the invocation's failure is not logged twice. */
const alreadyLogged = new WeakSet<object>();

/**
 * The middleware that keeps unredacted errors out of the runtime's log: a failure that ends the
 * invocation is logged redacted, with its cause chain, and rethrown as one of the errors above.
 */
function redactedFailures<E, R>(): MiddlewareObj<E, R, Error, Context> {
  return {
    onError: (request) => {
      const { error } = request;
      if (!error || error instanceof BatchFailedError || error instanceof EventFailedError) return;
      if (error instanceof FullBatchFailureError) {
        request.error = new BatchFailedError(error.recordErrors.length);
        return;
      }
      if (!alreadyLogged.has(error)) logger.error('Event failed', { error: loggableError(error) });
      request.error = new EventFailedError(error);
    },
  };
}

/** The stack every event handler shares: logger context first, then the redaction of failures. */
function eventStack<E, R>() {
  return middy<E, R, Error, Context>().use(lambdaLogContext<E, R>()).use(redactedFailures<E, R>());
}

/**
 * Processes one record. The invocation's context comes along, so that work can see the time left
 * (`getRemainingTimeInMillis`) and hand the rest back before the timeout.
 */
export type RecordProcessor<R> = (record: R, context: Context) => Promise<void>;

/** Runs one record, logging a failure (redacted, with its cause chain) before it is reported. */
function loggingFailures<R>(
  processRecord: RecordProcessor<R>,
  sourceFields: (record: R) => LogFields,
  options: RecordOptions<R>,
): RecordProcessor<R> {
  return async (record, context) => {
    try {
      await processRecord(record, context);
    } catch (error) {
      logger.warn(options.failureMessage ?? 'Record failed', {
        ...sourceFields(record),
        ...options.logFields?.(record),
        error: loggableError(error),
      });
      if (error !== null && typeof error === 'object') alreadyLogged.add(error);
      throw error;
    }
  };
}

/** A stream record's keys (no item in this table holds a raw address in its key) and position. */
function streamRecordFields(record: DynamoDBRecord): LogFields {
  const keys = record.dynamodb?.Keys;
  return { pk: keys?.pk?.S, sk: keys?.sk?.S, sequenceNumber: record.dynamodb?.SequenceNumber };
}

/**
 * A DynamoDB stream consumer. Each record runs through `processRecord`; one that throws is
 * logged and reported as a partial batch failure, so that Lambda retries from it (bisecting the
 * batch, as the event source mapping declares) and what keeps failing reaches the DLQ.
 */
export function streamHandler(processRecord: RecordProcessor<DynamoDBRecord>, options: RecordOptions<DynamoDBRecord> = {}) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const run = loggingFailures(processRecord, streamRecordFields, options);
  return eventStack<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler((event, context) =>
    processPartialResponse(event, run, processor, { context }),
  );
}

/**
 * An SQS consumer. One message is one unit of work; a failed one is logged and reported on its
 * own (partial batch response), and SQS redelivers it, then dead-letters it.
 */
export function queueHandler(processRecord: RecordProcessor<SQSRecord>, options: RecordOptions<SQSRecord> = {}) {
  const processor = new BatchProcessor(EventType.SQS);
  const run = loggingFailures(processRecord, (record) => ({ messageId: record.messageId }), options);
  return eventStack<SQSEvent, SQSBatchResponse>().handler((event, context) =>
    processPartialResponse(event, run, processor, { context }),
  );
}

/**
 * An SNS subscriber. SNS has no partial batch response (it delivers one record per invocation),
 * so a failure fails the invocation: Lambda retries the asynchronous delivery, then sends it to
 * the DLQ.
 */
export function notificationHandler(processRecord: RecordProcessor<SNSEventRecord>, options: RecordOptions<SNSEventRecord> = {}) {
  const run = loggingFailures(processRecord, (record) => ({ snsMessageId: record.Sns.MessageId }), options);
  return eventStack<SNSEvent, void>().handler(async (event, context) => {
    for (const record of event.Records) await run(record, context);
  });
}

/** A scheduled job (EventBridge in AWS, `POST /_local/jobs/{name}` locally); a failure fails the run. */
export function scheduledHandler<T>(run: (event: ScheduledEvent) => Promise<T>) {
  return eventStack<ScheduledEvent, T>().handler((event) => run(event));
}

/**
 * An SQS consumer that handles a batch as a whole (an aggregation: one write covers many
 * messages, so no single message can fail alone). A failure fails the invocation: SQS redelivers
 * the whole batch, then dead-letters what keeps failing.
 */
export function wholeBatchQueueHandler(processBatch: (records: readonly SQSRecord[], context: Context) => Promise<void>) {
  return eventStack<SQSEvent, SQSBatchResponse>().handler(async (event, context) => {
    await processBatch(event.Records, context);
    return { batchItemFailures: [] };
  });
}
