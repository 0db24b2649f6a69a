import { BatchWriteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, TransactWriteItem, WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AuditEntry } from '../../domain/audit.js';
import type { AuditLog } from '../../ports/audit-log.js';
import type { AuditPage, AuditTrail } from '../../ports/audit-trail.js';
import { dynamoDbClient } from './client.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { keys } from './keys.js';

/** DynamoDB's BatchWriteItem limit. */
const BATCH_WRITE_LIMIT = 25;

/** The item of one audit entry: under its contact, and by actor through gsi1. */
export function auditItem(entry: AuditEntry): Record<string, unknown> {
  return {
    ...keys.audit(entry.contactId, entry.at, entry.requestId),
    gsi1pk: keys.auditByActor(entry.actor),
    gsi1sk: `${entry.at}#${entry.contactId}`,
    entity: 'audit',
    ...entry,
  };
}

/** An audit entry as one item of a transaction that also makes the change it records; it never overwrites. */
export function auditEntryPut(tableName: string, entry: AuditEntry): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: marshall(auditItem(entry), { removeUndefinedValues: true }),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** An audit entry as an audit item holds it. */
function entryOf(item: Record<string, unknown>): AuditEntry {
  const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, entity: _entity, ...entry } = item;
  return entry as unknown as AuditEntry;
}

/** Audit entries under each contact, and by actor through gsi1. */
export class DynamoDbAuditLog implements AuditLog {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async record(entries: readonly AuditEntry[]): Promise<void> {
    for (let start = 0; start < entries.length; start += BATCH_WRITE_LIMIT) {
      let pending: WriteRequest[] = entries.slice(start, start + BATCH_WRITE_LIMIT).map((entry) => ({
        PutRequest: { Item: marshall(auditItem(entry), { removeUndefinedValues: true }) },
      }));
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 25));
        if (attempt > 8) throw new Error('Audit entries stayed unprocessed');
        const result = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }));
        pending = result.UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }
}

/** Reading the audit trail back: a class of its own, so that a function that only reads is never granted the write. */
export class DynamoDbAuditTrail implements AuditTrail {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async byContact(contactId: string, limit: number, cursor?: string): Promise<AuditPage> {
    const pk = keys.audit(contactId, '', '').pk;
    const startKey = decodeCursor(cursor, (key) => key.pk === pk, ['pk', 'sk']);
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: marshall({ ':pk': pk }),
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const cursorOut = encodeCursor(page.LastEvaluatedKey);
    return { entries: (page.Items ?? []).map((item) => entryOf(unmarshall(item))), ...(cursorOut ? { cursor: cursorOut } : {}) };
  }

  async byActor(actor: string, limit: number, cursor?: string): Promise<AuditPage> {
    const gsi1pk = keys.auditByActor(actor);
    const startKey = decodeCursor(cursor, (key) => key.gsi1pk === gsi1pk && key.pk?.startsWith('AUDIT#') === true, [
      'pk',
      'sk',
      'gsi1pk',
      'gsi1sk',
    ]);
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :actor',
        ExpressionAttributeValues: marshall({ ':actor': gsi1pk }),
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const cursorOut = encodeCursor(page.LastEvaluatedKey);
    return { entries: (page.Items ?? []).map((item) => entryOf(unmarshall(item))), ...(cursorOut ? { cursor: cursorOut } : {}) };
  }
}
