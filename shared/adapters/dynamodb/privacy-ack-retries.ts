import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AcknowledgementRetries, AcknowledgementRetry } from '../../ports/privacy-requests.js';
import { dynamoDbClient } from './client.js';
import { isConditionFailed } from './conditions.js';
import { keys } from './keys.js';
import { PRIVACY_TASK_ENTITY, TASK_TTL_SECONDS } from './privacy-request-reads.js';

/**
 * Acknowledgement retries as privacy tasks (`PRIVACY_ACK_RETRY#<emailKey>`/`TASK#<day>`): the
 * privacy outbox sends them like any acknowledgement task. The conditional put makes the retry
 * once per address per day, however often the daily job runs.
 */
export class DynamoDbAcknowledgementRetries implements AcknowledgementRetries {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async queue(retry: AcknowledgementRetry): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({
            ...keys.privacyAckRetry(retry.emailKey, retry.day),
            entity: PRIVACY_TASK_ENTITY,
            requestId: retry.requestId,
            kind: 'acknowledgement',
            at: retry.at,
            dedupeKey: `privacy#ack-retry#${retry.emailKey}#${retry.day}`,
            expiresAt: Math.floor(Date.parse(retry.at) / 1000) + TASK_TTL_SECONDS,
          }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }
}
