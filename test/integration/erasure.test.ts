import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from '@jest/globals';
import { LOCAL_TABLE_NAME } from '../../local/stack.js';
import { toE164 } from '../../shared/domain/contact.js';
import { HTTP_ROUTES } from '../../shared/routes.js';
import {
  apiUrl,
  confirmEmailOptIn,
  contactIdOfInquiry,
  drainOutbox,
  dynamoDb,
  mail,
  postJson,
  sms,
  staffToken,
  tableItems,
  textFrom,
  uniqueEmail,
  uniquePhone,
} from './local-stack.js';

interface Receipt {
  contactId: string;
  scope: string;
  erasedAt: string;
  by: { kind: string; actor?: string };
  erased: Record<string, number>;
  kept: { what: string; count?: number; why: string }[];
  backupsRollOffOn: string;
}

const asStaff = async (method: string, path: string, groups: string[], body?: unknown) =>
  fetch(`${apiUrl()}${path}`, {
    method,
    headers: { authorization: `Bearer ${await staffToken(groups)}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const dispatchAt = async (time: string) =>
  fetch(`${apiUrl()}/_local/jobs/campaign-dispatch`, { method: 'POST', body: JSON.stringify({ time }) });

/** A one-off newsletter by email, run now: every confirmed newsletter subscriber gets it. */
async function runNewsletter(subject: string): Promise<void> {
  const at = new Date(Date.now() + 60_000).toISOString();
  const created = await asStaff('POST', '/admin/campaigns', ['marketing'], {
    name: subject,
    category: 'newsletter',
    channels: ['email'],
    subject,
    text: 'What is new on the lot this month.',
    schedule: { at },
  });
  expect(created.status).toBe(201);
  await dispatchAt(at);
  await drainOutbox();
}

const routeExists = (method: string, path: string) => HTTP_ROUTES.some((route) => route.method === method && route.path === path);

/** A person with a name, an email typed in mixed case, and a number typed in national format. */
function person(label: string) {
  const stamp = `${Date.now()}${Math.random().toString(36).slice(2, 8)}`;
  const email = uniqueEmail(label).replace(/^[a-z]/, (first) => first.toUpperCase());
  const national = uniquePhone();
  const e164 = toE164(national) ?? '';
  return { name: `Erin Erasable ${stamp}`, companyName: `Erasable Motors ${stamp}`, email, national, e164 };
}

/** Every form a trace of the person could take in the table. */
function traces(who: ReturnType<typeof person>): string[] {
  const digits = who.e164.replace(/^\+1/, '');
  return [
    who.name,
    who.name.toLowerCase(),
    who.companyName,
    who.email,
    who.email.toLowerCase(),
    who.e164,
    digits,
    who.national,
    `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`,
  ];
}

const holding = (items: Record<string, unknown>[], needle: string) =>
  items.filter((item) => JSON.stringify(item, (_key, value) => (value instanceof Set ? [...value] : value)).includes(needle));

/**
 * The one-acknowledgement-per-hour windows a contact's inquiries took. Their keys are keyed HMACs
 * of the mailbox, which a test cannot compute: they are found by the inquiry that took them.
 */
function acknowledgementWindows(items: Record<string, unknown>[], contactId: string): string[] {
  const takers = new Set(
    items
      .filter((item) => item.pk === `CONTACT#${contactId}` && item.entity === 'inquiry')
      .map((item) => `inquiry#${String(item.inquiryId)}#acknowledgement`),
  );
  const windows = items
    .filter((item) => String(item.pk).startsWith('LIMIT#acknowledgement#') && takers.has(String(item.lastKey)))
    .map((item) => String(item.pk));
  expect(windows).toHaveLength(1);
  return windows;
}

/** Moves acknowledgement windows into the past, as if the hour had gone by. */
async function anHourLater(windows: string[]): Promise<void> {
  const client = dynamoDb();
  for (const pk of windows)
    await client
      .send(
        new UpdateItemCommand({
          TableName: LOCAL_TABLE_NAME,
          Key: { pk: { S: pk }, sk: { S: 'LIMIT' } },
          UpdateExpression: 'SET lastAt = lastAt - :hour',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':hour': { N: '7200' } },
        }),
      )
      .catch(() => undefined);
  client.destroy();
}

