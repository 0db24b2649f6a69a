import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendBulkEmailCommand, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from '@jest/globals';
import { DynamoDbSendLedger } from '../../shared/adapters/dynamodb/send-ledger.js';
import { SesMailer } from '../../shared/adapters/ses/mailer.js';
import { SEND_TAG_NAME, sendRefOf, sendTag } from '../../shared/domain/sending/send-tag.js';
import type { SendClaim } from '../../shared/ports/send-ledger.js';

const ses = mockClient(SESv2Client);
const dynamo = mockClient(DynamoDBClient);

const claim: SendClaim = {
  dedupeKey: 'campaign#c-1#2026-03-10T16:00:00.000Z#email#contact-1',
  contactId: 'contact-1',
  channel: 'email',
  category: 'newsletter',
  audience: 'contact',
  campaignId: 'c-1',
  at: '2026-03-10T16:00:30.000Z',
};

const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(item ? { Item: marshall(item) } : {}),
  });

afterEach(() => {
  ses.reset();
  dynamo.reset();
});

describe('sendTag', () => {
  it('names the send record within SES tag rules, and reads back', () => {
    const tag = sendTag(claim) ?? '';
    expect(tag).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    expect(sendRefOf(tag)).toEqual({ contactId: claim.contactId, dedupeKey: claim.dedupeKey });
  });

  it('leaves a key too long for a tag untagged, and reads nothing from a foreign tag', () => {
    expect(sendTag({ contactId: 'c', dedupeKey: 'x'.repeat(300) })).toBeUndefined();
    expect(sendRefOf('not base64 #')).toBeUndefined();
    expect(sendRefOf('aGVsbG8')).toBeUndefined();
  });
});

describe('SesMailer tags', () => {
  it('tags a single email and each bulk entry with its send key', async () => {
    // Arrange
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    ses.on(SendBulkEmailCommand).resolves({ BulkEmailEntryResults: [{ Status: 'SUCCESS', MessageId: 'm-2' }] });
    const mailer = new SesMailer('from@example.com', 'forecourt', new SESv2Client({ region: 'us-east-1' }));
    // Act
    await mailer.sendEmail({ to: 'a@example.com', subject: 's', text: 't', html: 'h', headers: [] }, { sendTag: 'abc' });
    await mailer.sendBulk({ subject: 's', text: 't', html: 'h' }, [
      { to: 'b@example.com', data: {}, headers: [], sendTag: 'def' },
    ]);
    // Assert
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.EmailTags).toEqual([{ Name: SEND_TAG_NAME, Value: 'abc' }]);
    expect(ses.commandCalls(SendBulkEmailCommand)[0]?.args[0].input.BulkEmailEntries?.[0]?.ReplacementTags).toEqual([
      { Name: SEND_TAG_NAME, Value: 'def' },
    ]);
  });
});

describe('SesMailer Reply-To', () => {
  it('sets ReplyToAddresses only when the email carries a Reply-To', async () => {
    // Arrange
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const mailer = new SesMailer('from@example.com', 'forecourt', new SESv2Client({ region: 'us-east-1' }));
    // Act
    await mailer.sendEmail({
      to: 'desk@example.com',
      subject: 's',
      text: 't',
      html: 'h',
      headers: [],
      replyTo: 'jane@example.com',
    });
    await mailer.sendEmail({ to: 'desk@example.com', subject: 's', text: 't', html: 'h', headers: [] });
    // Assert
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls.at(-2)?.args[0].input.ReplyToAddresses).toEqual(['jane@example.com']);
    expect(calls.at(-1)?.args[0].input.ReplyToAddresses).toBeUndefined();
  });
});

describe('DynamoDbSendLedger', () => {
  const ledger = () => new DynamoDbSendLedger('table', new DynamoDBClient({ region: 'us-east-1' }));

  it('tells a claim held elsewhere from one the provider already recorded, from the winner the failed write returns', async () => {
    dynamo
      .on(UpdateItemCommand)
      .rejectsOnce(conditionFailed({ status: 'sending', leaseUntil: 1_773_158_490 }))
      .rejectsOnce(conditionFailed({ status: 'sent', providerMessageId: 'm-1' }));
    expect(await ledger().claim(claim, 60)).toEqual({ state: 'in_flight', leaseUntil: 1_773_158_490 });
    expect(await ledger().claim(claim, 60)).toEqual({ state: 'already_sent', counted: false });
    expect(dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it('counts a send once: the first "sent" write says so, a later one does not', async () => {
    dynamo
      .on(UpdateItemCommand)
      .resolvesOnce({ Attributes: marshall({ status: 'sending' }) })
      .resolvesOnce({ Attributes: marshall({ status: 'sent', counted: true }) });
    expect(await ledger().markSent(claim, 'm-1', claim.at)).toBe(true);
    expect(await ledger().markSent(claim, undefined, claim.at)).toBe(false);
  });

  it('records a Send event on an unsent record, and tells a duplicate from a replay', async () => {
    dynamo
      .on(UpdateItemCommand)
      .resolvesOnce({})
      .rejectsOnce(conditionFailed({ status: 'sent', providerMessageId: 'm-1' }))
      .rejectsOnce(conditionFailed({ status: 'sent', providerMessageId: 'm-9' }))
      .rejectsOnce(conditionFailed());
    expect(await ledger().recordProviderSend(claim, 'm-1', claim.at)).toBe('recorded');
    expect(await ledger().recordProviderSend(claim, 'm-1', claim.at)).toBe('already_recorded');
    expect(await ledger().recordProviderSend(claim, 'm-1', claim.at)).toBe('duplicate');
    expect(await ledger().recordProviderSend(claim, 'm-1', claim.at)).toBe('unknown');
  });

  it('leaves a record the provider marked sent as sent when a late failure is recorded', async () => {
    dynamo.on(UpdateItemCommand).rejectsOnce(conditionFailed({ status: 'sent' }));
    await expect(ledger().markFailed(claim, 'TimeoutError', claim.at)).resolves.toBeUndefined();
  });
});
