import type { SNSEventRecord } from 'aws-lambda';
import type * as z from 'zod/mini';

/**
 * The JSON message of an SNS notification, checked against a schema; undefined when it is not
 * JSON or not of that shape (such a message is logged and dropped, never retried).
 */
export function snsMessage<S extends z.ZodMiniType>(record: SNSEventRecord, schema: S): z.output<S> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(record.Sns.Message);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