const emailsTo = async (email: string) => (await mail()).filter((message) => message.destination.to.includes(email));

/** Writes one contact through every path that stores personal data; returns its id. */
async function contactThroughEveryPath(who: ReturnType<typeof person>): Promise<string> {
  const inquiry = await postJson('/inquiries', {
    name: who.name,
    email: who.email,
    phone: who.national,
    companyName: who.companyName,
    message: `Call me back on ${who.national} or write to ${who.email}.`,
    consent: { email: true, sms: true },
  });
  expect(inquiry.status).toBe(201);
  const contactId = await contactIdOfInquiry(((await inquiry.json()) as { inquiryId: string }).inquiryId);
  await drainOutbox();
  expect(await confirmEmailOptIn(who.email.toLowerCase())).toBe(200);
  expect(await textFrom(who.e164, 'YES')).toBe(200);
  expect(await textFrom(who.e164, 'HELP')).toBe(200);
  expect(await textFrom(who.e164, 'STOP')).toBe(200);
  expect((await postJson('/subscriptions', { email: who.email, name: who.name, topics: ['product_updates'] })).status).toBe(202);
  await drainOutbox();
  await runNewsletter(`Before erasure ${Date.now()}`);
  // A soft bounce: counted under the address's salted hash, and the address stays mailable.
  await fetch(`${apiUrl()}/_local/ses/events`, {
    method: 'POST',
    body: JSON.stringify({ type: 'bounce', bounceType: 'Transient', email: who.email.toLowerCase() }),
  });
  if (routeExists('POST', '/support-requests')) {
    const support = await postJson('/support-requests', {
      name: who.name,
      email: who.email,
      phone: who.national,
      subject: 'My order',
      message: `Reach me at ${who.national}.`,
    });
    expect(support.status).toBe(201);
  }
  await drainOutbox();
  return contactId;
}

