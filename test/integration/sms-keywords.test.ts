import { describe, expect, it } from '@jest/globals';
import { toE164 } from '../../shared/domain/contact.js';
import {
  apiUrl,
  contactIdHolding,
  contactIdOfInquiry,
  drainOutbox,
  footprint,
  postJson,
  sms,
  tableItems,
  textFrom,
  uniqueEmail,
  uniquePhone,
  randomClientIp,
} from './local-stack.js';

/** A web form asking for texts to the number, sent from a client address of its own. */
async function formWithSmsConsent(phone: string) {
  const response = await postJson(
    '/inquiries',
    { name: 'Texter', email: uniqueEmail('texter'), phone, consent: { email: false, sms: true } },
    { 'x-forwarded-for': randomClientIp() },
  );
  expect(response.status).toBe(201);
  const { inquiryId } = (await response.json()) as { inquiryId: string };
  await drainOutbox();
  return inquiryId;
}

/** A number whose owner asked for texts on a form and confirmed by replying YES: two texts so far. */
async function smsSubscriber() {
  const phone = toE164(uniquePhone()) ?? '';
  const contactId = await contactIdOfInquiry(await formWithSmsConsent(phone));
  expect(await textFrom(phone, 'YES')).toBe(200);
  return { phone, contactId };
}

const textsTo = async (phone: string) => (await sms()).filter((text) => text.to === phone);
const contact = async (contactId: string) =>
  (await tableItems()).find((item) => item.entity === 'contact' && item.contactId === contactId);
const smsGrants = async (contactId: string) =>
  (await tableItems()).filter(
    (item) => item.entity === 'consent' && item.contactId === contactId && item.channel === 'sms' && item.action === 'grant',
  );
const itemKey = (item: Record<string, unknown>) => `${String(item.pk)}|${String(item.sk)}`;

