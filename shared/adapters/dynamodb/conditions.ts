import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** True when a write lost its condition; with `ReturnValuesOnConditionCheckFailure` it carries the winner. */
export function isConditionFailed(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof ConditionalCheckFailedException;
}
