import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from '@jest/globals';
import { LOCAL_TABLE_NAME } from '../../local/stack.js';
import {
  apiUrl,
  contactIdHolding,
  dynamoDb,
  drainOutbox,
  footprint,
  mail,
  post,
  postJson,
  randomClientIp,
  staffToken,
  tableItems,
  uniqueEmail,
  uniquePhone,
} from './local-stack.js';

const asNewClient = () => ({ 'X-Forwarded-For': randomClientIp() });

/** Makes the address known: an inquiry files it under a new contact. */
async function knownAddress(label: string): Promise<string> {
  const email = uniqueEmail(label);
  expect((await postJson('/inquiries', { name: 'Pat Privacy', email }, asNewClient())).status).toBe(201);
  await drainOutbox();
  return email;
}

const privacyMailTo = async (email: string) =>
  (await mail()).filter((message) => message.destination.to.includes(email) && /privacy request|Your data/.test(message.subject));

const requestsOf = async (maskedOrKey: (item: Record<string, unknown>) => boolean) =>
  (await tableItems()).filter((item) => item.entity === 'privacy_request' && maskedOrKey(item));

const requestFor = async (email: string) => (await requestsOf((item) => item.email === email)).at(-1);

function linkFrom(text: string | undefined, path: string): string {
  return new RegExp(`(https?://\\S+/privacy-requests/${path}\\?token=\\S+)`).exec(text ?? '')?.[1] ?? '';
}

/** Every confirm link of an email, in order. */
const confirmLinks = (text: string | undefined) =>
  [...(text ?? '').matchAll(/(https?:\/\/\S+\/privacy-requests\/confirm\?token=\S+)/g)].map((match) => match[1] ?? '');

/** The request a confirm link names (the token's claims are readable; its signature is what protects it). */
const requestIdOfLink = (link: string) => {
  const token = new URL(link).searchParams.get('token') ?? '';
  return (JSON.parse(Buffer.from(token.split('.')[2] ?? '', 'base64url').toString()) as { requestId?: string }).requestId;
};

/** The local gateway answers at apiUrl(); the links carry the configured public base URL. */
const local = (link: string) => `${apiUrl()}${new URL(link).pathname}${new URL(link).search}`;

async function submitAndConfirm(type: 'access' | 'correction' | 'deletion', email: string, details?: string) {
  expect((await postJson('/privacy-requests', { type, email, ...(details ? { details } : {}) }, asNewClient())).status).toBe(202);
  await drainOutbox();
  const [acknowledgement] = await privacyMailTo(email);
  const { requestId } = (await requestFor(email)) ?? {};
  const confirmUrl = local(linkFrom(acknowledgement?.body.text, 'confirm'));
  const confirmed = await fetch(confirmUrl, { method: 'POST', headers: { accept: 'application/json' } });
  expect(confirmed.status).toBe(200);
  await drainOutbox();
  const [request] = await requestsOf((item) => item.requestId === requestId);
  return { request: request ?? {}, confirmUrl };
}

