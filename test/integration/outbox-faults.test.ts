import { afterEach, describe, expect, it } from '@jest/globals';
import { toE164 } from '../../shared/domain/contact.js';
import {
  apiUrl,
  contactIdOfInquiry,
  drainOutbox,
  mail,
  postJson,
  sms,
  tableItems,
  uniqueEmail,
  uniquePhone,
  randomClientIp,
} from './local-stack.js';

const injectFaults = (faults: { sms?: number; email?: number }) =>
  fetch(`${apiUrl()}/_local/faults`, { method: 'POST', body: JSON.stringify(faults) });

const redeliver = async () => (await fetch(`${apiUrl()}/_local/outbox/redeliver`, { method: 'POST' })).json();

async function submit(consentSms: boolean) {
  const email = uniqueEmail('fault');
  const phone = uniquePhone();
  const response = await postJson(
    '/inquiries',
    { name: 'Fault Case', email, phone, consent: { email: false, sms: consentSms } },
    { 'x-forwarded-for': randomClientIp() },
  );
  const receipt = (await response.json()) as { inquiryId: string };
  return { email, phone: toE164(phone) ?? '', ...receipt, status: response.status };
}

const emailsTo = async (address: string) => (await mail()).filter((message) => message.destination.to.includes(address));
const textsTo = async (phone: string) => (await sms()).filter((text) => text.to === phone);

describe('the outbox under faults', () => {
  afterEach(async () => {
    await injectFaults({});
  });

  it('retries a throttled SES send and sends the email exactly once', async () => {
    // Arrange: more throttling than the SDK's own three attempts absorb.
    await injectFaults({ email: 4 });
    // Act
    const inquiry = await submit(false);
    await drainOutbox();
    // Assert
    expect(inquiry.status).toBe(201);
    expect(await emailsTo(inquiry.email)).toHaveLength(1);
    const leads = (await emailsTo('sales@forecourt.example')).filter((message) => message.body.text?.includes(inquiry.inquiryId));
    expect(leads).toHaveLength(1);
  }, 60_000);

  it('sends one email per message when the stream delivers the same record twice', async () => {
    // Arrange
    const inquiry = await submit(true);
    await drainOutbox();
    // Act
    await redeliver();
    await redeliver();
    // Assert
    expect(await emailsTo(inquiry.email)).toHaveLength(1);
    expect(await textsTo(inquiry.phone)).toHaveLength(1);
    const leads = (await emailsTo('sales@forecourt.example')).filter((message) => message.body.text?.includes(inquiry.inquiryId));
    expect(leads).toHaveLength(1);
  });

  it("sends each of many inquiries' follow-ups exactly once when the stream delivers them in parallel batches, and again all at once", async () => {
    // Arrange: eight inquiries at once, each its own contact, so the runner spreads them over its batchers
    const inquiries = await Promise.all(Array.from({ length: 8 }, () => submit(false)));
    // Act
    await drainOutbox();
    await redeliver();
    // Assert: one acknowledgement and one new-lead email per inquiry, none lost, none twice
    const sent = await mail();
    for (const inquiry of inquiries) {
      expect(inquiry.status).toBe(201);
      expect(sent.filter((message) => message.destination.to.includes(inquiry.email))).toHaveLength(1);
      expect(sent.filter((message) => message.body.text?.includes(inquiry.inquiryId))).toHaveLength(1);
    }
  }, 180_000);

  it('keeps the inquiry and the emails when SMS fails, and sends the SMS once when it recovers', async () => {
    // Arrange: SNS fails twice; the stream runner retries the record.
    await injectFaults({ sms: 2 });
    // Act
    const inquiry = await submit(true);
    await drainOutbox();
    // Assert
    expect((await tableItems()).filter((item) => item.entity === 'inquiry' && item.inquiryId === inquiry.inquiryId)).toHaveLength(
      1,
    );
    expect(await emailsTo(inquiry.email)).toHaveLength(1);
    expect(await textsTo(inquiry.phone)).toHaveLength(1);
  });

  it('dead-letters an SMS that keeps failing, keeping the inquiry and sending everything else once', async () => {
    // Arrange
    await injectFaults({ sms: 100 });
    // Act
    const inquiry = await submit(true);
    const { deadLetters } = await drainOutbox();
    // Assert
    expect(deadLetters.length).toBeGreaterThan(0);
    expect((await tableItems()).filter((item) => item.entity === 'inquiry' && item.inquiryId === inquiry.inquiryId)).toHaveLength(
      1,
    );
    expect(await emailsTo(inquiry.email)).toHaveLength(1);
    expect(await textsTo(inquiry.phone)).toHaveLength(0);
    const contactId = await contactIdOfInquiry(inquiry.inquiryId);
    const smsRecord = (await tableItems()).find(
      (item) => item.entity === 'message' && item.contactId === contactId && item.channel === 'sms',
    );
    expect(smsRecord).toMatchObject({ status: 'failed', lastError: expect.any(String) });
  });
});
