import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';

/** One SMS the local SNS stand-in accepted, as `GET /_local/sms` shows it. */
export interface LocalSms {
  to: string;
  body: string;
  at: string;
  messageId: string;
}

/**
 * The local stand-ins for the AWS APIs that have no official emulator here: SNS `Publish` to a
 * phone number (the SMS outbox) and Secrets Manager `GetSecretValue`. They speak the same wire
 * protocols as AWS (query/XML for SNS, JSON 1.1 for Secrets Manager), so the handlers' own SDK
 * clients talk to them unchanged through `AWS_ENDPOINT_URL_SNS` and `AWS_ENDPOINT_URL_SECRETS_MANAGER`.
 * SES v2 calls (`/v2/email/...`) pass through to aws-ses-v2-local, so that faults can be injected
 * in front of it.
 */
export interface AwsStandIns {
  endpoint: string;
  outbox: LocalSms[];
  /** Makes the next `count` SMS publishes fail as SNS throttling would. */
  failNextSms(count: number): void;
  /** Makes the next `count` SES calls fail as SES throttling would (HTTP 429). */
  failNextEmails(count: number): void;
  stop(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const xmlEscape = (value: string) => value.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);

/** Starts the stand-ins on 127.0.0.1:`port`, serving `secretString` for every secret id and passing SES to `sesUpstream`. */
export async function startAwsStandIns(port: number, secretString: string, sesUpstream: string): Promise<AwsStandIns> {
  const outbox: LocalSms[] = [];
  let failuresToInject = 0;
  let emailFailuresToInject = 0;

  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    if (request.url?.startsWith('/v2/email/')) {
      if (emailFailuresToInject > 0) {
        emailFailuresToInject -= 1;
        response.writeHead(429, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'TooManyRequestsException' });
        response.end(JSON.stringify({ message: 'Maximum sending rate exceeded.' }));
        return;
      }
      const upstream = await fetch(`${sesUpstream}${request.url}`, {
        method: request.method ?? 'POST',
        headers: {
          'content-type': request.headers['content-type'] ?? 'application/json',
          authorization: request.headers.authorization ?? '',
        },
        ...(request.method === 'GET' ? {} : { body }),
      });
      response.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'application/json' });
      response.end(await upstream.text());
      return;
    }
    const target = request.headers['x-amz-target'];
    if (target === 'secretsmanager.GetSecretValue') {
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      response.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({
          ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${SecretId}`,
          Name: SecretId,
          SecretString: secretString,
          VersionId: 'local',
        }),
      );
      return;
    }
    const params = new URLSearchParams(body);
    if (params.get('Action') === 'Publish' && params.get('PhoneNumber')) {
      if (failuresToInject > 0) {
        failuresToInject -= 1;
        response.writeHead(400, { 'Content-Type': 'text/xml' });
        response.end(
          '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>' +
            `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
        return;
      }
      const messageId = randomUUID();
      outbox.push({
        to: params.get('PhoneNumber') ?? '',
        body: params.get('Message') ?? '',
        at: new Date().toISOString(),
        messageId,
      });
      response.writeHead(200, { 'Content-Type': 'text/xml' });
      response.end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${xmlEscape(messageId)}</MessageId></PublishResult>` +
          `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
      return;
    }
    response.writeHead(400, { 'Content-Type': 'text/xml' });
    response.end(
      '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>Not supported locally</Message></Error></ErrorResponse>',
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    endpoint: `http://127.0.0.1:${port}`,
    outbox,
    failNextSms: (count) => {
      failuresToInject = count;
    },
    failNextEmails: (count) => {
      emailFailuresToInject = count;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
