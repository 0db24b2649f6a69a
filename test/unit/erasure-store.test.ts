import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from '@jest/globals';
import { DynamoDbErasureStore } from '../../shared/adapters/dynamodb/erasure-store.js';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/suppression-store.js';

const dynamo = mockClient(DynamoDBClient);
const client = new DynamoDBClient({ region: 'us-east-1' });
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });

afterEach(() => {
  dynamo.reset();
});

describe('DynamoDbErasureStore', () => {
  it('reads the whole partition by its key, strongly consistent, page by page', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [marshall({ pk: 'CONTACT#c1', sk: 'PROFILE' })], LastEvaluatedKey: marshall({ pk: 'x', sk: 'y' }) })
      .resolvesOnce({ Items: [marshall({ pk: 'CONTACT#c1', sk: 'INQUIRY#i1' })] });

    const items = await new DynamoDbErasureStore('table', client).partition('c1');

    expect(items.map((item) => item.sk)).toEqual(['PROFILE', 'INQUIRY#i1']);
    const first = dynamo.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(first).toMatchObject({ KeyConditionExpression: 'pk = :pk', ConsistentRead: true });
    expect(first?.ExpressionAttributeValues).toEqual(marshall({ ':pk': 'CONTACT#c1' }));
  });

  it('deletes a lookup only while it points at the contact, and takes a lost condition as done', async () => {
    dynamo.on(DeleteItemCommand).rejects(conditionFailed());

    await new DynamoDbErasureStore('table', client).deleteLookup('email', 'hash', 'c1');

    expect(dynamo.commandCalls(DeleteItemCommand)[0]?.args[0].input).toMatchObject({
      Key: marshall({ pk: 'LOOKUP#email#hash', sk: 'LOOKUP' }),
      ConditionExpression: 'contactId = :contactId',
      ExpressionAttributeValues: marshall({ ':contactId': 'c1' }),
    });
  });

  it('removes an address from a profile that still exists, and never creates one', async () => {
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());

    await new DynamoDbErasureStore('table', client).removeAttributes('c1', 'PROFILE', ['phone', 'pref_sms_newsletter']);

    expect(dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input).toMatchObject({
      UpdateExpression: 'REMOVE #a0, #a1',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#a0': 'phone', '#a1': 'pref_sms_newsletter' },
    });
  });
});

describe('DynamoDbSuppressionStore', () => {
  it('lets a bounce or a later erasure replace an erasure tombstone, and nothing replace a bounce', async () => {
    dynamo.on(PutItemCommand).resolves({});

    await new DynamoDbSuppressionStore('table', client).suppress('email', 'hash', 'hard_bounce', '2026-01-01T00:00:00.000Z');

    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk) OR reason = :erasure',
      ExpressionAttributeValues: marshall({ ':erasure': 'erasure' }),
    });
  });
});
