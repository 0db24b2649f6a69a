import { BatchGetItemCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from '@jest/globals';
import { DynamoDbRecipientDirectory } from '../../shared/adapters/dynamodb/recipient-directory.js';
import { keys } from '../../shared/adapters/dynamodb/keys.js';
import { addressKey } from '../../shared/domain/address-key.js';
import { fixedSecrets } from '../fixtures/in-memory.js';

const dynamo = mockClient(DynamoDBClient);
const secrets = fixedSecrets();
const salt = secrets.secrets.addressSalt;
const directory = new DynamoDbRecipientDirectory('forecourt', secrets, new DynamoDBClient({ region: 'us-east-1' }));
const contact = { ...keys.contact('c-1'), email: 'jane@example.com', pref_email_newsletter: true };
const suppression = keys.suppression('email', addressKey(salt, 'email', 'jane@example.com'));

afterEach(() => {
  dynamo.reset();
});

describe('DynamoDbRecipientDirectory.recipientForSend', () => {
  it('reads the recipient and the suppression of the address it holds in one BatchGetItem', async () => {
    // Arrange
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { forecourt: [marshall(contact), marshall(suppression)] } });
    // Act
    const read = await directory.recipientForSend('c-1', 'email', 'jane@example.com');
    // Assert
    expect(read.recipient?.email).toBe('jane@example.com');
    expect(read.status).toEqual({ suppressed: true, stopped: false });
    expect(dynamo.commandCalls(BatchGetItemCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(GetItemCommand)).toHaveLength(0);
    const [call] = dynamo.commandCalls(BatchGetItemCommand);
    expect(call?.args[0].input.RequestItems?.forecourt?.ConsistentRead).toBe(true);
  });

  it('gives no status when the contact holds another address than the one expected', async () => {
    // Arrange: the form said jane@, the contact holds joan@
    dynamo
      .on(BatchGetItemCommand)
      .resolves({ Responses: { forecourt: [marshall({ ...contact, email: 'joan@example.com' }), marshall(suppression)] } });
    // Act
    const read = await directory.recipientForSend('c-1', 'email', 'jane@example.com');
    // Assert: jane@'s suppression says nothing about joan@
    expect(read.recipient?.email).toBe('joan@example.com');
    expect(read.status).toBeUndefined();
  });

  it('reads again the keys DynamoDB leaves unprocessed, so an unread suppression never reads as none', async () => {
    // Arrange
    dynamo
      .on(BatchGetItemCommand)
      .resolvesOnce({
        Responses: { forecourt: [marshall(contact)] },
        UnprocessedKeys: { forecourt: { Keys: [marshall(suppression)] } },
      })
      .resolves({ Responses: { forecourt: [marshall(suppression)] } });
    // Act
    const read = await directory.recipientForSend('c-1', 'email', 'jane@example.com');
    // Assert
    expect(read.status).toEqual({ suppressed: true, stopped: false });
    expect(dynamo.commandCalls(BatchGetItemCommand)).toHaveLength(2);
  });
});
