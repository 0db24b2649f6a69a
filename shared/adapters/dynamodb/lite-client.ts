import { createHash, createHmac } from 'node:crypto';

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

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * The headers of one DynamoDB JSON request signed with AWS Signature Version 4 (credentials from
 * the environment, as Lambda provides them). `host` is signed but left to fetch to send.
 */
export function signedHeaders(request: {
  endpoint: URL;
  region: string;
  target: LiteTarget;
  body: string;
  now: Date;
  env: Record<string, string | undefined>;
}): Record<string, string> {
  const { endpoint, region, env } = request;
  const amzDate = request.now.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const token = env.AWS_SESSION_TOKEN;
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.0',
    host: endpoint.host,
    'x-amz-date': amzDate,
    'x-amz-target': request.target,
    ...(token ? { 'x-amz-security-token': token } : {}),
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    'POST',
    endpoint.pathname || '/',
    '',
    ...names.map((name) => `${name}:${headers[name]}`),
    '',
    names.join(';'),
    sha256(request.body),
  ].join('\n');
  const scope = `${day}/${region}/dynamodb/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const signingKey = ['dynamodb', 'aws4_request'].reduce(
    (key, part) => hmac(key, part),
    hmac(hmac(`AWS4${env.AWS_SECRET_ACCESS_KEY ?? ''}`, day), region),
  );
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  const { host: _host, ...sent } = headers;
  return {
    ...sent,
    authorization: `AWS4-HMAC-SHA256 Credential=${env.AWS_ACCESS_KEY_ID ?? ''}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

/**
 * A DynamoDB client in about sixty lines: the JSON protocol over `fetch`, signed with SigV4 from
 * the credentials Lambda puts in the environment. The SDK's DynamoDB client bundles to about 180 KB
 * minified, more than the whole analytics beacon's budget (SPEC §7: 150 KB); this is a few KB.
 * Throttling and 5xx answers are retried three times with jittered backoff, as the SDK would.
 * Locally `AWS_ENDPOINT_URL_DYNAMODB` points it at DynamoDB Local, as it does the SDK.
 */
export function liteDynamoDb(env: Record<string, string | undefined> = process.env): LiteDynamoDb {
  const region = env.AWS_REGION ?? 'us-east-1';
  const endpoint = new URL(env.AWS_ENDPOINT_URL_DYNAMODB ?? `https://dynamodb.${region}.amazonaws.com`);
  const call = async (target: LiteTarget, input: Record<string, unknown>) => {
    const body = JSON.stringify(input);
    const headers = signedHeaders({ endpoint, region, target, body, now: new Date(), env });
    const response = await fetch(endpoint, {
      method: 'POST',
      headers,
      body,
    });
    const text = await response.text();
    const parsed = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    if (response.ok) return parsed;
    const type = String(parsed.__type ?? `Http${response.status}`);
    throw new DynamoDbCallError(
      type.slice(type.lastIndexOf('#') + 1),
      String(parsed.message ?? parsed.Message ?? ''),
      response.status,
    );
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
        // A connection dropped before an answer (fetch's TypeError) is retried too: a counter may then
        // count once more, which an analytics aggregate can bear.
        const retryable =
          error instanceof TypeError ||
          (error instanceof DynamoDbCallError && (error.status >= 500 || RETRYABLE.test(error.code)));
        if (!retryable || attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));
      }
    }
  };
}
