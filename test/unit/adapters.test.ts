import { createServer } from 'node:http';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ExtensionSecretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { SesMailer } from '../../shared/adapters/ses/mailer.js';
import { SnsSmsSender } from '../../shared/adapters/sns/sms-sender.js';
import { TEST_SECRET } from '../fixtures/in-memory.js';

const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);

afterEach(() => {
  ses.reset();
  sns.reset();
});

describe('SesMailer', () => {
  it('sends text and HTML parts with the custom headers through the configuration set', async () => {
    // Arrange
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const mailer = new SesMailer('hello@acme.test', 'forecourt-events', new SESv2Client({ region: 'us-east-1' }));
    // Act
    const receipt = await mailer.sendEmail({
      to: 'jane@example.com',
      subject: 'Hi',
      text: 'Text',
      html: '<p>Html</p>',
      headers: [{ name: 'List-Unsubscribe', value: '<https://x.test/u>' }],
    });
    // Assert
    expect(receipt).toEqual({ providerMessageId: 'ses-1' });
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      FromEmailAddress: 'hello@acme.test',
      ConfigurationSetName: 'forecourt-events',
      Destination: { ToAddresses: ['jane@example.com'] },
      Content: {
        Simple: {
          Body: { Text: { Data: 'Text' }, Html: { Data: '<p>Html</p>' } },
          Headers: [{ Name: 'List-Unsubscribe', Value: '<https://x.test/u>' }],
        },
      },
    });
  });

  it('propagates throttling so that the caller retries', async () => {
    ses
      .on(SendEmailCommand)
      .rejects(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' }));
    const mailer = new SesMailer('hello@acme.test', undefined, new SESv2Client({ region: 'us-east-1' }));
    await expect(mailer.sendEmail({ to: 'a@b.test', subject: 's', text: 't', html: 'h', headers: [] })).rejects.toThrow(
      'Maximum sending rate',
    );
  });
});

describe('SnsSmsSender', () => {
  it('publishes a transactional SMS to the phone number from the origination number', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    const sender = new SnsSmsSender('+18885550199', new SNSClient({ region: 'us-east-1' }));
    expect(await sender.sendSms({ to: '+12025550143', body: 'Hi' })).toEqual({ providerMessageId: 'sns-1' });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toMatchObject({
      PhoneNumber: '+12025550143',
      Message: 'Hi',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: '+18885550199' },
      },
    });
  });
});

describe('ExtensionSecretsSource', () => {
  /** A stand-in for the Parameters and Secrets extension that answers per a script of statuses. */
  async function extension(statuses: number[]) {
    const calls: { url: string; token: string | undefined }[] = [];
    const server = createServer((request, response) => {
      calls.push({ url: request.url ?? '', token: request.headers['x-aws-parameters-secrets-token'] as string | undefined });
      const status = statuses.shift() ?? 200;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(status === 200 ? JSON.stringify({ SecretString: TEST_SECRET }) : '{}');
    });
    await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return {
      calls,
      env: { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port), AWS_SESSION_TOKEN: 'session-token' },
      close: () => server.close(),
    };
  }

  it('reads the secret once, with the session token, and serves it from memory', async () => {
    const stub = await extension([]);
    const source = new ExtensionSecretsSource('forecourt/app', stub.env);
    const [first, second] = await Promise.all([source.getSecrets(), source.getSecrets()]);
    expect(first.addressSalt).toBe(second.addressSalt);
    expect(stub.calls).toEqual([{ url: '/secretsmanager/get?secretId=forecourt%2Fapp', token: 'session-token' }]);
    stub.close();
  });

  it('forgets a failed read so that the next call tries again', async () => {
    const stub = await extension([500]);
    const source = new ExtensionSecretsSource('forecourt/app', stub.env);
    await expect(source.getSecrets()).rejects.toThrow('500');
    await expect(source.getSecrets()).resolves.toHaveProperty('addressSalt');
    expect(stub.calls).toHaveLength(2);
    stub.close();
  });
});
