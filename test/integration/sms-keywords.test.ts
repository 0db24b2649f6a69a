import { describe, expect, it } from '@jest/globals';
import { toE164 } from '../../shared/domain/contact.js';
import { apiUrl, drainOutbox, footprint, postJson, sms, tableItems, uniqueEmail, uniquePhone } from './local-stack.js';

const inbound = async (from: string, body: string) =>
  (await fetch(`${apiUrl()}/_local/sms/inbound`, { method: 'POST', body: JSON.stringify({ from, body }) })).json() as Promise<{
    inboundMessageId: string;
  }>;

async function smsSubscriber() {
  const phone = toE164(uniquePhone()) ?? '';
  const receipt = (await (
    await postJson('/inquiries', { name: 'Texter', email: uniqueEmail('texter'), phone, consent: { email: false, sms: true } })
  ).json()) as {
    contactId: string;
  };
  await drainOutbox();
  return { phone, contactId: receipt.contactId };
}

const textsTo = async (phone: string) => (await sms()).filter((text) => text.to === phone);
const contact = async (contactId: string) =>
  (await tableItems()).find((item) => item.entity === 'contact' && item.contactId === contactId);

describe('inbound SMS keywords', () => {
  it('STOP withdraws every SMS topic, confirms once without marketing, and nothing more is texted', async () => {
    // Arrange: the opt-in confirmation has gone out
    const { phone, contactId } = await smsSubscriber();
    expect(await textsTo(phone)).toHaveLength(1);
    // Act
    await inbound(phone, ' stop ');
    await inbound(phone, 'STOP');
    // Assert
    const texts = await textsTo(phone);
    expect(texts).toHaveLength(2);
    const confirmation = texts[1]?.body ?? '';
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
    await postJson('/inquiries', { name: 'Texter', phone });
    await drainOutbox();
    expect(await textsTo(phone)).toHaveLength(2);
  });

  it('counts a free-text "please stop texting me" as an opt-out', async () => {
    const { phone, contactId } = await smsSubscriber();
    await inbound(phone, 'Please stop texting me, thanks');
    expect((await contact(contactId))?.pref_sms_newsletter).toBe(false);
    expect((await textsTo(phone)).at(-1)?.body).toContain('You are unsubscribed');
  });

  it('leaves consent alone for a reply that does not ask to stop', async () => {
    const { phone, contactId } = await smsSubscriber();
    await inbound(phone, 'Can I stop by the dealership Tuesday?');
    expect((await contact(contactId))?.pref_sms_newsletter).toBe(true);
    expect(await textsTo(phone)).toHaveLength(1);
  });

  it('START opts back in and confirms with HELP and STOP wording', async () => {
    const { phone, contactId } = await smsSubscriber();
    await inbound(phone, 'STOP');
    await inbound(phone, 'start');
    expect((await contact(contactId))?.pref_sms_marketing).toBe(true);
    const reply = (await textsTo(phone)).at(-1)?.body ?? '';
    expect(reply).toContain('subscribed again');
    expect(reply).toContain('Reply HELP for help, STOP to opt out');
  });

  it('HELP replies with the brand, support email and phone, and how to opt out, even after STOP', async () => {
    const { phone } = await smsSubscriber();
    await inbound(phone, 'STOP');
    await inbound(phone, 'HELP');
    const reply = (await textsTo(phone)).at(-1)?.body ?? '';
    expect(reply).toContain('Forecourt Demo Motors Software');
    expect(reply).toContain('support@forecourt.example');
    expect(reply).toContain('+18885550100');
    expect(reply).toContain('Reply STOP to opt out');
  });

  it('changes nothing and texts nothing for an unknown number', async () => {
    const stranger = toE164(uniquePhone()) ?? '';
    const before = await footprint();
    await inbound(stranger, 'STOP');
    expect(await textsTo(stranger)).toHaveLength(0);
    expect(await footprint()).toEqual(before);
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
