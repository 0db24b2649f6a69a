import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { DynamoDBRecord, SNSEventRecord, SQSRecord } from 'aws-lambda';
import { lambdaContext } from '../../local/lambda-context.js';
import { loggableError } from '../../shared/domain/masking.js';
import {
  BatchFailedError,
  EventFailedError,
  notificationHandler,
  queueHandler,
  scheduledHandler,
  streamHandler,
} from '../../shared/events/handler.js';
import { logger } from '../../shared/logger.js';

const ADDRESS = 'jane.doe@example.com';

/** A provider-style failure whose message and cause both quote an address. */
function providerFailure(): Error {
  const refusal = new Error(`Address blacklisted: ${ADDRESS}`);
  refusal.name = 'MessageRejected';
  const failure = new Error(`Sending to ${ADDRESS} failed`, { cause: refusal });
  failure.name = 'SendFailedError';
  return failure;
}

function streamRecord(sequenceNumber: string, sk: string): DynamoDBRecord {
  return {
    eventID: `event-${sequenceNumber}`,
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: sequenceNumber, Keys: { pk: { S: 'CONTACT#c1' }, sk: { S: sk } } },
  };
}

function queueRecord(messageId: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: '{}',
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:test',
    awsRegion: 'us-east-1',
  };
}

function snsRecord(messageId: string): SNSEventRecord {
  return {
    EventVersion: '1.0',
    EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:test:sub',
    EventSource: 'aws:sns',
    Sns: {
      SignatureVersion: '1',
      Timestamp: '2026-03-10T17:00:00Z',
      Signature: '',
      SigningCertUrl: '',
      MessageId: messageId,
      Message: '{}',
      MessageAttributes: {},
      Type: 'Notification',
      UnsubscribeUrl: '',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:test',
      Subject: '',
    },
  };
}

/** Everything a set of log calls wrote, as one string, to look for what must not be there. */
const written = (calls: unknown[][]) => JSON.stringify(calls);

