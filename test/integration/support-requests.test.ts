import { describe, expect, it } from '@jest/globals';
import { toE164 } from '../../shared/domain/contact.js';
import { TICKET_ID_PATTERN } from '../../shared/domain/support/support-request.js';
import {
  apiUrl,
  drainOutbox,
  footprint,
  mail,
  post,
  postJson,
  sms,
  staffToken,
  tableItems,
  textFrom,
  uniqueEmail,
  uniquePhone,
} from './local-stack.js';

/** The support desk's mailbox in `config/example.json`. */
const SUPPORT_DESK = 'support-desk@forecourt.example';

interface Receipt {
  status: number;
  body: Record<string, unknown>;
}

async function submit(body: unknown, headers: Record<string, string> = {}): Promise<Receipt> {
  const response = await postJson('/support-requests', body, headers);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function ticketOf(body: unknown, headers: Record<string, string> = {}): Promise<string> {
  const receipt = await submit(body, headers);
  expect(receipt.status).toBe(201);
  return String(receipt.body.ticketId);
}

const mailTo = async (address: string) => (await mail()).filter((email) => email.destination.to.includes(address));
const forwardsOf = async (ticketId: string) =>
  (await mailTo(SUPPORT_DESK)).filter((email) => email.subject.includes(`[${ticketId}]`));
const storedRequest = async (ticketId: string) =>
  (await tableItems()).find((item) => item.entity === 'support_request' && item.ticketId === ticketId);
const headerOf = (email: { headers: { name: string; value: string }[] }, name: string) =>
  email.headers.find((header) => header.name.toLowerCase() === name.toLowerCase())?.value;
const fullText = (email: { subject: string; body: { text?: string; html?: string } }) =>
  `${email.subject}\n${email.body.text ?? ''}\n${email.body.html ?? ''}`;

describe('POST /support-requests through the local stack', () => {
  it('answers 201 with a random ticket id, stores the request under the holder of the email, acknowledges it once with Auto-Submitted and the ticket id only, and forwards what was written to the support desk with Reply-To', async () => {
    // Arrange
    const email = uniqueEmail('sam');
    const phone = uniquePhone();
    const request = {
      name: 'Sam Rivera',
      email: email.toUpperCase(),
      phone,
      subject: 'Inventory feed <stuck>',
      message: 'Our feed stopped syncing at 9am.\nCan you look? <b>thanks</b>',
    };

    // Act
    const response = await postJson('/support-requests', request);
    await drainOutbox();

    // Assert: the answer names the ticket alone
    expect(response.status).toBe(201);
    const body = (await response.json()) as { ticketId: string };
    expect(Object.keys(body)).toEqual(['ticketId']);
    expect(body.ticketId).toMatch(TICKET_ID_PATTERN);
    // Assert: the request is stored under the contact that holds the email, with its fields
    const stored = await storedRequest(body.ticketId);
    const contact = (await tableItems()).find((item) => item.entity === 'contact' && item.email === email);
    expect(contact).toMatchObject({ name: 'Sam Rivera', email, phone: toE164(phone) });
    expect(stored).toMatchObject({
      pk: `CONTACT#${String(contact?.contactId)}`,
      sk: `SUPPORT#${body.ticketId}`,
      gsi1pk: 'SUPPORT_REQUESTS#open',
      gsi1sk: expect.stringMatching(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T.*#${body.ticketId}$`)),
      ticketId: body.ticketId,
      contactId: contact?.contactId,
      subject: request.subject,
      message: request.message,
      submitted: { name: 'Sam Rivera', email, phone: toE164(phone) },
      receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      status: 'open',
      flags: [],
      holders: { email: contact?.contactId, sms: contact?.contactId },
    });
    // Assert: one acknowledgement, an automatic reply naming the ticket and nothing the person wrote
    const acks = await mailTo(email);
    expect(acks).toHaveLength(1);
    const ack = acks[0]!;
    expect(headerOf(ack, 'Auto-Submitted')).toBe('auto-replied');
    expect(ack.subject).toContain(body.ticketId);
    expect(ack.body.text).toContain(body.ticketId);
    expect(ack.body.text).toContain('Hi Sam,');
    for (const written of ['Inventory feed', 'stuck', 'Our feed stopped', 'thanks', 'Rivera'])
      expect(fullText(ack)).not.toContain(written);
    // Assert: the support desk gets what was written, escaped, with Reply-To the person
    const forwards = await forwardsOf(body.ticketId);
    expect(forwards).toHaveLength(1);
    const forward = forwards[0]!;
    expect(forward.replyTo).toEqual([email]);
    expect(forward.subject).toBe(`[${body.ticketId}] Inventory feed <stuck>`);
    expect(forward.body.text).toContain('Our feed stopped syncing at 9am.\nCan you look? <b>thanks</b>');
    expect(forward.body.html).toContain('Can you look? &lt;b&gt;thanks&lt;/b&gt;');
    expect(forward.body.html).not.toContain('<b>thanks');
    expect(headerOf(forward, 'Auto-Submitted')).toBeUndefined();
  });

  it('files a request from a known address under its contact, never rewrites that contact, and answers the same as for a new one', async () => {
    // Arrange: the address is already held
    const email = uniqueEmail('known');
    await ticketOf({ name: 'Kim Known', email, subject: 'First', message: 'One' });
    const holder = (await tableItems()).find((item) => item.entity === 'contact' && item.email === email);

    // Act
    const again = await submit({ name: 'Someone Else', email, phone: uniquePhone(), subject: 'Second', message: 'Two' });
    const fresh = await submit({ name: 'New Person', email: uniqueEmail('new'), subject: 'Hello', message: 'Hi' });

    // Assert
    expect([again.status, Object.keys(again.body)]).toEqual([fresh.status, Object.keys(fresh.body)]);
    expect(await storedRequest(String(again.body.ticketId))).toMatchObject({
      contactId: holder?.contactId,
      submitted: { name: 'Someone Else', email },
    });
    const after = (await tableItems()).find((item) => item.entity === 'contact' && item.contactId === holder?.contactId);
    expect(after).toMatchObject({ name: 'Kim Known', email });
    expect(after?.phone).toBeUndefined();
  });

  it('takes a form post', async () => {
    // Arrange
    const email = uniqueEmail('form');
    const form = new URLSearchParams({ name: 'Fran Form', email, phone: '', subject: 'Login', message: 'Cannot log in' });
    // Act
    const response = await post('/support-requests', form.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    // Assert
    expect(response.status).toBe(201);
    const { ticketId } = (await response.json()) as { ticketId: string };
    expect(await storedRequest(ticketId)).toMatchObject({ submitted: { name: 'Fran Form', email } });
  });

  it('sends no acknowledgement to an address that looks automated, and still forwards the request', async () => {
    // Arrange
    const email = `noreply.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.com`.replace('noreply.', 'noreply+');
    // Act
    const ticketId = await ticketOf({ name: 'Robot', email, subject: 'Auto', message: 'Automatic message' });
    await drainOutbox();
    // Assert
    expect(await mailTo(email)).toEqual([]);
    expect(await forwardsOf(ticketId)).toHaveLength(1);
    expect(await storedRequest(ticketId)).toBeDefined();
  });

  it('acknowledges at most once per address per hour; the second request is still stored and still forwarded', async () => {
    // Arrange
    const email = uniqueEmail('twice');
    // Act: the second from another client, by an alias of the same mailbox
    const first = await ticketOf({ name: 'Tess', email, subject: 'One', message: 'First' });
    const second = await ticketOf({ name: 'Tess', email: email.replace('@', '+again@'), subject: 'Two', message: 'Second' });
    await drainOutbox();
    // Assert
    const acks = [...(await mailTo(email)), ...(await mailTo(email.replace('@', '+again@')))];
    expect(acks).toHaveLength(1);
    expect(acks[0]?.subject).toContain(first);
    expect(await storedRequest(second)).toBeDefined();
    expect(await forwardsOf(first)).toHaveLength(1);
    expect(await forwardsOf(second)).toHaveLength(1);
  });

  it('acknowledges a request given with a phone only by text only where the number has SMS consent', async () => {
    // Arrange: one number never asked for texts; another asked and replied YES
    const stranger = toE164(uniquePhone()) ?? '';
    const consented = toE164(uniquePhone()) ?? '';
    await postJson('/inquiries', { name: 'Cara', phone: consented, consent: { email: false, sms: true } });
    await drainOutbox();
    expect(await textFrom(consented, 'YES')).toBe(200);
    const textsBefore = (await sms()).filter((text) => text.to === consented).length;

    // Act
    const strangerTicket = await ticketOf({ name: 'Sid', phone: stranger, subject: 'Call me', message: 'Secret words' });
    const consentedTicket = await ticketOf({ name: 'Cara', phone: consented, subject: 'Call me', message: 'Secret words' });
    await drainOutbox();

    // Assert: nothing to the number without consent; one text naming the ticket to the other
    expect((await sms()).filter((text) => text.to === stranger)).toEqual([]);
    const texts = (await sms()).filter((text) => text.to === consented).slice(textsBefore);
    expect(texts).toHaveLength(1);
    expect(texts[0]?.body).toContain(consentedTicket);
    expect(texts[0]?.body).not.toContain('Secret words');
    expect(texts[0]?.body).not.toContain('Call me');
    // Both still reach the support desk, with no Reply-To (no email was given)
    const forwards = [...(await forwardsOf(strangerTicket)), ...(await forwardsOf(consentedTicket))];
    expect(forwards).toHaveLength(2);
    expect(forwards.map((forward) => forward.replyTo)).toEqual([[], []]);
  });

  it('flags a request that asks for deletion of the person data, in the stored request and the forward subject', async () => {
    // Arrange
    const email = uniqueEmail('erase');
    // Act
    const ticketId = await ticketOf({
      name: 'Dana',
      email,
      subject: 'Account',
      message: 'Please delete all my personal data and stop emailing me.',
    });
    await drainOutbox();
    // Assert
    const stored = await storedRequest(ticketId);
    expect(stored?.flags).toEqual(['privacy_deletion', 'opt_out']);
    const [forward] = await forwardsOf(ticketId);
    expect(forward?.subject).toBe(`[PRIVACY: DELETION] [OPT-OUT] [${ticketId}] Account`);
    expect(forward?.body.text).toContain(`Received: ${String(stored?.receivedAt)}`);
  });

  it('refuses a stranger who types a victim address: the victim gets our words and the ticket id, none of his', async () => {
    // Arrange
    const victim = uniqueEmail('victim');
    const attack = {
      name: 'Dear Customer: your account is locked',
      email: victim,
      subject: 'URGENT verify your bank details at evil-bank.example',
      message: 'Your account is suspended. Log in at https://evil-bank.example/login to restore it. Call +1 900 555 0100.',
    };
    // Act
    const ticketId = await ticketOf(attack);
    await drainOutbox();
    // Assert
    const received = await mailTo(victim);
    expect(received).toHaveLength(1);
    const text = fullText(received[0]!);
    for (const fragment of ['Customer', 'locked', 'URGENT', 'verify', 'bank', 'evil', 'suspended', '900 555', 'restore'])
      expect(text).not.toContain(fragment);
    expect(text).toContain(ticketId);
  });

  describe('bad input stores nothing and sends nothing', () => {
    const valid = { name: 'Val', email: 'val@example.com', subject: 'Help', message: 'Please help' };
    it.each([
      ['neither email nor phone', { name: 'Val', subject: 'Help', message: 'Please help' }, 'email'],
      ['an unknown field', { ...valid, priority: 'high' }, 'priority'],
      ['a subject over 200 characters', { ...valid, subject: 'x'.repeat(201) }, 'subject'],
      ['a message over 5000 characters', { ...valid, message: 'x'.repeat(5001) }, 'message'],
      ['a header break in the subject', { ...valid, subject: 'Help\r\nBcc: everyone@example.com' }, 'subject'],
      ['a bidirectional override in the message', { ...valid, message: 'abc\u202Edef' }, 'message'],
      ['a web address in the name', { ...valid, name: 'Visit evil.example' }, 'name'],
      ['a bad email', { ...valid, email: 'not-an-email' }, 'email'],
      ['a bad phone', { name: 'Val', phone: '12', subject: 'Help', message: 'Please help' }, 'phone'],
      ['no subject', { name: 'Val', email: 'val@example.com', message: 'Please help' }, 'subject'],
    ])('400 for %s', async (_label, body, path) => {
      // Arrange
      const before = await footprint();
      // Act
      const receipt = await submit(body);
      // Assert
      expect(receipt.status).toBe(400);
      expect(receipt.body).toMatchObject({
        error: { code: 'validation_failed', details: expect.arrayContaining([expect.objectContaining({ path })]) },
      });
      expect(await footprint()).toEqual(before);
    });

    it('400 malformed_body for a body that does not parse', async () => {
      const before = await footprint();
      const response = await post('/support-requests', '{"name": ');
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('malformed_body');
      expect(await footprint()).toEqual(before);
    });

    it('answers a filled honeypot as a success and stores and sends nothing', async () => {
      const before = await footprint();
      const receipt = await submit({ ...valid, website: 'http://spam.example' });
      expect(receipt.status).toBe(201);
      expect(String(receipt.body.ticketId)).toMatch(TICKET_ID_PATTERN);
      expect(await footprint()).toEqual(before);
    });
  });
});

const listSupportRequests = async (groups: string[], query = '', sub = `support-list-${groups.join('-')}`) =>
  fetch(`${apiUrl()}/admin/support-requests${query}`, {
    headers: { authorization: `Bearer ${await staffToken(groups, sub)}`, 'x-access-reason': 'answer tickets' },
  });

describe('GET /admin/support-requests', () => {
  it.each([['support'], ['admin']])(
    'shows %s the open requests newest first, unmasked with their flags, and audits each contact shown first',
    async (role) => {
      // Arrange
      const email = uniqueEmail(`list-${role}`);
      const older = await ticketOf({ name: 'Lee List', email, subject: 'Older', message: 'What data do you have about me?' });
      const newer = await ticketOf({ name: 'Lee List', email, subject: 'Newer', message: 'Feed question' });
      const sub = `support-list-${role}-${Date.now()}`;
      // Act
      const response = await listSupportRequests([role], '', sub);
      // Assert
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const listing = (await response.json()) as {
        status: string;
        supportRequests: { ticketId: string; contactId: string; flags: string[]; submitted: { email?: string } }[];
      };
      expect(listing.status).toBe('open');
      const tickets = listing.supportRequests.map((request) => request.ticketId);
      expect(tickets.indexOf(newer)).toBeGreaterThanOrEqual(0);
      expect(tickets.indexOf(newer)).toBeLessThan(tickets.indexOf(older));
      const shown = listing.supportRequests.find((request) => request.ticketId === older);
      expect(shown).toMatchObject({ subject: 'Older', submitted: { name: 'Lee List', email }, flags: ['privacy_access'] });
      const audit = (await tableItems()).filter(
        (item) => item.entity === 'audit' && item.contactId === shown?.contactId && item.actor === sub,
      );
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'read', fields: ['name', 'email'], roles: [role], reason: 'answer tickets' });
    },
  );

  it('lists closed requests apart from open ones', async () => {
    const ticketId = await ticketOf({ name: 'Open Only', email: uniqueEmail('open'), subject: 'Open', message: 'Still open' });
    const response = await listSupportRequests(['support'], '?status=closed');
    expect(response.status).toBe(200);
    const listing = (await response.json()) as { status: string; supportRequests: { ticketId: string }[] };
    expect(listing.status).toBe('closed');
    expect(listing.supportRequests.map((request) => request.ticketId)).not.toContain(ticketId);
  });

  it('answers 400 for an unknown status and writes no audit entry', async () => {
    const sub = `support-bad-status-${Date.now()}`;
    const response = await listSupportRequests(['support'], '?status=pending', sub);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    expect((await tableItems()).filter((item) => item.entity === 'audit' && item.actor === sub)).toEqual([]);
  });

  it.each([['sales'], ['marketing'], ['analyst'], ['privacy']])('403 for the %s role', async (role) => {
    const response = await listSupportRequests([role]);
    expect(response.status).toBe(403);
  });
});
