import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * The one DynamoDB client of a process, created at module scope so that warm invocations reuse
 * its connections. Locally, `AWS_ENDPOINT_URL_DYNAMODB` points it at DynamoDB Local.
 */
export const dynamoDbClient = /* @__PURE__ */ new DynamoDBClient({});