describe('the event handler wrapper', () => {
  let warn: ReturnType<typeof jest.spyOn>;
  let error: ReturnType<typeof jest.spyOn>;

  beforeEach(() => {
    warn = jest.spyOn(logger, 'warn');
    error = jest.spyOn(logger, 'error');
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('streamHandler', () => {
    it('reports only the failed record, by its sequence number', async () => {
      // Arrange
      const handler = streamHandler(async (record) => {
        if (record.dynamodb?.SequenceNumber === '2') throw providerFailure();
      });
      // Act
      const response = await handler(
        { Records: [streamRecord('1', 'INQUIRY#a'), streamRecord('2', 'INQUIRY#b'), streamRecord('3', 'INQUIRY#c')] },
        lambdaContext('test-stream'),
      );
      // Assert
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
    });

    it("logs a failed record's keys and its error with the cause chain, every message redacted", async () => {
      // Arrange
      const handler = streamHandler(
        async () => {
          throw providerFailure();
        },
        { failureMessage: 'Outbox record failed' },
      );
      // Act
      await handler({ Records: [streamRecord('1', 'INQUIRY#a'), streamRecord('2', 'INQUIRY#b')] }, lambdaContext('t')).catch(
        () => undefined,
      );
      // Assert
      expect(warn).toHaveBeenCalledWith('Outbox record failed', {
        pk: 'CONTACT#c1',
        sk: 'INQUIRY#a',
        sequenceNumber: '1',
        error: {
          name: 'SendFailedError',
          message: 'Sending to j***@example.com failed',
          cause: { name: 'MessageRejected', message: 'Address blacklisted: j***@example.com' },
        },
      });
      expect(written(warn.mock.calls)).not.toContain(ADDRESS);
    });

    it('fails a batch whose every record failed with an error that quotes no address', async () => {
      // Arrange
      const handler = streamHandler(async () => {
        throw providerFailure();
      });
      // Act
      const outcome = handler({ Records: [streamRecord('1', 'INQUIRY#a'), streamRecord('2', 'INQUIRY#b')] }, lambdaContext('t'));
      // Assert: the runtime logs a thrown error with its enumerable properties, so none may hold the address.
      const thrown = await outcome.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(thrown).toBeInstanceOf(BatchFailedError);
      expect(JSON.stringify(thrown, Object.getOwnPropertyNames(thrown))).not.toContain(ADDRESS);
      expect(written(error.mock.calls)).not.toContain(ADDRESS);
    });
  });

  describe('queueHandler', () => {
    it('reports the failed message by its id and adds the fields the consumer names', async () => {
      // Arrange
      const handler = queueHandler(
        async (record) => {
          if (record.messageId === 'm2') throw providerFailure();
        },
        { failureMessage: 'Campaign work failed', logFields: () => ({ campaignId: 'camp-1' }) },
      );
      // Act
      const response = await handler({ Records: [queueRecord('m1'), queueRecord('m2')] }, lambdaContext('t'));
      // Assert
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
      expect(warn).toHaveBeenCalledWith('Campaign work failed', {
        messageId: 'm2',
        campaignId: 'camp-1',
        error: loggableError(providerFailure()),
      });
    });
  });

  describe('the invocation context', () => {
    it('reaches each record, so that work can see the time left before the timeout', async () => {
      // Arrange
      const seen: number[] = [];
      const handler = queueHandler(async (_record, context) => {
        seen.push(context.getRemainingTimeInMillis());
      });
      // Act
      await handler({ Records: [queueRecord('m1')] }, lambdaContext('t', 5_000));
      // Assert
      expect(seen).toHaveLength(1);
      expect(seen[0]).toBeLessThanOrEqual(5_000);
      expect(seen[0]).toBeGreaterThan(0);
    });
  });

  describe('notificationHandler', () => {
    it('fails the delivery, so that Lambda retries it, with a redacted error logged once', async () => {
      // Arrange
      const handler = notificationHandler(async () => {
        throw providerFailure();
      });
      // Act
      const thrown = await handler({ Records: [snsRecord('sns-1')] }, lambdaContext('t')).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      // Assert
      expect(thrown).toBeInstanceOf(EventFailedError);
      expect((thrown as Error).message).toBe('SendFailedError: Sending to j***@example.com failed');
      expect(JSON.stringify(thrown, Object.getOwnPropertyNames(thrown))).not.toContain(ADDRESS);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]?.[1]).toMatchObject({ snsMessageId: 'sns-1' });
      expect(error).not.toHaveBeenCalled();
    });
  });

  describe('scheduledHandler', () => {
    it('returns what the job returns', async () => {
      // Arrange
      const handler = scheduledHandler(async () => ({ checked: 2 }));
      // Act
      const result = await handler({} as Parameters<typeof handler>[0], lambdaContext('t'));
      // Assert
      expect(result).toEqual({ checked: 2 });
    });

    it('logs a failed run redacted, with its cause, and rethrows it redacted', async () => {
      // Arrange
      const handler = scheduledHandler(async () => {
        throw providerFailure();
      });
      // Act
      const thrown = await handler({} as Parameters<typeof handler>[0], lambdaContext('t')).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      // Assert
      expect(thrown).toBeInstanceOf(EventFailedError);
      expect(error).toHaveBeenCalledWith('Event failed', { error: loggableError(providerFailure()) });
      expect(written(error.mock.calls)).not.toContain(ADDRESS);
    });
  });
});

describe('loggableError', () => {
  it('keeps the cause chain, each message redacted', () => {
    // Arrange
    const root = new Error('call +1 202 555 0143 failed');
    const middle = new Error('DynamoDB write failed', { cause: root });
    const outer = new Error(`Follow-up to ${ADDRESS} failed`, { cause: middle });
    // Act
    const logged = loggableError(outer);
    // Assert
    expect(logged).toEqual({
      name: 'Error',
      message: 'Follow-up to j***@example.com failed',
      cause: { name: 'Error', message: 'DynamoDB write failed', cause: { name: 'Error', message: 'call +1******0143 failed' } },
    });
  });

  it('redacts a cause that is not an Error', () => {
    // Act
    const logged = loggableError(new Error('failed', { cause: `refused ${ADDRESS}` }));
    // Assert
    expect(logged.cause).toEqual({ name: 'NonError', message: 'refused j***@example.com' });
  });

  it('ends a cyclic cause chain instead of following it forever', () => {
    // Arrange
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    // Act
    const logged = JSON.stringify(loggableError(a));
    // Assert
    expect(logged).toContain('CauseChainTruncated');
  });
});
