import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { InquirySummary, StaffReads, SubmittedDetails } from '../../ports/staff-reads.js';
import { dynamoDbClient } from './client.js';
import { keys } from './keys.js';

/** The personal fields an inquiry item's `submitted` map carried, and nothing else it may hold. */
function submittedDetails(value: unknown): SubmittedDetails {
  const submitted = (value ?? {}) as Record<string, unknown>;
  const details: SubmittedDetails = {};
  for (const field of ['name', 'email', 'phone', 'companyName', 'dealershipType'] as const) {
    const text = submitted[field];
    if (typeof text === 'string') details[field] = text;
  }
  return details;
}

/** Admin reads over the table: inquiries by day through gsi1, contacts by id. */
export class DynamoDbStaffReads implements StaffReads {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async inquiriesByDays(days: readonly string[], limit: number): Promise<InquirySummary[]> {
    const inquiries: InquirySummary[] = [];
    for (const day of days) {
      let startKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :day',
            ExpressionAttributeValues: marshall({ ':day': keys.inquiriesByDay(day) }),
            ScanIndexForward: false,
            Limit: limit - inquiries.length,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const { inquiryId, contactId, topic, message, pageUrl, submitted, visit } = unmarshall(item);
          inquiries.push({ inquiryId, contactId, topic, message, pageUrl, submitted: submittedDetails(submitted), visit });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey && inquiries.length < limit);
      if (inquiries.length >= limit) break;
    }
    return inquiries;
  }
}
