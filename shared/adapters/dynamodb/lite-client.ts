import { AwsConnectionError, awsJsonCall, errorCode, errorMessage } from '../aws-json-call.js';

/**
 * A DynamoDB attribute value in the service's own JSON shape (`{"S": "…"}`, `{"N": "1"}`, …): the
 * small clients below speak it directly instead of marshalling through the SDK.
 */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { NS: string[] }
  | { SS: string[] }
  | { BOOL: boolean }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { NULL: true };

/** One item as DynamoDB's JSON protocol returns it. */
export type RawItem = Record<string, AttributeValue>;

/**
 * The DynamoDB operations a lite client may call, each written out as its full `X-Amz-Target`
 * literal: `test/infra/bundle-calls.ts` reads these strings from a bundle to derive the calls it
 * makes, as it reads the SDK's command classes.
 */
export type LiteTarget =
  'DynamoDB_20120810.GetItem' | 'DynamoDB_20120810.PutItem' | 'DynamoDB_20120810.UpdateItem' | 'DynamoDB_20120810.Query';

/** DynamoDB refused a call; `code` is its error type without the namespace (`ConditionalCheckFailedException`). */
export class DynamoDbCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(`${code}: ${message}`);
    this.name = 'DynamoDbCallError';
  }
}

/** The calls of a lite client: one JSON request per operation. */
export type LiteDynamoDb = (target: LiteTarget, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** Requests one client keeps in flight at once. */
const MAX_IN_FLIGHT = 4;

const RETRYABLE =
  /ThrottlingException|ProvisionedThroughputExceededException|RequestLimitExceeded|InternalServerError|ServiceUnavailable/;

/**
 * A small DynamoDB client: the JSON protocol over node's HTTP client, signed with SigV4 (`aws4`)
 * from the credentials Lambda puts in the environment. The SDK's DynamoDB client bundles to about
 * 180 KB minified, more than the whole analytics beacon's budget (SPEC §7: 150 KB); this is a few KB.
 * Throttling, 5xx answers and dropped connections are retried three times with jittered backoff,
 * as the SDK would. Locally `AWS_ENDPOINT_URL_DYNAMODB` points it at DynamoDB Local, as it does the SDK.
 */
export function liteDynamoDb(env: Record<string, string | undefined> = process.env): LiteDynamoDb {
  const region = env.AWS_REGION ?? 'us-east-1';
  const endpoint = new URL(env.AWS_ENDPOINT_URL_DYNAMODB ?? `https://dynamodb.${region}.amazonaws.com`);
  const call = async (target: LiteTarget, input: Record<string, unknown>) => {
    const answer = await awsJsonCall({ endpoint, service: 'dynamodb', region, target, body: JSON.stringify(input), env });
    if (answer.status >= 200 && answer.status < 300) return answer.body;
    throw new DynamoDbCallError(errorCode(answer), errorMessage(answer), answer.status);
  };
  // A few requests in flight per client, the rest wait their turn: a Lambda instance serves one
  // event at a time (three calls at most here), but the local stack's one instance serves every
  // concurrent request, and DynamoDB Local slows down sharply with many writes on the same items.
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight += 1;
  };
  const release = () => {
    inFlight -= 1;
    waiting.shift()?.();
  };
  const limited = async (target: LiteTarget, input: Record<string, unknown>) => {
    await acquire();
    try {
      return await call(target, input);
    } finally {
      release();
    }
  };
  return async (target, input) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await limited(target, input);
      } catch (error) {
        // A connection dropped before an answer is retried too: a counter may then count once more,
        // which an analytics aggregate can bear.
        const retryable =
          error instanceof AwsConnectionError ||
          (error instanceof DynamoDbCallError && (error.status >= 500 || RETRYABLE.test(error.code)));
        if (!retryable || attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));
      }
    }
  };
}
