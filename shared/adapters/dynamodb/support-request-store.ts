import { QueryCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { SupportRequestRecord, SupportStatus } from '../../domain/support/support-request.js';
import type { SupportRequestReads, SupportRequestStore, SupportRequestSummary } from '../../ports/support-requests.js';
import { SUPPORT_REQUEST_ENTITY } from '../../table.js';
import { dynamoDbClient } from './client.js';
import { holderUpdate } from './holder-update.js';
import { keys } from './keys.js';
import { flagsOf, submittedOf, text } from './support-request-items.js';

const toItem = (value: Record<string, unknown>) => marshall(value, { removeUndefinedValues: true });

/**
 * The update of one contact that holds an address the request names: the address it holds (after
 * a crash between claim and save) and, for a contact this request created, the form's name.
 */
function supportHolderUpdate(tableName: string, record: SupportRequestRecord, holderId: string): TransactWriteItem {
  return holderUpdate(tableName, {
    holderId,
    at: record.receivedAt,
    fillIfMissing: {
      email: record.holders.email === holderId ? record.submitted.email : undefined,
      phone: record.holders.sms === holderId ? record.submitted.phone : undefined,
      name: record.newContactId === holderId ? record.submitted.name : undefined,
    },
  });
}

/** The support request item: under its contact, and on gsi1 by status for the staff list. */
function supportRequestPut(tableName: string, record: SupportRequestRecord): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: toItem({
        ...keys.supportRequest(record.contactId, record.ticketId),
        gsi1pk: keys.supportRequestsByStatus(record.status),
        gsi1sk: `${record.receivedAt}#${record.ticketId}`,
        entity: SUPPORT_REQUEST_ENTITY,
        ticketId: record.ticketId,
        contactId: record.contactId,
        subject: record.subject,
        message: record.message,
        submitted: record.submitted,
        receivedAt: record.receivedAt,
        status: record.status,
        flags: record.flags,
        holders: record.holders,
        clientKey: record.clientKey,
      }),
      // A ticket id is random; a collision is refused rather than overwriting another request.
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Stores support requests in the single table. */
export class DynamoDbSupportRequestStore implements SupportRequestStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async saveSupportRequest(record: SupportRequestRecord): Promise<void> {
    await this.client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          supportRequestPut(this.tableName, record),
          ...[...new Set(Object.values(record.holders))].map((holderId) => supportHolderUpdate(this.tableName, record, holderId)),
        ],
      }),
    );
  }
}

/** Staff reads of support requests: by status through gsi1, newest first. */
export class DynamoDbSupportRequestReads implements SupportRequestReads {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async supportRequestsByStatus(status: SupportStatus, limit: number): Promise<SupportRequestSummary[]> {
    const found: SupportRequestSummary[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :status',
          ExpressionAttributeValues: marshall({ ':status': keys.supportRequestsByStatus(status) }),
          ScanIndexForward: false,
          Limit: limit - found.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const raw of page.Items ?? []) {
        const item = unmarshall(raw);
        found.push({
          ticketId: String(item.ticketId),
          contactId: String(item.contactId),
          subject: text(item.subject) ?? '',
          message: text(item.message) ?? '',
          submitted: submittedOf(item.submitted),
          receivedAt: text(item.receivedAt) ?? '',
          status,
          flags: flagsOf(item.flags),
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && found.length < limit);
    return found;
  }
}
