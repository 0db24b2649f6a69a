import { DeleteItemCommand, GetItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { PrivacyRequest } from '../../domain/privacy/privacy-request.js';
import type { WaitingAcknowledgements } from '../../ports/privacy-requests.js';
import { dynamoDbClient } from './client.js';
import { keys } from './keys.js';
import { requestOfItem, TASK_TTL_SECONDS } from './privacy-request-reads.js';

/** Index entries read per acknowledgement: the waiting ones are few, the rest are pruned as they are read. */
const MAILBOX_ENTRIES_READ = 100;

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * The requests of a mailbox waiting for an acknowledgement, from its index
 * (`PRIVACY_BY_MAILBOX#<mailboxKey>`, one entry per request, written with it), and the list each
 * acknowledgement fixed (`PRIVACY_DIGEST#<dedupeKey>`).
 */
export class DynamoDbWaitingAcknowledgements implements WaitingAcknowledgements {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  private async request(requestId: string): Promise<PrivacyRequest | undefined> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall(keys.privacyRequest(requestId)), ConsistentRead: true }),
    );
    return result.Item ? requestOfItem(unmarshall(result.Item)) : undefined;
  }

  /**
   * Reads the mailbox's index oldest first, then each request; entries of requests that no longer
   * wait (acknowledged, verified, closed, not held, expired) are deleted as they are met, so the
   * index holds little more than the requests still waiting.
   */
  async awaitingAcknowledgement(mailboxKey: string, limit: number): Promise<PrivacyRequest[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: marshall({ ':pk': keys.privacyMailboxPartition(mailboxKey) }),
        ScanIndexForward: true,
        Limit: MAILBOX_ENTRIES_READ,
        ConsistentRead: true,
      }),
    );
    const entries = (page.Items ?? []).map((item) => unmarshall(item) as { pk: string; sk: string; requestId: string });
    const requests = await Promise.all(entries.map((entry) => this.request(entry.requestId)));
    const waiting: PrivacyRequest[] = [];
    const stale: { pk: string; sk: string }[] = [];
    entries.forEach((entry, index) => {
      const request = requests[index];
      if (request && request.status === 'pending_verification' && !request.acknowledgedAt) waiting.push(request);
      else stale.push({ pk: entry.pk, sk: entry.sk });
    });
    await Promise.all(
      stale.map((key) => this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: marshall(key) }))),
    );
    return waiting.slice(0, limit);
  }

  async fixDigest(dedupeKey: string, requestIds: readonly string[], at: string): Promise<string[]> {
    const result = await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(keys.privacyDigest(dedupeKey)),
        UpdateExpression: 'SET requestIds = if_not_exists(requestIds, :ids), entity = :entity, expiresAt = :expiresAt',
        ExpressionAttributeValues: marshall({
          ':ids': [...requestIds],
          ':entity': 'privacy_digest',
          ':expiresAt': seconds(at) + TASK_TTL_SECONDS,
        }),
        ReturnValues: 'ALL_NEW',
      }),
    );
    const stored = result.Attributes ? unmarshall(result.Attributes).requestIds : undefined;
    return Array.isArray(stored) ? stored.map(String) : [...requestIds];
  }
}
