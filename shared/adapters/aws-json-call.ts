import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import aws4 from 'aws4';

/** An AWS JSON-protocol answer: its HTTP status and its body, parsed (`{}` when empty). */
export interface AwsJsonAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** The connection failed before an answer came (refused, reset, timed out): the call may be retried. */
export class AwsConnectionError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'AwsConnectionError';
  }
}

/** One call of an AWS JSON-protocol API: the service's signing name, its `X-Amz-Target`, its JSON body. */
export interface AwsJsonRequest {
  endpoint: URL;
  service: string;
  region: string;
  target: string;
  body: string;
  /** The signing time; now unless a test fixes it. */
  now?: Date;
  env: Record<string, string | undefined>;
}

/**
 * The request's method, path and headers, signed with AWS Signature Version 4 by `aws4` (node's
 * own crypto, synchronous) from the credentials Lambda puts in the environment.
 */
export function signedHeaders(request: AwsJsonRequest): { path: string; headers: OutgoingHttpHeaders } {
  const { env, endpoint } = request;
  const signed = aws4.sign(
    {
      host: endpoint.host,
      path: endpoint.pathname || '/',
      method: 'POST',
      service: request.service,
      region: request.region,
      body: request.body,
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': request.target,
        'x-amz-date': (request.now ?? new Date()).toISOString().replace(/[:-]|\.\d{3}/g, ''),
      },
    },
    {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    },
  );
  return { path: signed.path ?? '/', headers: signed.headers ?? {} };
}

/** Connections are kept between calls, as the SDK keeps them: one TLS handshake per instance, not per call. */
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/** How long a call may wait for its answer before it counts as a dropped connection. */
const CALL_TIMEOUT_MS = 10_000;

/**
 * Sends one signed AWS JSON-protocol call over node's own HTTP client. `fetch` and WebCrypto cost
 * the analytics beacon most of its CPU (about 7 of its 9 ms per beacon, profiled on the local
 * stack); this is a fraction of a millisecond. Resolves to any HTTP answer; rejects with
 * `AwsConnectionError` when none came.
 */
export function awsJsonCall(request: AwsJsonRequest): Promise<AwsJsonAnswer> {
  const { path, headers } = signedHeaders(request);
  const https = request.endpoint.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const outgoing = (https ? httpsRequest : httpRequest)(
      {
        protocol: request.endpoint.protocol,
        hostname: request.endpoint.hostname,
        port: request.endpoint.port,
        path,
        method: 'POST',
        headers,
        agent: https ? agents.https : agents.http,
        timeout: CALL_TIMEOUT_MS,
      },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => reject(new AwsConnectionError(error)));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: response.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
          } catch (error) {
            reject(new AwsConnectionError(error));
          }
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${CALL_TIMEOUT_MS} ms`)));
    outgoing.on('error', (error) => reject(new AwsConnectionError(error)));
    outgoing.end(request.body);
  });
}

/** The error type of a JSON-protocol answer without its namespace (`ConditionalCheckFailedException`). */
export function errorCode(answer: AwsJsonAnswer): string {
  const type = String(answer.body.__type ?? `Http${answer.status}`);
  return type.slice(type.lastIndexOf('#') + 1);
}

/** The message of a JSON-protocol error answer. */
export function errorMessage(answer: AwsJsonAnswer): string {
  return String(answer.body.message ?? answer.body.Message ?? '');
}