describe('inbound SMS keywords', () => {
  it('STOP withdraws every SMS topic, confirms once without marketing, and nothing more is texted', async () => {
    // Arrange: the opt-in request and the YES confirmation have gone out
    const { phone, contactId } = await smsSubscriber();
    expect(await textsTo(phone)).toHaveLength(2);
    // Act
    await textFrom(phone, ' stop ');
    await textFrom(phone, 'STOP');
    // Assert
    const texts = await textsTo(phone);
    expect(texts).toHaveLength(3);
    const confirmation = texts[2]?.body ?? '';
    expect(confirmation).toContain('You are unsubscribed');
    expect(confirmation).not.toMatch(/offer|update|newsletter|http/i);
    expect(await contact(contactId)).toMatchObject({
      pref_sms_newsletter: false,
      pref_sms_product_updates: false,
      pref_sms_marketing: false,
    });
    const ledger = (await tableItems()).filter(
      (item) => item.entity === 'consent' && item.contactId === contactId && item.action === 'withdraw',
    );
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ channel: 'sms', source: 'sms_keyword', allOfChannel: true });

    // A later inquiry asking nothing about SMS sends no text either.
    await postJson('/inquiries', { name: 'Texter', phone }, { 'x-forwarded-for': randomClientIp() });
    await drainOutbox();
    expect(await textsTo(phone)).toHaveLength(3);
  });

  it('counts a free-text "please stop texting me" as an opt-out', async () => {
    const { phone, contactId } = await smsSubscriber();
    await textFrom(phone, 'Please stop texting me, thanks');
    expect((await contact(contactId))?.pref_sms_newsletter).toBe(false);
    expect((await textsTo(phone)).at(-1)?.body).toContain('You are unsubscribed');
  });

  it('leaves consent alone for a reply that does not ask to stop', async () => {
    const { phone, contactId } = await smsSubscriber();
    await textFrom(phone, 'Can I stop by the dealership Tuesday?');
    expect((await contact(contactId))?.pref_sms_newsletter).toBe(true);
    expect(await textsTo(phone)).toHaveLength(2);
  });

  it('START opts back in and confirms with HELP and STOP wording', async () => {
    const { phone, contactId } = await smsSubscriber();
    await textFrom(phone, 'STOP');
    expect((await contact(contactId))?.pref_sms_marketing).toBe(false);
    await textFrom(phone, 'start');
    expect((await contact(contactId))?.pref_sms_marketing).toBe(true);
    const reply = (await textsTo(phone)).at(-1)?.body ?? '';
    expect(reply).toContain('You are subscribed to texts');
    expect(reply).toContain('Reply HELP for help, STOP to opt out');
  });

  it('HELP replies with the brand, support email and phone, and how to opt out, even after STOP', async () => {
    const { phone } = await smsSubscriber();
    await textFrom(phone, 'STOP');
    await textFrom(phone, 'HELP');
    const reply = (await textsTo(phone)).at(-1)?.body ?? '';
    expect(reply).toContain('Forecourt Demo Motors Software');
    expect(reply).toContain('support@forecourt.example');
    expect(reply).toContain('+18885550100');
    expect(reply).toContain('Reply STOP to opt out');
  });

  it('for an unknown number, STOP only marks the number stopped and texts nothing', async () => {
    const stranger = toE164(uniquePhone()) ?? '';
    await drainOutbox();
    const before = new Set((await tableItems()).map(itemKey));
    const sentBefore = (await sms()).length;
    await textFrom(stranger, 'STOP');
    expect(await textsTo(stranger)).toHaveLength(0);
    expect(await sms()).toHaveLength(sentBefore);
    expect(await contactIdHolding('sms', stranger)).toBeUndefined();
    const added = (await tableItems()).filter((item) => !before.has(itemKey(item)));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ entity: 'sms_stop', sk: 'SMS_STOP', pk: expect.stringMatching(/^SMS_STOP#/) });
    expect(JSON.stringify(added[0])).not.toContain(stranger.slice(2));
  });

  it('changes nothing and texts nothing for HELP from an unknown number', async () => {
    const stranger = toE164(uniquePhone()) ?? '';
    const before = await footprint();
    await textFrom(stranger, 'HELP');
    expect(await textsTo(stranger)).toHaveLength(0);
    expect(await footprint()).toEqual(before);
  });

  it('STOP holds for the number everywhere: a later form with SMS consent texts nothing and grants nothing', async () => {
    // Arrange: the number texts STOP before anyone holds it
    const phone = toE164(uniquePhone()) ?? '';
    await textFrom(phone, 'STOP');
    // Act: a web form asks for texts to it
    const contactId = await contactIdOfInquiry(await formWithSmsConsent(phone));
    // Assert
    expect(await textsTo(phone)).toHaveLength(0);
    expect(await smsGrants(contactId)).toEqual([]);
    expect((await contact(contactId))?.pref_sms_newsletter).not.toBe(true);
    // Only a reply from the number opts it in again.
    await textFrom(phone, 'YES');
    expect(await smsGrants(contactId)).not.toEqual([]);
    expect(await contact(contactId)).toMatchObject({
      pref_sms_newsletter: true,
      pref_sms_product_updates: true,
      pref_sms_marketing: true,
    });
    const texts = await textsTo(phone);
    expect(texts).toHaveLength(1);
    expect(texts[0]?.body).toContain('You are subscribed to texts');
  });

  it('YES confirms the pending SMS request', async () => {
    // Arrange: a form asks for texts; the number is asked to confirm
    const phone = toE164(uniquePhone()) ?? '';
    const contactId = await contactIdOfInquiry(await formWithSmsConsent(phone));
    const requests = await textsTo(phone);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.body).toContain('Reply YES');
    expect(await smsGrants(contactId)).toEqual([]);
    const pending = await contact(contactId);
    for (const topic of ['newsletter', 'product_updates', 'marketing']) expect(pending?.[`pref_sms_${topic}`]).not.toBe(true);
    // Act
    await textFrom(phone, 'YES');
    // Assert
    expect(await contact(contactId)).toMatchObject({
      pref_sms_newsletter: true,
      pref_sms_product_updates: true,
      pref_sms_marketing: true,
    });
    expect(await smsGrants(contactId)).toEqual([
      expect.objectContaining({ channel: 'sms', action: 'grant', source: 'sms_keyword' }),
    ]);
    const texts = await textsTo(phone);
    expect(texts).toHaveLength(2);
    expect(texts[1]?.body).toContain('You are subscribed to texts');
  });
});

describe('SNS opt-out list sync', () => {
  it('writes a withdrawal for each opted-out number that still has an SMS opt-in, and nothing on the next run', async () => {
    // Arrange: the channel opted the number out, but no event reached us (as when a carrier handles STOP)
    const { phone, contactId } = await smsSubscriber();
    const bystander = await smsSubscriber();
    await fetch(`${apiUrl()}/_local/sms/opted-out`, { method: 'POST', body: JSON.stringify({ phone }) });
    const runSync = async () =>
      (
        (await (await fetch(`${apiUrl()}/_local/jobs/sms-opt-out-sync`, { method: 'POST' })).json()) as {
          result: { withdrawn: number };
        }
      ).result;
    // Act
    const first = await runSync();
    const second = await runSync();
    // Assert
    expect(first.withdrawn).toBeGreaterThanOrEqual(1);
    expect(second.withdrawn).toBe(0);
    expect(await contact(contactId)).toMatchObject({ pref_sms_newsletter: false, pref_sms_marketing: false });
    expect((await contact(bystander.contactId))?.pref_sms_newsletter).toBe(true);
    const withdrawals = (await tableItems()).filter(
      (item) => item.entity === 'consent' && item.contactId === contactId && item.action === 'withdraw',
    );
    expect(withdrawals).toHaveLength(1);
    expect(withdrawals[0]).toMatchObject({ channel: 'sms', source: 'sms_keyword' });
  });
});