describe('DELETE /admin/contacts/{id} (erasure)', () => {
  it('leaves no trace of the name, email or phone anywhere in the table, keeps tombstones, and lets the address ask again', async () => {
    // Arrange: one contact through every path that stores personal data
    const who = person('erasure');
    const contactId = await contactThroughEveryPath(who);
    const before = await tableItems();
    expect(holding(before, who.e164).length).toBeGreaterThan(0);
    expect(holding(before, who.email.toLowerCase()).length).toBeGreaterThan(0);
    expect((await emailsTo(who.email.toLowerCase())).some((message) => message.subject.startsWith('Before erasure'))).toBe(true);
    expect(before.some((item) => String(item.pk).startsWith('AUDIENCE#') && item.sk === contactId)).toBe(true);
    const windows = acknowledgementWindows(before, contactId);

    // Act
    const response = await asStaff('DELETE', `/admin/contacts/${contactId}`, ['admin']);
    await drainOutbox();

    // Assert: the receipt says what went, what stays and why, and when backups roll off
    expect(response.status).toBe(200);
    const receipt = (await response.json()) as Receipt;
    expect(receipt).toMatchObject({ contactId, scope: 'contact', by: { kind: 'staff' } });
    expect(receipt.erased).toMatchObject({ profile: 1, inquiry: 1, address_lookup: 2 });
    expect(receipt.erased.consent_record).toBeGreaterThanOrEqual(3);
    expect(receipt.erased.message_recipient).toBeGreaterThanOrEqual(4);
    expect(receipt.kept.map((kept) => kept.what)).toEqual(
      expect.arrayContaining(['suppression_tombstone', 'erasure_record', 'audit_entries', 'message_log']),
    );
    expect(receipt.kept.find((kept) => kept.what === 'suppression_tombstone')?.count).toBe(2);
    const rollOff = new Date(Date.parse(receipt.erasedAt) + 35 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    expect(receipt.backupsRollOffOn).toBe(rollOff);
    expect(JSON.stringify(receipt)).not.toContain(who.email.toLowerCase());

    // No trace of the person in any item, in any form.
    const after = await tableItems();
    for (const trace of traces(who)) expect({ trace, items: holding(after, trace) }).toEqual({ trace, items: [] });
    const left = after.filter((item) => item.pk === `CONTACT#${contactId}`);
    expect(left.filter((item) => item.sk === 'PROFILE' || String(item.sk).startsWith('INQUIRY#'))).toEqual([]);
    expect(left.filter((item) => item.entity === 'consent')).toEqual([
      expect.objectContaining({ source: 'erasure', state: 'complete' }),
    ]);
    expect(after.filter((item) => String(item.pk).startsWith('AUDIENCE#') && item.sk === contactId)).toEqual([]);
    const tombstones = after.filter(
      (item) => item.entity === 'suppression' && item.reason === 'erasure' && item.at === receipt.erasedAt,
    );
    expect(tombstones.map((item) => item.channel).sort()).toEqual(['email', 'sms']);
    expect(after.filter((item) => item.pk === `AUDIT#${contactId}` && item.action === 'erase')).toHaveLength(1);

    // A later campaign reaches no one of them.
    const later = `After erasure ${Date.now()}`;
    await runNewsletter(later);
    expect((await emailsTo(who.email.toLowerCase())).filter((message) => message.subject === later)).toEqual([]);

    // Erasing again answers the same receipt.
    const again = await asStaff('DELETE', `/admin/contacts/${contactId}`, ['admin']);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(receipt);

    // The same address may ask again: a new inquiry is stored and acknowledged.
    const acknowledgementsBefore = (await emailsTo(who.email.toLowerCase())).length;
    const textsBefore = (await sms()).filter((text) => text.to === who.e164).length;
    await anHourLater(windows);
    const renewed = await postJson('/inquiries', { name: 'Erin Again', email: who.email });
    expect(renewed.status).toBe(201);
    const renewedContact = await contactIdOfInquiry(((await renewed.json()) as { inquiryId: string }).inquiryId);
    await drainOutbox();
    expect(renewedContact).not.toBe(contactId);
    expect((await emailsTo(who.email.toLowerCase())).length).toBe(acknowledgementsBefore + 1);
    expect((await sms()).filter((text) => text.to === who.e164).length).toBe(textsBefore);
  }, 180_000);

  it.each([['marketing'], ['sales'], ['support'], ['analyst']])(
    'refuses the %s role with 403 and erases nothing',
    async (role) => {
      // Arrange
      const who = person(`erasure-${role}`);
      const created = await postJson('/inquiries', { name: who.name, email: who.email, phone: who.national });
      const contactId = await contactIdOfInquiry(((await created.json()) as { inquiryId: string }).inquiryId);
      await drainOutbox();
      const before = (await tableItems()).filter((item) => item.pk === `CONTACT#${contactId}`);

      // Act
      const response = await asStaff('DELETE', `/admin/contacts/${contactId}`, [role]);

      // Assert
      expect(response.status).toBe(403);
      const after = (await tableItems()).filter((item) => item.pk === `CONTACT#${contactId}`);
      expect(after).toEqual(before);
      expect(holding(after, who.email.toLowerCase()).length).toBeGreaterThan(0);
    },
  );

  it('lets the privacy role erase, and answers 404 for a contact that never existed', async () => {
    const who = person('erasure-privacy');
    const created = await postJson('/inquiries', { name: who.name, email: who.email });
    const contactId = await contactIdOfInquiry(((await created.json()) as { inquiryId: string }).inquiryId);
    await drainOutbox();

    const erased = await asStaff('DELETE', `/admin/contacts/${contactId}`, ['privacy']);
    const unknown = await asStaff('DELETE', '/admin/contacts/01JNOSUCHCONTACT0000000000', ['admin']);

    expect(erased.status).toBe(200);
    expect(unknown.status).toBe(404);
    expect(holding(await tableItems(), who.email.toLowerCase())).toEqual([]);
  });
});

describe('erasure tombstones beside bounces, and minimisation of unconfirmed sign-ups', () => {
  it('keeps a hard bounce as it was: a new inquiry from the bounced address is stored but gets no email', async () => {
    // Arrange: an address that bounced, then its contact is erased
    const who = person('erasure-bounced');
    const created = await postJson('/inquiries', { name: who.name, email: who.email });
    const contactId = await contactIdOfInquiry(((await created.json()) as { inquiryId: string }).inquiryId);
    await drainOutbox();
    await fetch(`${apiUrl()}/_local/ses/events`, {
      method: 'POST',
      body: JSON.stringify({ type: 'bounce', email: who.email.toLowerCase() }),
    });
    const bouncedWindows = acknowledgementWindows(await tableItems(), contactId);
    expect((await asStaff('DELETE', `/admin/contacts/${contactId}`, ['admin'])).status).toBe(200);
    const mailed = (await emailsTo(who.email.toLowerCase())).length;

    await anHourLater(bouncedWindows);

    // Act
    const renewed = await postJson('/inquiries', { name: 'Bounced Again', email: who.email });
    await drainOutbox();

    // Assert
    expect(renewed.status).toBe(201);
    expect((await emailsTo(who.email.toLowerCase())).length).toBe(mailed);
  });

  it('gives a contact that only signed up a 30-day expiry, which confirming removes', async () => {
    // Arrange
    const email = uniqueEmail('minimised');
    const contactOf = async () =>
      (await tableItems()).find((item) => item.entity === 'contact' && item.email === email) as
        Record<string, unknown> | undefined;

    // Act
    expect((await postJson('/subscriptions', { email, name: 'Only Signed Up' })).status).toBe(202);
    await drainOutbox();
    const unconfirmed = await contactOf();

    // Assert: it expires by TTL 30 days after the sign-up, as does everything it is waiting for
    const thirtyDays = Math.floor(Date.now() / 1000) + 30 * 24 * 3600;
    expect(Number(unconfirmed?.expiresAt)).toBeGreaterThan(thirtyDays - 120);
    expect(Number(unconfirmed?.expiresAt)).toBeLessThanOrEqual(thirtyDays + 5);
    const pending = (await tableItems()).filter(
      (item) => item.pk === `CONTACT#${String(unconfirmed?.contactId)}` && item.sk !== 'PROFILE' && item.entity !== 'message',
    );
    expect(pending.length).toBeGreaterThan(0);
    for (const item of pending) expect(Number(item.expiresAt)).toBeLessThanOrEqual(thirtyDays + 5);

    expect(await confirmEmailOptIn(email)).toBe(200);
    expect(await contactOf()).not.toHaveProperty('expiresAt');
  });

  it('lets an inquiry keep a contact that had only signed up', async () => {
    const email = uniqueEmail('minimised-inquiry');
    await postJson('/subscriptions', { email });
    await drainOutbox();

    await postJson('/inquiries', { name: 'Now Asking', email });
    await drainOutbox();

    const contact = (await tableItems()).find((item) => item.entity === 'contact' && item.email === email);
    expect(contact).toBeDefined();
    expect(contact).not.toHaveProperty('expiresAt');
  });

  it('erases a contact that only signed up, with its pending sign-up and queued confirmation', async () => {
    const email = uniqueEmail('minimised-erased');
    await postJson('/subscriptions', { email, name: 'Pending Person' });
    await drainOutbox();
    const contactId = String((await tableItems()).find((item) => item.entity === 'contact' && item.email === email)?.contactId);

    const response = await asStaff('DELETE', `/admin/contacts/${contactId}`, ['admin']);

    expect(response.status).toBe(200);
    expect((await response.json()) as Receipt).toMatchObject({
      erased: { profile: 1, subscription_pending: 1, outbox_message: 1 },
    });
    expect(holding(await tableItems(), email)).toEqual([]);
  });
});
