import { describe, expect, it } from '@jest/globals';
import {
  apiUrl,
  confirmEmailOptIn,
  contactIdHolding,
  contactIdOfInquiry,
  drainOutbox,
  mail,
  postJson,
  tableItems,
  uniqueEmail,
} from './local-stack.js';

const sesEvent = (body: { type: 'bounce' | 'complaint'; email: string; bounceType?: string }) =>
  fetch(`${apiUrl()}/_local/ses/events`, { method: 'POST', body: JSON.stringify(body) });

/** An address that asked for email on an inquiry form and confirmed it from the acknowledgement's link. */
async function emailSubscriber() {
  const email = uniqueEmail('bounce');
  const response = await postJson('/inquiries', { name: 'Mail Person', email, consent: { email: true, sms: false } });
  expect(response.status).toBe(201);
  const { inquiryId } = (await response.json()) as { inquiryId: string };
  expect(await confirmEmailOptIn(email)).toBe(200);
  return { email, contactId: await contactIdOfInquiry(inquiryId) };
}

/**
 * An address that signed up for the newsletter and confirmed it. It has had no inquiry
 * acknowledgement yet, so the per-address cap on acknowledgements does not hold back a later one.
 */
async function newsletterSubscriber() {
  const email = uniqueEmail('bounce');
  expect((await postJson('/subscriptions', { email, name: 'Mail Person' })).status).toBe(202);
  await drainOutbox();
  expect(await confirmEmailOptIn(email)).toBe(200);
  const contactId = await contactIdHolding('email', email);
  if (!contactId) throw new Error('The sign-up stored no contact');
  return { email, contactId };
}

const suppressions = async () => (await tableItems()).filter((item) => item.entity === 'suppression');
const contactOf = async (contactId: string) =>
  (await tableItems()).find((item) => item.entity === 'contact' && item.contactId === contactId);
const emailsTo = async (email: string) => (await mail()).filter((message) => message.destination.to.includes(email));

describe('SES bounces and complaints', () => {
  it('suppresses a hard-bounced address, keyed by a salted hash, and sends it nothing more', async () => {
    // Arrange
    const { email, contactId } = await newsletterSubscriber();
    const sentBefore = (await emailsTo(email)).length;
    const before = new Set((await suppressions()).map((item) => String(item.pk)));
    // Act
    await sesEvent({ type: 'bounce', email, bounceType: 'Permanent' });
    await postJson('/inquiries', { name: 'Mail Person', email });
    await drainOutbox();
    // Assert
    const added = (await suppressions()).filter((item) => !before.has(String(item.pk)));
    expect(added).toHaveLength(1);
    expect(JSON.stringify(added[0])).not.toContain(email);
    expect(added[0]).toMatchObject({ channel: 'email', reason: 'hard_bounce' });
    expect(await emailsTo(email)).toHaveLength(sentBefore);
    const message = (await tableItems()).filter(
      (item) => item.entity === 'message' && item.contactId === contactId && item.status === 'skipped_suppressed',
    );
    expect(message).toHaveLength(1);
  });

  it('withdraws every email topic on a complaint and suppresses the address', async () => {
    const { email, contactId } = await emailSubscriber();
    await sesEvent({ type: 'complaint', email });
    expect(await contactOf(contactId)).toMatchObject({
      pref_email_newsletter: false,
      pref_email_marketing: false,
      emailOptOutAll: true,
    });
    const ledger = (await tableItems()).filter(
      (item) => item.entity === 'consent' && item.contactId === contactId && item.source === 'complaint',
    );
    expect(ledger).toHaveLength(1);
    expect((await suppressions()).some((item) => item.reason === 'complaint')).toBe(true);
  });

  it('suppresses after the third soft bounce within 30 days, not before', async () => {
    const { email, contactId } = await emailSubscriber();
    const keys = async () => new Set((await suppressions()).map((item) => String(item.pk)));
    const start = await keys();
    await sesEvent({ type: 'bounce', email, bounceType: 'Transient' });
    await sesEvent({ type: 'bounce', email, bounceType: 'Transient' });
    expect((await keys()).size).toBe(start.size);
    await sesEvent({ type: 'bounce', email, bounceType: 'Transient' });
    const added = (await suppressions()).filter((item) => !start.has(String(item.pk)));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ reason: 'soft_bounces' });
    // Soft bounces leave consent alone; only sending stops.
    expect((await contactOf(contactId))?.pref_email_newsletter).toBe(true);
  });
});
