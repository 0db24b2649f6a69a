import { beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient, TransactWriteItemsCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbSendLimits } from '../../shared/adapters/dynamodb/send-limits.js';

const AT = new Date('2026-05-01T16:00:00.000Z');
const SLOT = { name: 'ack_ip#k', limit: 20, windowSeconds: 3600 };
const ONLY = { name: 'acknowledgement#m', windowSeconds: 3600 };

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('DynamoDbSendLimits.takeSlotAndOnly', () => {
  const dynamo = mockClient(DynamoDBClient);
  const limits = () => new DynamoDbSendLimits('table', new DynamoDBClient({ region: 'us-east-1' }));

  beforeEach(() => {
    dynamo.reset();
  });

  it('takes the IP slot and the mailbox slot in one transaction, each under its own condition', async () => {
    dynamo.on(TransactWriteItemsCommand).resolves({});

    expect(await limits().takeSlotAndOnly(SLOT, ONLY, 'inquiry#i1#acknowledgement', AT)).toBe(true);

    const calls = dynamo.commandCalls(TransactWriteItemsCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]?.args[0].input.TransactItems ?? [];
    expect(items.map((item) => unmarshall(item.Update?.Key ?? {}).pk)).toEqual([
      expect.stringContaining('ack_ip#k#'),
      expect.stringContaining('acknowledgement#m'),
    ]);
    expect(items.every((item) => item.Update?.ConditionExpression)).toBe(true);
  });

  it('takes neither when either cap is full', async () => {
    dynamo
      .on(TransactWriteItemsCommand)
      .rejectsOnce(cancelled(['ConditionalCheckFailed', 'None']))
      .rejectsOnce(cancelled(['None', 'ConditionalCheckFailed']));

    expect(await limits().takeSlotAndOnly(SLOT, ONLY, 'd', AT)).toBe(false);
    expect(await limits().takeSlotAndOnly(SLOT, ONLY, 'd', AT)).toBe(false);
  });

  it('fails on a conflict with another write, so the follow-up is retried rather than skipped', async () => {
    dynamo.on(TransactWriteItemsCommand).rejects(cancelled(['TransactionConflict', 'None']));

    await expect(limits().takeSlotAndOnly(SLOT, ONLY, 'd', AT)).rejects.toBeInstanceOf(TransactionCanceledException);
  });
});
