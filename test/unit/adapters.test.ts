import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretsManagerSource } from '../../shared/adapters/secrets-manager/secrets-source.js';
import { SesMailer } from '../../shared/adapters/ses/mailer.js';
import { SnsSmsSender } from '../../shared/adapters/sns/sms-sender.js';
import { TEST_SECRET } from '../fixtures/in-memory.js';

const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const secretsManager = mockClient(SecretsManagerClient);

afterEach(() => {
  ses.reset();
  sns.reset();
  secretsManager.reset();
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

describe('SecretsManagerSource', () => {
  it('reads the secret once and serves it from memory until it is stale', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: TEST_SECRET });
    const source = new SecretsManagerSource('forecourt/app', new SecretsManagerClient({ region: 'us-east-1' }));
    const [first, second] = await Promise.all([source.getSecrets(), source.getSecrets()]);
    expect(first.addressSalt).toBe(second.addressSalt);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('forgets a failed read so that the next call tries again', async () => {
    secretsManager.on(GetSecretValueCommand).rejectsOnce(new Error('throttled')).resolves({ SecretString: TEST_SECRET });
    const source = new SecretsManagerSource('forecourt/app', new SecretsManagerClient({ region: 'us-east-1' }));
    await expect(source.getSecrets()).rejects.toThrow('throttled');
    await expect(source.getSecrets()).resolves.toHaveProperty('addressSalt');
  });
});