describe('POST /privacy-requests', () => {
  it('answers 202, acknowledges at once with both due dates and a confirm link, and a GET of the link changes nothing', async () => {
    // Arrange
    const email = await knownAddress('access');
    // Act
    const response = await postJson('/privacy-requests', { type: 'access', email }, asNewClient());
    await drainOutbox();
    // Assert: the same answer as for anyone
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'pending_verification' });
    const [acknowledgement] = await privacyMailTo(email);
    expect(acknowledgement?.subject).toContain('We received your privacy request');
    expect(acknowledgement?.body.text).toMatch(/We will answer by \w+day, \w+ \d+, \d{4}/);
    expect(acknowledgement?.body.text).toContain('45 days from receipt');
    const record = await requestFor(email);
    expect(record).toMatchObject({
      type: 'access',
      status: 'pending_verification',
      maskedEmail: expect.stringContaining('***@'),
    });
    expect(record?.acknowledgedAt).toEqual(expect.any(String));
    expect(record?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 700 * 24 * 3600);
    expect(record).toMatchObject({ gsi1pk: 'PRIVACY_REQUESTS' });
    const confirmUrl = local(linkFrom(acknowledgement?.body.text, 'confirm'));

    // Act: a link scanner GETs the link
    const page = await fetch(confirmUrl, { headers: { accept: 'text/html' } });
    // Assert
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<button type="submit">Confirm</button>');
    expect(html).not.toContain(email);
    expect((await requestFor(email))?.status).toBe('pending_verification');
  });

  it('verifies an access request on POST and emails a link to a JSON export of that address only, other addresses masked', async () => {
    // Arrange: a contact holding an email and a phone
    const email = uniqueEmail('access-post');
    const phone = uniquePhone();
    await postJson('/inquiries', { name: 'Pat Privacy', email, phone, message: 'Need a demo' }, asNewClient());
    await drainOutbox();
    // Act
    const { request } = await submitAndConfirm('access', email);
    // Assert: the export link went out and the request is answered
    expect(request.status).toBe('completed');
    expect(request.email).toBeUndefined();
    const exportMail = (await privacyMailTo(email)).find((message) => message.subject.startsWith('Your data from'));
    const exportUrl = local(linkFrom(exportMail?.body.text, 'export'));
    expect(exportUrl).toContain('token=');
    // Act: the person opens the link
    const response = await fetch(exportUrl);
    // Assert
    expect(response.status).toBe(200);
    const document = (await response.json()) as { contact: Record<string, unknown>; inquiries: Record<string, unknown>[] };
    const text = JSON.stringify(document);
    expect(text).toContain(email);
    expect(text).toContain('Need a demo');
    const digits = phone.replace(/\D/g, '');
    expect(text).not.toContain(`+1${digits}`);
    expect(text).toContain(digits.slice(-4));
    const audit = (await tableItems()).filter(
      (item) => String(item.pk).startsWith('AUDIT#') && item.actor === `privacy_request:${String(request.requestId)}`,
    );
    expect(audit).toEqual([expect.objectContaining({ action: 'export' })]);
  });

  it("leaves out of an access export what others submitted with the contact's other address (a pre-claimed phone)", async () => {
    // Arrange: a stranger claims a phone number with their own email; its owner later writes with the phone alone
    const attacker = uniqueEmail('pre-claimer');
    const phone = uniquePhone();
    await postJson('/inquiries', { name: 'Mallory', email: attacker, phone, message: 'hi' }, asNewClient());
    await postJson('/inquiries', { name: 'Victoria Owner', phone, message: 'Our budget is 40k' }, asNewClient());
    await postJson(
      '/support-requests',
      { name: 'Victoria Owner', phone, subject: 'Account question', message: 'My account number is 99-1234' },
      asNewClient(),
    );
    await drainOutbox();
    // Act: the stranger asks for "their" data
    await submitAndConfirm('access', attacker);
    const exportMail = (await privacyMailTo(attacker)).find((message) => message.subject.startsWith('Your data from'));
    const document = await (await fetch(local(linkFrom(exportMail?.body.text, 'export')))).text();
    // Assert: their own inquiry only, nothing the phone's owner wrote, and no SMS records or preferences
    expect(document).toContain('hi');
    expect(document).not.toContain('Victoria');
    expect(document).not.toContain('40k');
    expect(document).not.toContain('99-1234');
    const parsed = JSON.parse(document) as { preferences: Record<string, unknown>; consentLedger: { channel: string }[] };
    expect(Object.keys(parsed.preferences)).toEqual(['email']);
    expect(parsed.consentLedger.filter((entry) => entry.channel !== 'email')).toEqual([]);
  });

  it('refuses an export link for another purpose or a tampered one, showing nothing', async () => {
    // Arrange
    const email = await knownAddress('export-forged');
    const { confirmUrl } = await submitAndConfirm('access', email);
    const confirmToken = new URL(confirmUrl).searchParams.get('token') ?? '';
    // Act
    const answers = await Promise.all(
      [confirmToken, 'v1.k1.e30.AAAA', ''].map((token) =>
        fetch(`${apiUrl()}/privacy-requests/export?token=${encodeURIComponent(token)}`),
      ),
    );
    // Assert
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401]);
    for (const answer of answers) expect(await answer.text()).not.toContain(email);
  });

  it('erases a verified deletion after sending its receipt, and the address can ask again later', async () => {
    // Arrange
    const email = await knownAddress('delete');
    // Act
    const { request } = await submitAndConfirm('deletion', email);
    // Assert: the receipt lists what is erased and kept, and when backups roll off
    const receipt = (await privacyMailTo(email)).find((message) => message.subject.startsWith('Your data has been deleted'));
    expect(receipt?.body.text).toContain('Erased:');
    expect(receipt?.body.text).toContain('1 inquiry you sent us');
    expect(receipt?.body.text).toContain('Kept, and why:');
    expect(receipt?.body.text).toMatch(/backups by \d{4}-\d{2}-\d{2}/);
    expect(request.status).toBe('completed');
    // Assert: nothing in the table holds the address any more
    expect(JSON.stringify(await tableItems())).not.toContain(email);
    // Act: the same address asks again
    const again = await postJson('/privacy-requests', { type: 'access', email }, asNewClient());
    await drainOutbox();
    // Assert: the same answer; nothing is held under the address, so nothing is sent
    expect(again.status).toBe(202);
    expect(await privacyMailTo(email)).toHaveLength(2);
    expect(
      (await requestsOf((item) => item.requestId !== request.requestId && item.emailKey === request.emailKey)).at(-1),
    ).toMatchObject({
      status: 'not_held',
    });
    // Act: a new inquiry from the address makes it known again, and a request from it is taken up
    expect((await postJson('/inquiries', { name: 'Pat Again', email }, asNewClient())).status).toBe(201);
    await drainOutbox();
    const newHolder = await contactIdHolding('email', email);
    expect(newHolder).toBeDefined();
    expect((await postJson('/privacy-requests', { type: 'access', email }, asNewClient())).status).toBe(202);
    await drainOutbox();
    // Assert: filed under the new contact; its acknowledgement waits for the hourly cap of the mailbox
    expect(await requestFor(email)).toMatchObject({ status: 'pending_verification', contactId: newHolder });
  });

  it('sends nothing to an address the system does not hold, answers the same 202, and keeps only a masked record', async () => {
    // Arrange
    const email = uniqueEmail('stranger');
    // Act
    const response = await postJson('/privacy-requests', { type: 'deletion', email }, asNewClient());
    await drainOutbox();
    // Assert
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'pending_verification' });
    expect(await privacyMailTo(email)).toHaveLength(0);
    const items = await tableItems();
    expect(JSON.stringify(items)).not.toContain(email);
    const masked = items.filter((item) => item.entity === 'privacy_request' && item.maskedEmail === `${email[0]}***@example.com`);
    expect(masked.at(-1)).toMatchObject({ status: 'not_held' });
  });

  it('takes an HTML form and sends at most one acknowledgement per address per hour', async () => {
    // Arrange
    const email = await knownAddress('burst');
    // Act
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const response = await post('/privacy-requests', new URLSearchParams({ type: 'access', email, details: '' }).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
        ...asNewClient(),
      });
      expect(response.status).toBe(202);
    }
    await drainOutbox();
    // Assert: three requests recorded, one email; each request is listed by it or held back
    // (a task held back while the email was being written may still have been listed by it)
    const [acknowledgement] = await privacyMailTo(email);
    expect(await privacyMailTo(email)).toHaveLength(1);
    const records = await requestsOf((item) => item.email === email);
    expect(records).toHaveLength(3);
    const listed = records.filter((item) => item.acknowledgedAt);
    const heldBack = (item: Record<string, unknown>) =>
      (item.steps as { step: string }[]).some((step) => step.step === 'acknowledgement_held_back');
    expect(listed.length).toBeGreaterThanOrEqual(1);
    expect(records.filter((item) => !item.acknowledgedAt).every(heldBack)).toBe(true);
    expect(confirmLinks(acknowledgement?.body.text)).toHaveLength(listed.length);
  });

  it.each([
    ['a correction without details', { type: 'correction' }, 'details'],
    ['an unknown type', { type: 'portability' }, 'type'],
    ['an unknown field', { type: 'access', admin: true }, 'admin'],
    ['details with a control character', { type: 'correction', details: 'name\u0007' }, 'details'],
    ['details over 5000 characters', { type: 'correction', details: 'x'.repeat(5001) }, 'details'],
  ])('refuses %s with 400 naming the field, storing and sending nothing', async (_case, fields, path) => {
    // Arrange
    const email = await knownAddress('bad');
    const before = await footprint();
    // Act
    const response = await postJson('/privacy-requests', { email, ...fields }, asNewClient());
    // Assert
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((detail) => detail.path)).toContain(path);
    expect(await footprint()).toEqual(before);
  });

  it('refuses a forged, foreign or wrong-purpose token with 401 and changes nothing', async () => {
    // Arrange: two people, each with a pending request
    const alice = await knownAddress('alice');
    const bob = await knownAddress('bob');
    await postJson('/privacy-requests', { type: 'deletion', email: alice }, asNewClient());
    await postJson('/privacy-requests', { type: 'deletion', email: bob }, asNewClient());
    await drainOutbox();
    const aliceLink = local(linkFrom((await privacyMailTo(alice))[0]?.body.text, 'confirm'));
    const token = new URL(aliceLink).searchParams.get('token') ?? '';
    const [version, keyId, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const bobRequest = await requestFor(bob);
    const forged = `${version}.${keyId}.${Buffer.from(JSON.stringify({ ...claims, requestId: bobRequest?.requestId })).toString('base64url')}.${signature}`;
    const preferencesLink =
      /href="([^"]*\/preferences\?token=[^"]+)"/.exec((await privacyMailTo(alice))[0]?.body.html ?? '')?.[1] ?? '';
    const wrongPurpose = new URL(preferencesLink.replaceAll('&amp;', '&')).searchParams.get('token') ?? '';
    const before = await footprint();
    // Act
    const answers = await Promise.all(
      [forged, wrongPurpose, 'not-a-token', `${token.slice(0, -2)}xx`].map((candidate) =>
        fetch(`${apiUrl()}/privacy-requests/confirm?token=${encodeURIComponent(candidate)}`, {
          method: 'POST',
          headers: { accept: 'application/json' },
        }),
      ),
    );
    // Assert
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401]);
    expect(await footprint()).toEqual(before);
    expect((await requestFor(alice))?.status).toBe('pending_verification');
    expect((await requestFor(bob))?.status).toBe('pending_verification');
  });
});

