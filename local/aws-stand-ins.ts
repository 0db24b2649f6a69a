import { createHash, randomUUID } from 'node:crypto';
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
 * The local stand-ins for what has no official emulator here: SNS `Publish` to a phone number
 * (the SMS outbox, over SNS's query/XML protocol through `AWS_ENDPOINT_URL_SNS`) and the
 * Parameters and Secrets Lambda Extension's `/secretsmanager/get` (through
 * `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`), and SQS `SendMessage`/`SendMessageBatch` into the
 * in-process queues (through `AWS_ENDPOINT_URL_SQS`), so the handlers' code runs unchanged.
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
  /** The channel's own opt-out list, as `ListPhoneNumbersOptedOut` returns it. */
  optedOut: Set<string>;
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
export async function startAwsStandIns(
  port: number,
  secretString: string,
  sesUpstream: string,
  onQueueMessage: (queueName: string, body: string, delaySeconds: number) => string,
): Promise<AwsStandIns> {
  const outbox: LocalSms[] = [];
  const optedOut = new Set<string>();
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
    if (target === 'AmazonSQS.SendMessageBatch' || target === 'AmazonSQS.SendMessage') {
      // SQS's JSON protocol; the SDK checks the MD5 of each body it sent.
      const input = JSON.parse(body) as {
        QueueUrl: string;
        MessageBody?: string;
        DelaySeconds?: number;
        Entries?: { Id: string; MessageBody: string; DelaySeconds?: number }[];
      };
      const queueName = input.QueueUrl.split('/').at(-1) ?? '';
      const md5 = (text: string) => createHash('md5').update(text).digest('hex');
      response.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0' });
      if (target === 'AmazonSQS.SendMessage') {
        const messageId = onQueueMessage(queueName, input.MessageBody ?? '', input.DelaySeconds ?? 0);
        response.end(JSON.stringify({ MessageId: messageId, MD5OfMessageBody: md5(input.MessageBody ?? '') }));
        return;
      }
      const successful = (input.Entries ?? []).map((entry) => ({
        Id: entry.Id,
        MessageId: onQueueMessage(queueName, entry.MessageBody, entry.DelaySeconds ?? 0),
        MD5OfMessageBody: md5(entry.MessageBody),
      }));
      response.end(JSON.stringify({ Successful: successful, Failed: [] }));
      return;
    }
    if (request.url?.startsWith('/secretsmanager/get?')) {
      // The Parameters and Secrets Lambda Extension's API: it refuses calls without the session token.
      if (!request.headers['x-aws-parameters-secrets-token']) {
        response.writeHead(401).end();
        return;
      }
      const secretId = new URL(request.url, 'http://localhost').searchParams.get('secretId') ?? '';
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ Name: secretId, SecretString: secretString, VersionId: 'local' }));
      return;
    }
    const params = new URLSearchParams(body);
    if (params.get('Action') === 'ListPhoneNumbersOptedOut') {
      response.writeHead(200, { 'Content-Type': 'text/xml' });
      response.end(
        '<ListPhoneNumbersOptedOutResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListPhoneNumbersOptedOutResult><phoneNumbers>' +
          [...optedOut].map((phone) => `<member>${xmlEscape(phone)}</member>`).join('') +
          `</phoneNumbers></ListPhoneNumbersOptedOutResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></ListPhoneNumbersOptedOutResponse>`,
      );
      return;
    }
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
  // Loopback only (SPEC §5). The secrets client addresses the extension as `localhost`, as in
  // Lambda; Node tries each address `localhost` resolves to, so it reaches 127.0.0.1.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });

  return {
    endpoint: `http://127.0.0.1:${port}`,
    outbox,
    optedOut,
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
