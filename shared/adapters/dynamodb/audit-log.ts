import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AuditEntry } from '../../domain/audit.js';
import type { AuditLog } from '../../ports/audit-log.js';
import { dynamoDbClient } from './client.js';
import { keys } from './keys.js';

/** DynamoDB's BatchWriteItem limit. */
const BATCH_WRITE_LIMIT = 25;

/** Audit entries under each contact, and by actor through gsi1. */
export class DynamoDbAuditLog implements AuditLog {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async record(entries: readonly AuditEntry[]): Promise<void> {
    for (let start = 0; start < entries.length; start += BATCH_WRITE_LIMIT) {
      let pending: WriteRequest[] = entries.slice(start, start + BATCH_WRITE_LIMIT).map((entry) => ({
        PutRequest: {
          Item: marshall(
            {
              ...keys.audit(entry.contactId, entry.at, entry.requestId),
              gsi1pk: keys.auditByActor(entry.actor),
              gsi1sk: `${entry.at}#${entry.contactId}`,
              entity: 'audit',
              ...entry,
            },
            { removeUndefinedValues: true },
          ),
        },
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
