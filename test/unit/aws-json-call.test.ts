import { describe, expect, it } from '@jest/globals';
import { createHash, createHmac } from 'node:crypto';
import type { Hash, Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsConnectionError, awsJsonCall, errorCode, signedHeaders } from '../../shared/adapters/aws-json-call.js';
import { liteDynamoDb } from '../../shared/adapters/dynamodb/lite-client.js';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData) =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** The SDK's checksum interface over node:crypto (an HMAC when given a secret). */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData) {
    this.hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

describe('the lite AWS clients’ SigV4 signature (aws4)', () => {
  it.each([
    ['with a session token (Lambda)', 'FwoGZXIvYXdzEXAMPLETOKEN'],
    ['without a session token', undefined],
  ])('matches the AWS SDK’s own signer, %s', async (_label, sessionToken) => {
    // Arrange
    const endpoint = new URL('https://dynamodb.eu-west-1.amazonaws.com/');
    const now = new Date('2026-11-26T03:04:05.678Z');
    const body = JSON.stringify({ TableName: 'forecourt', Key: { pk: { S: 'ANALYTICS#2026-11-26' }, sk: { S: 'PATH#/' } } });
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken };
    const env = {
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...(sessionToken ? { AWS_SESSION_TOKEN: sessionToken } : {}),
    };
    const sdk = new SignatureV4({ service: 'dynamodb', region: 'eu-west-1', credentials, sha256: NodeSha256 });
    // Act
    const ours = signedHeaders({
      endpoint,
      service: 'dynamodb',
      region: 'eu-west-1',
      target: 'DynamoDB_20120810.UpdateItem',
      body,
      now,
      env,
    });
    const theirs = await sdk.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: endpoint.hostname,
        path: '/',
        headers: {
          host: endpoint.host,
          'content-length': String(Buffer.byteLength(body)),
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.UpdateItem',
        },
        body,
      },
      // aws4 signs the length and not the payload hash header, as SigV4 allows; the SDK is told the same.
      { signingDate: now, unsignableHeaders: new Set(['x-amz-content-sha256']) },
    );
    // Assert
    const signature = (authorization: string | undefined) => /Signature=([0-9a-f]{64})/.exec(authorization ?? '')?.[1];
    const authorization = String(ours.headers.Authorization ?? '');
    expect(signature(authorization)).toBeDefined();
    expect(signature(authorization)).toBe(signature(theirs.headers.authorization));
    expect(ours.path).toBe('/');
  });
});

describe('the lite AWS clients’ transport', () => {
  /** A local HTTP server that answers each request with the next of `answers`, or drops the connection. */
  async function server(answers: ('drop' | { status: number; body: unknown })[]) {
    const seen: { target: string | undefined; authorization: string | undefined; body: string }[] = [];
    const http = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        seen.push({
          target: request.headers['x-amz-target'] as string | undefined,
          authorization: request.headers.authorization,
          body,
        });
        const answer = answers.shift() ?? 'drop';
        if (answer === 'drop') return request.socket.destroy();
        response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    return { endpoint: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => http.close(resolve)) };
  }
  const env = (endpoint: string) => ({
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  });

  it('sends a signed JSON call and reads an error answer as its status and error type', async () => {
    // Arrange
    const local = await server([
      { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'no' } },
    ]);
    try {
      // Act
      const answer = await awsJsonCall({
        endpoint: new URL(local.endpoint),
        service: 'dynamodb',
        region: 'us-east-1',
        target: 'DynamoDB_20120810.GetItem',
        body: '{"TableName":"t"}',
        env: env(local.endpoint),
      });
      // Assert
      expect(answer.status).toBe(400);
      expect(errorCode(answer)).toBe('ConditionalCheckFailedException');
      expect(local.seen).toEqual([
        {
          target: 'DynamoDB_20120810.GetItem',
          authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 /),
          body: '{"TableName":"t"}',
        },
      ]);
    } finally {
      await local.close();
    }
  });

  it('retries a dropped connection and a throttled call, then answers; a refused call is not retried', async () => {
    // Arrange
    const local = await server([
      'drop',
      { status: 400, body: { __type: 'ThrottlingException', message: 'slow down' } },
      { status: 200, body: { Item: { pk: { S: 'x' } } } },
      { status: 400, body: { __type: 'ValidationException', message: 'bad' } },
    ]);
    const call = liteDynamoDb(env(local.endpoint));
    try {
      // Act
      const answered = await call('DynamoDB_20120810.GetItem', { TableName: 't' });
      const refused = call('DynamoDB_20120810.GetItem', { TableName: 't' });
      // Assert
      expect(answered).toEqual({ Item: { pk: { S: 'x' } } });
      await expect(refused).rejects.toMatchObject({ code: 'ValidationException', status: 400 });
      expect(local.seen).toHaveLength(4);
    } finally {
      await local.close();
    }
  });

  it('gives up after three retries of a connection that keeps dropping', async () => {
    // Arrange
    const local = await server([]);
    try {
      // Act and assert
      await expect(liteDynamoDb(env(local.endpoint))('DynamoDB_20120810.GetItem', { TableName: 't' })).rejects.toBeInstanceOf(
        AwsConnectionError,
      );
      expect(local.seen).toHaveLength(4);
    } finally {
      await local.close();
    }
  });
});
