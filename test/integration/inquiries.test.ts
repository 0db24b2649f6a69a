import { describe, expect, it } from '@jest/globals';
import { toE164 } from '../../shared/domain/contact.js';
import {
  apiUrl,
  confirmEmailOptIn,
  contactIdOfInquiry,
  drainOutbox,
  footprint,
  mail,
  post,
  postJson,
  sms,
  tableItems,
  uniqueEmail,
  uniquePhone,
  policyInForce,
  textFrom,
} from './local-stack.js';

const CHROME_ON_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

describe('POST /inquiries through the local stack', () => {
  it('stores contact and inquiry, sends the acknowledgement with its confirm link, the SMS confirmation and the new-lead email, and records consent once each address confirms', async () => {
    // Arrange
    const email = uniqueEmail('jane');
    const phone = uniquePhone();
    // Act
    const response = await postJson(
      '/inquiries',
      {
        name: '  Jane Doe ',
        email: email.toUpperCase(),
        phone,
        companyName: 'Main Street Motors',
        dealershipType: 'independent',
        topic: 'demo',
        message: 'Can we see it next week?',
        consent: { email: true, sms: true },
        timezone: 'America/Chicago',
        pageUrl: 'https://forecourt.example/demo',
      },
      // No forwarded address: the gateway takes the socket's, as SPEC §5 says.
      { 'user-agent': CHROME_ON_MAC, 'accept-language': 'en-US,en;q=0.9', 'x-forwarded-for': '' },
    );
    await drainOutbox();

    // Assert: the response names the inquiry alone
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);
    const receipt = (await response.json()) as { inquiryId: string };
    expect(receipt).toEqual({ inquiryId: expect.any(String) });
    const { inquiryId } = receipt;
    const contactId = await contactIdOfInquiry(inquiryId);

    // Assert: what is stored
    const items = (await tableItems()).filter((item) => item.contactId === contactId);
    const contact = items.find((item) => item.entity === 'contact');
    expect(contact).toMatchObject({
      name: 'Jane Doe',
      email,
      phone: toE164(phone),
      companyName: 'Main Street Motors',
      timeZone: 'America/Chicago',
    });
    const inquiry = items.find((item) => item.entity === 'inquiry');
    expect(inquiry).toMatchObject({ inquiryId, topic: 'demo', pageUrl: 'https://forecourt.example/demo' });
    expect(inquiry?.submitted).toMatchObject({
      name: 'Jane Doe',
      email,
      phone: toE164(phone),
      companyName: 'Main Street Motors',
    });
    expect(inquiry?.holders).toEqual({ email: contactId, sms: contactId });
    expect(inquiry?.visit).toMatchObject({
      ip: '127.0.0.1',
      browser: 'Chrome',
      browserVersion: '126.0.0.0',
      os: 'macOS 10.15.7',
      language: 'en-US',
    });
    // Double opt-in: the ticked boxes granted nothing yet
    expect(contact?.pref_email_newsletter).toBeUndefined();
    expect(contact?.pref_sms_marketing).toBeUndefined();
    expect(items.filter((item) => item.entity === 'consent')).toEqual([]);

    // Assert: what is sent
    const emails = await mail();
    const acknowledgement = emails.find((message) => message.destination.to.includes(email));
    expect(acknowledgement?.subject).toContain('We received your inquiry');
    expect(acknowledgement?.body.text).toContain('100 Example Way');
    expect(acknowledgement?.body.text).toMatch(/\/subscriptions\/confirm\?token=/);
    expect(acknowledgement?.body.html).toContain('/unsubscribe?token=');
    const lead = emails.find(
      (message) => message.destination.to.includes('sales@forecourt.example') && message.body.text?.includes(inquiryId),
    );
    expect(lead?.body.text).toContain('Main Street Motors');
    const texts = (await sms()).filter((text) => text.to === toE164(phone));
    expect(texts).toHaveLength(1);
    expect(texts[0]?.body).toContain('Reply YES');
    expect(texts[0]?.body).toContain('Reply HELP for help, STOP to opt out');
    expect(texts[0]?.body).toContain('Msg & data rates may apply');
    // Message log: one sent record per message
    const messages = (await tableItems()).filter((item) => item.entity === 'message' && item.contactId === contactId);
    expect(messages.map((item) => item.status)).toEqual(['sent', 'sent', 'sent']);

    // Act: the owner of each address confirms, by the emailed link and by texting YES
    expect(await confirmEmailOptIn(email)).toBe(200);
    expect(await textFrom(toE164(phone) ?? phone, 'YES')).toBe(200);

    // Assert: consent is recorded, per channel, under the policy in force
    const after = (await tableItems()).filter((item) => item.contactId === contactId);
    expect(after.find((item) => item.entity === 'contact')).toMatchObject({
      pref_email_newsletter: true,
      pref_sms_marketing: true,
    });
    const consent = after.filter((item) => item.entity === 'consent');
    expect(consent.map((item) => item.channel).sort()).toEqual(['email', 'sms']);
    const policyVersion = await policyInForce();
    expect(consent.find((item) => item.channel === 'email')).toMatchObject({
      source: 'subscription_form',
      policyVersion,
      action: 'grant',
    });
    expect(consent.find((item) => item.channel === 'sms')).toMatchObject({
      source: 'sms_keyword',
      policyVersion,
      action: 'grant',
    });
  });

  it('takes a plain HTML form and redirects a browser to the thank-you page', async () => {
    const email = uniqueEmail('form');
    const response = await post(
      '/inquiries',
      new URLSearchParams({ name: 'Form User', email, consentEmail: 'on', phone: '', website: '' }).toString(),
      {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
      },
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(new URL('/thank-you', apiUrl()).href);
    // The ticked box asks; the owner's confirmation grants.
    const asked = (await tableItems()).find((item) => item.entity === 'contact' && item.email === email);
    expect(asked).toBeDefined();
    expect(asked?.pref_email_newsletter).toBeUndefined();
    expect(await confirmEmailOptIn(email)).toBe(200);
    const contact = (await tableItems()).find((item) => item.entity === 'contact' && item.email === email);
    expect(contact).toMatchObject({ pref_email_newsletter: true });
    expect(contact?.pref_sms_newsletter).toBeUndefined();
  });

  it('files a second inquiry by the same email under the same contact and changes nothing stored on it', async () => {
    // Arrange
    const email = uniqueEmail('twice');
    const phone = uniquePhone();
    const first = (await (
      await postJson('/inquiries', { name: 'First Name', email, phone, companyName: 'Original Motors' })
    ).json()) as { inquiryId: string };
    const contactId = await contactIdOfInquiry(first.inquiryId);
    await drainOutbox();
    const contactOf = async () =>
      (await tableItems()).filter((item) => item.entity === 'contact' && item.contactId === contactId);
    const before = await contactOf();
    // Act: the same email, with another name, company and phone
    const response = await postJson('/inquiries', {
      name: 'Someone Else',
      email: ` ${email.toUpperCase()} `,
      phone: uniquePhone(),
      companyName: 'Other Motors',
    });
    const second = (await response.json()) as { inquiryId: string };
    await drainOutbox();
    // Assert
    expect(response.status).toBe(201);
    expect(second).toEqual({ inquiryId: expect.any(String) });
    expect(second.inquiryId).not.toBe(first.inquiryId);
    expect(await contactIdOfInquiry(second.inquiryId)).toBe(contactId);
    const after = await contactOf();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ name: 'First Name', email, phone: toE164(phone), companyName: 'Original Motors' });
    expect(after).toEqual(before);
    // What the second form carried is kept on its inquiry, for staff
    const inquiry = (await tableItems()).find((item) => item.entity === 'inquiry' && item.inquiryId === second.inquiryId);
    expect(inquiry?.submitted).toMatchObject({ name: 'Someone Else', email, companyName: 'Other Motors' });
  });

  it('sends no SMS without SMS consent', async () => {
    const phone = uniquePhone();
    await postJson('/inquiries', {
      name: 'No Texts',
      email: uniqueEmail('notexts'),
      phone,
      consent: { email: true, sms: false },
    });
    await drainOutbox();
    expect((await sms()).filter((text) => text.to === toE164(phone))).toEqual([]);
  });

  it('answers a retry with the same Idempotency-Key with the first response, storing and sending once', async () => {
    // Arrange
    const email = uniqueEmail('idem');
    const body = { name: 'Retry', email };
    const key = `key-${email}`;
    // Act
    const first = await postJson('/inquiries', body, { 'Idempotency-Key': key });
    const retry = await postJson('/inquiries', body, { 'Idempotency-Key': key });
    await drainOutbox();
    // Assert
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    const receipt = (await first.json()) as { inquiryId: string };
    expect(receipt).toEqual({ inquiryId: expect.any(String) });
    expect(await retry.json()).toEqual(receipt);
    const contactId = await contactIdOfInquiry(receipt.inquiryId);
    const inquiries = (await tableItems()).filter((item) => item.entity === 'inquiry' && item.contactId === contactId);
    expect(inquiries).toHaveLength(1);
    expect((await mail()).filter((message) => message.destination.to.includes(email))).toHaveLength(1);
  });

  it('refuses the same Idempotency-Key with a different body', async () => {
    const key = `key-${uniqueEmail('conflict')}`;
    await postJson('/inquiries', { name: 'A', email: uniqueEmail('a') }, { 'Idempotency-Key': key });
    const before = await footprint();
    const response = await postJson('/inquiries', { name: 'B', email: uniqueEmail('b') }, { 'Idempotency-Key': key });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('idempotency_key_reused');
    expect(await footprint()).toEqual(before);
  });

  it('answers CORS only for configured origins', async () => {
    const allowed = await fetch(`${apiUrl()}/inquiries`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const denied = await postJson('/inquiries', { name: 'X' }, { origin: 'https://evil.example' });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });
});
