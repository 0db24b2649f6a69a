import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { z } from 'zod';

/**
 * The SPEC §7 reference: an inquiry handler written the common way (middy with its JSON body
 * parser and error handler, zod's classic API, the DynamoDB DocumentClient). Only the bench builds
 * it, as the yardstick for bundle size, cold load and warm overhead.
 */
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));

const inquirySchema = z.object({
  name: z.string().trim().min(1).max(120),
  email: z.string().email().max(254).optional(),
  phone: z.string().max(40).optional(),
  message: z.string().max(5000).optional(),
});

/** The reference over its storage, so that the warm bench can stub it as it stubs the real handler's ports. */
export function createCommonWayHandler(save: (item: Record<string, unknown>) => Promise<unknown>) {
  return middy<APIGatewayProxyEvent & { body: unknown }>()
    .use(httpJsonBodyParser())
    .use(httpErrorHandler())
    .handler(async (event) => {
      const inquiry = inquirySchema.parse(event.body);
      const inquiryId = crypto.randomUUID();
      await save({ pk: inquiryId, sk: 'INQUIRY', ...inquiry });
      return { statusCode: 201, body: JSON.stringify({ inquiryId }) };
    });
}

export const handler = createCommonWayHandler((item) =>
  documentClient.send(new PutCommand({ TableName: process.env.TABLE_NAME, Item: item })),
);
