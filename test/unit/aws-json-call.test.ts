import { describe, expect, it } from '@jest/globals';
import { createHash, createHmac } from 'node:crypto';
import type { Hash, Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { signedHeaders } from '../../shared/adapters/aws-json-call.js';

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