describe('corrections and extensions through the admin API', () => {
  const admin = async (method: string, path: string, body?: unknown) => {
    const token = await staffToken(['privacy'], 'privacy-officer');
    return fetch(`${apiUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  };

  it('queues a verified correction for staff, and the person is told when staff complete it', async () => {
    // Arrange
    const email = await knownAddress('correct');
    const { request } = await submitAndConfirm('correction', email, 'My company is now Acme Motors');
    expect(request.status).toBe('verified');
    const listing = (await (await admin('GET', '/admin/privacy-requests?status=verified')).json()) as {
      requests: { requestId: string; details?: string }[];
    };
    expect(listing.requests.find((item) => item.requestId === request.requestId)?.details).toBe('My company is now Acme Motors');
    // Act
    const completed = await admin('POST', `/admin/privacy-requests/${String(request.requestId)}/complete`, {
      note: 'Company name updated.',
    });
    await drainOutbox();
    // Assert
    expect(completed.status).toBe(200);
    expect(await completed.json()).toMatchObject({ status: 'completed' });
    const notice = (await privacyMailTo(email)).find((message) => message.subject.startsWith('Your privacy request is done'));
    expect(notice?.body.text).toContain('Company name updated.');
    const record = await requestsOf((item) => item.requestId === request.requestId);
    expect(record[0]?.email).toBeUndefined();
    expect(record[0]?.status).toBe('completed');
    // A completed request cannot be completed again
    expect((await admin('POST', `/admin/privacy-requests/${String(request.requestId)}/complete`, {})).status).toBe(409);
  });

  it('extends to at most 90 days from receipt, only with a reason, and sends the person a notice', async () => {
    // Arrange
    const email = await knownAddress('extend');
    const { request } = await submitAndConfirm('correction', email, 'Please fix my phone number');
    const path = `/admin/privacy-requests/${String(request.requestId)}/extend`;
    const before = await footprint();
    // Act + Assert: refused without a reason, or beyond 90 days; nothing changes
    expect((await admin('POST', path, { days: 60 })).status).toBe(400);
    expect((await admin('POST', path, { reason: 'busy', days: 91 })).status).toBe(400);
    expect((await admin('POST', path, { reason: 'busy', days: 30 })).status).toBe(400);
    expect(await footprint()).toEqual(before);
    // Act
    const extended = await admin('POST', path, { reason: 'We need to check the number with the dealership.', days: 90 });
    await drainOutbox();
    // Assert
    expect(extended.status).toBe(200);
    const view = (await extended.json()) as { status: string; respondBy: string; receivedAt: string };
    expect(view.status).toBe('extended');
    const days = (Date.parse(view.respondBy) - Date.parse(view.receivedAt)) / (24 * 3600 * 1000);
    expect(days).toBeGreaterThan(89);
    expect(days).toBeLessThanOrEqual(91);
    const notice = (await privacyMailTo(email)).find((message) => message.subject.startsWith('We need more time'));
    expect(notice?.body.text).toContain('We need to check the number with the dealership.');
    // A second extension cannot pass 90 days either
    expect((await admin('POST', path, { reason: 'more', days: 90 })).status).toBe(400);
  });

  it('answers 404 for an unknown request id', async () => {
    expect((await admin('POST', '/admin/privacy-requests/no-such-id/complete', {})).status).toBe(404);
  });
});

describe('the daily overdue check', () => {
  it('reports a request whose answer is near or past due, by id only', async () => {
    // Arrange
    const email = await knownAddress('overdue');
    const { request } = await submitAndConfirm('correction', email, 'Change my name');
    // Act: the scheduler ticks 44 days later, then 50 days later
    const run = async (days: number) => {
      const response = await fetch(`${apiUrl()}/_local/jobs/privacy-overdue`, {
        method: 'POST',
        body: JSON.stringify({ time: new Date(Date.now() + days * 24 * 3600 * 1000).toISOString() }),
      });
      return ((await response.json()) as { result: { due: { requestId: string; clock: string; state: string }[] } }).result.due;
    };
    const near = await run(44);
    const past = await run(50);
    // Assert
    expect(near.find((due) => due.requestId === request.requestId && due.clock === 'respond')?.state).toBe('near');
    expect(past.find((due) => due.requestId === request.requestId && due.clock === 'respond')?.state).toBe('past');
    expect(JSON.stringify(past)).not.toContain('@');
  });
});

describe("a stranger holding back a person's acknowledgement", () => {
  /**
   * Moves the mailbox's one-acknowledgement-per-hour window into the past, as if the hour had gone
   * by. Its key is a salted HMAC of the mailbox, which a test cannot compute: it is found by the
   * acknowledgement of the address's requests that took it.
   */
  async function anHourLater(email: string): Promise<void> {
    const items = await tableItems();
    const takers = new Set(
      items.filter((item) => item.entity === 'privacy_request' && item.email === email).map((item) => String(item.requestId)),
    );
    const windows = items.filter(
      (item) =>
        String(item.pk).startsWith('LIMIT#privacy_ack#') &&
        [...takers].some((requestId) => String(item.lastKey).includes(requestId)),
    );
    expect(windows).toHaveLength(1);
    const client = dynamoDb();
    await client.send(
      new UpdateItemCommand({
        TableName: LOCAL_TABLE_NAME,
        Key: { pk: { S: String(windows[0]?.pk) }, sk: { S: 'LIMIT' } },
        UpdateExpression: 'SET lastAt = lastAt - :hour',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':hour': { N: '3700' } },
      }),
    );
    client.destroy();
  }

  const runDailyJob = async () => {
    const response = await fetch(`${apiUrl()}/_local/jobs/privacy-overdue`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
  };

  it('ends with the victim holding a working confirm link for their own request, and no more emails than the cap', async () => {
    // Arrange: the stranger files a decoy for the victim's address; it is acknowledged
    const victim = await knownAddress('decoy-victim');
    const attacker = { 'X-Forwarded-For': randomClientIp() };
    expect((await postJson('/privacy-requests', { type: 'deletion', email: victim }, attacker)).status).toBe(202);
    await drainOutbox();
    expect(await privacyMailTo(victim)).toHaveLength(1);
    // Act: the victim asks within the hour, and the stranger keeps filing decoys
    expect((await postJson('/privacy-requests', { type: 'access', email: victim }, asNewClient())).status).toBe(202);
    await drainOutbox();
    const [own] = await requestsOf((item) => item.email === victim && item.type === 'access');
    for (let decoy = 0; decoy < 3; decoy += 1)
      expect((await postJson('/privacy-requests', { type: 'deletion', email: victim }, attacker)).status).toBe(202);
    await drainOutbox();
    // Assert: the victim's acknowledgement was held back, nothing more reached the mailbox
    expect(await privacyMailTo(victim)).toHaveLength(1);
    const held = await requestsOf((item) => item.requestId === own?.requestId);
    expect(held[0]?.acknowledgedAt).toBeUndefined();
    expect((held[0]?.steps as { step: string }[]).map((step) => step.step)).toContain('acknowledgement_held_back');
    // Act: the daily job, once the mailbox's hour has gone by, then again the same day
    await anHourLater(victim);
    await runDailyJob();
    await runDailyJob();
    await drainOutbox();
    // Assert: exactly one more email, listing the victim's request with its own link, and the decoys'
    const emails = await privacyMailTo(victim);
    expect(emails).toHaveLength(2);
    const links = confirmLinks(emails[1]?.body.text);
    expect(links).toHaveLength(4);
    const ownLink = links.find((link) => requestIdOfLink(link) === own?.requestId);
    expect(ownLink).toBeDefined();
    expect(emails[1]?.body.html).toContain('Confirm request 4');
    expect(emails[1]?.body.text).toContain('a copy of the personal data');
    const [acknowledged] = await requestsOf((item) => item.requestId === own?.requestId);
    expect(acknowledged?.acknowledgedAt).toEqual(expect.any(String));
    // Act: the victim follows their own link
    const confirmed = await fetch(local(ownLink ?? ''), { method: 'POST', headers: { accept: 'application/json' } });
    await drainOutbox();
    // Assert: their request is verified and answered; the decoys stay unverified
    expect(confirmed.status).toBe(200);
    const [answered] = await requestsOf((item) => item.requestId === own?.requestId);
    expect(answered?.status).toBe('completed');
    expect((await privacyMailTo(victim)).filter((message) => message.subject.startsWith('Your data from'))).toHaveLength(1);
    const decoys = await requestsOf((item) => item.emailKey === own?.emailKey && item.type === 'deletion');
    expect(decoys).toHaveLength(4);
    expect(decoys.every((item) => item.status === 'pending_verification' && item.acknowledgedAt)).toBe(true);
  });
});
