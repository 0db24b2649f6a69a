import { AwsConnectionError, awsJsonCall, errorCode, errorMessage } from '../aws-json-call.js';
import type { BeaconCount, BeaconQueue } from '../../ports/analytics-store.js';

/**
 * The SQS call of the beacon, written out as its full `X-Amz-Target` literal:
 * `test/infra/bundle-calls.ts` reads these strings from a bundle to derive the calls it makes.
 */
export type LiteSqsTarget = 'AmazonSQS.SendMessageBatch';

/** SQS refused a call, or answered for some entries only. */
export class SqsCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(`${code}: ${message}`);
    this.name = 'SqsCallError';
  }
}

/** SQS's limit per SendMessageBatch call. */
const SQS_BATCH_LIMIT = 10;

/**
 * A small SQS sender: `SendMessageBatch` in SQS's JSON protocol over node's HTTP client, signed
 * with SigV4 by `aws4`, from the credentials Lambda puts in the environment (the SDK's SQS client
 * would take most of the beacon's 150 KB budget). Locally `AWS_ENDPOINT_URL_SQS` points it at the
 * local queues, as it does the SDK.
 *
 * Messages queued in the same turn of the event loop go out together, ten per call (a Lambda
 * instance serves one request at a time, so that is one message per call there). Throttling, 5xx
 * answers and dropped connections are retried three times with jittered backoff; the call's
 * promise settles when its own message is accepted or not.
 */
export function liteSqsSender(queueUrl: string, env: Record<string, string | undefined> = process.env) {
  const region = env.AWS_REGION ?? 'us-east-1';
  const endpoint = new URL(env.AWS_ENDPOINT_URL_SQS ?? `https://sqs.${region}.amazonaws.com`);
  const target: LiteSqsTarget = 'AmazonSQS.SendMessageBatch';
  const sendBatch = async (bodies: readonly string[]): Promise<void> => {
    let entries = bodies.map((body, index) => ({ Id: String(index), MessageBody: body }));
    for (let attempt = 0; ; attempt += 1) {
      try {
        const body = JSON.stringify({ QueueUrl: queueUrl, Entries: entries });
        const answer = await awsJsonCall({ endpoint, service: 'sqs', region, target, body, env });
        if (answer.status < 200 || answer.status >= 300)
          throw new SqsCallError(errorCode(answer), errorMessage(answer), answer.status);
        const failed = new Set(((answer.body.Failed ?? []) as { Id: string }[]).map((failure) => failure.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
        if (entries.length === 0) return;
        if (attempt >= 3) throw new SqsCallError('BatchEntryFailed', `${entries.length} messages were not queued`, 500);
      } catch (error) {
        const retryable =
          error instanceof AwsConnectionError ||
          (error instanceof SqsCallError && (error.status >= 500 || /Throttl|RequestThrottled|OverLimit/.test(error.code)));
        if (!retryable || attempt >= 3) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));
    }
  };
  let pending: { body: string; resolve(): void; reject(error: unknown): void }[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    for (let start = 0; start < batch.length; start += SQS_BATCH_LIMIT) {
      const slice = batch.slice(start, start + SQS_BATCH_LIMIT);
      sendBatch(slice.map((message) => message.body)).then(
        () => slice.forEach((message) => message.resolve()),
        (error: unknown) => slice.forEach((message) => message.reject(error)),
      );
    }
  };
  return (body: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ body, resolve, reject });
    });
}

/** The beacon's counts as SQS messages, one compact JSON message per beacon (nothing identifying in it). */
export class SqsBeaconQueue implements BeaconQueue {
  constructor(private readonly send: (body: string) => Promise<void>) {}

  enqueue(count: BeaconCount): Promise<void> {
    return this.send(JSON.stringify(count));
  }
}
