import { describe, expect, it } from '@jest/globals';
import { toE164 } from '../../shared/domain/contact.js';
import {
  apiUrl,
  confirmEmailOptIn,
  contactIdOfInquiry,
  drainOutbox,
  footprint,
  postJson,
  staffToken,
  tableItems,
  textFrom,
  uniqueEmail,
  uniquePhone,
} from './local-stack.js';

type Json = Record<string, unknown>;

/** A staff request as the admin UI makes it, with a bearer token for the roles and an access reason. */
async function asStaff(
  roles: string[],
  method: string,
  path: string,
  options: { body?: unknown; sub?: string; reason?: string } = {},
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${apiUrl()}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await staffToken(roles, options.sub ?? `contacts-${roles.join('-')}`)}`,
      'content-type': 'application/json',
      ...(options.reason ? { 'x-access-reason': options.reason } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

/** A contact made the way a visitor makes one: an inquiry with both addresses. */
async function newContact(consent = { email: false, sms: false }) {
  const email = uniqueEmail('contact');
  const phone = toE164(uniquePhone()) ?? '';
  const response = await postJson('/inquiries', {
    name: 'Casey Contact',
    email,
    phone,
    companyName: 'Contact Motors',
    dealershipType: 'franchise',
    topic: 'pricing',
    message: 'Please call me about pricing',
    consent,
  });
  expect(response.status).toBe(201);
  const { inquiryId } = (await response.json()) as { inquiryId: string };
  await drainOutbox();
  return { email, phone, inquiryId, contactId: await contactIdOfInquiry(inquiryId) };
}

const auditOf = async (contactId: string) =>
  (await tableItems()).filter((item) => item.entity === 'audit' && item.contactId === contactId);
const allAudit = async () => (await tableItems()).filter((item) => item.entity === 'audit').length;

describe('GET /admin/contacts', () => {
  it('finds a contact by exact email for sales in full, one audit entry written with the reason', async () => {
    // Arrange
    const casey = await newContact();
    // Act
    const { status, body } = await asStaff(
      ['sales'],
      'GET',
      `/admin/contacts?email=${encodeURIComponent(casey.email.toUpperCase())}`,
      {
        sub: 'sales-finder',
        reason: 'returning a call',
      },
    );
    // Assert
    expect(status).toBe(200);
    expect(body).toEqual({
      contacts: [
        expect.objectContaining({
          id: casey.contactId,
          name: 'Casey Contact',
          email: casey.email,
          phone: casey.phone,
          companyName: 'Contact Motors',
        }),
      ],
    });
    expect(await auditOf(casey.contactId)).toEqual([
      expect.objectContaining({ actor: 'sales-finder', roles: ['sales'], action: 'read', reason: 'returning a call' }),
    ]);
  });

  it('finds by phone as typed, and shows marketing email and phone masked, auditing nothing', async () => {
    const casey = await newContact();
    const typed = `(${casey.phone.slice(2, 5)}) ${casey.phone.slice(5, 8)}-${casey.phone.slice(8)}`;

    const { status, body } = await asStaff(['marketing'], 'GET', `/admin/contacts?phone=${encodeURIComponent(typed)}`);

    expect(status).toBe(200);
    const [shown] = body.contacts as Json[];
    expect(shown).toMatchObject({
      id: casey.contactId,
      email: `c***@example.com`,
      phone: `+1******${casey.phone.slice(-4)}`,
      name: 'C***',
    });
    expect(JSON.stringify(body)).not.toContain(casey.email);
    expect(JSON.stringify(body)).not.toContain(casey.phone);
    expect(await auditOf(casey.contactId)).toEqual([]);
  });

  it('pages through contacts newest first with an opaque cursor', async () => {
    // Arrange: three new contacts, the newest in the table
    const made = [await newContact(), await newContact(), await newContact()];
    // Act
    const first = await asStaff(['support'], 'GET', '/admin/contacts?limit=2');
    const second = await asStaff(['support'], 'GET', `/admin/contacts?limit=2&cursor=${String(first.body.nextCursor)}`);
    // Assert
    expect(first.status).toBe(200);
    expect(typeof first.body.nextCursor).toBe('string');
    const ids = [...(first.body.contacts as Json[]), ...(second.body.contacts as Json[])].map((contact) => contact.id);
    expect(ids.slice(0, 3)).toEqual(made.map((contact) => contact.contactId).reverse());
    expect(new Set(ids).size).toBe(ids.length);
    // One audit entry per contact shown
    for (const contact of made) expect(await auditOf(contact.contactId)).toHaveLength(1);
  });

  it.each([
    ['both email and phone', '?email=a%40example.com&phone=2025550123'],
    ['a limit over 100', '?limit=101'],
    ['a limit of 0', '?limit=0'],
    ['a limit that is not a number', '?limit=ten'],
    ['a forged cursor', `?cursor=${Buffer.from(JSON.stringify({ pk: 'AUDIT#x', sk: 'y' })).toString('base64url')}`],
    ['a cursor that is not one', '?cursor=%%%'],
    ['an unknown parameter', '?name=Casey'],
    ['a malformed email', '?email=not-an-email'],
  ])('400 for %s, auditing nothing', async (_label, query) => {
    const before = await allAudit();

    const { status, body } = await asStaff(['admin'], 'GET', `/admin/contacts${query}`);

    expect(status).toBe(400);
    expect((body.error as Json).code).toBe('validation_failed');
    expect(await allAudit()).toBe(before);
  });
});

describe('GET /admin/contacts/{id}', () => {
  it('shows support the whole record: profile, preferences per address, ledger, inquiries, messages; audited', async () => {
    // Arrange: the email confirmed its opt-in
    const casey = await newContact({ email: true, sms: false });
    expect(await confirmEmailOptIn(casey.email)).toBe(200);
    // Act
    const { status, body } = await asStaff(['support'], 'GET', `/admin/contacts/${casey.contactId}`, { sub: 'support-reader' });
    // Assert
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: casey.contactId,
      profile: { name: 'Casey Contact', email: casey.email, phone: casey.phone, dealershipType: 'franchise' },
      preferences: {
        email: { address: casey.email, topics: { newsletter: true, product_updates: true, marketing: true }, suppressed: false },
        sms: { address: casey.phone, topics: { newsletter: false }, stopped: false, suppressed: false },
      },
      inquiries: [{ inquiryId: casey.inquiryId, message: 'Please call me about pricing', submitted: { email: casey.email } }],
      supportRequests: [],
    });
    expect(body.ledger).toEqual([expect.objectContaining({ channel: 'email', action: 'grant', source: 'subscription_form' })]);
    expect((body.messages as Json[]).length).toBeGreaterThan(0);
    expect(await auditOf(casey.contactId)).toEqual([
      expect.objectContaining({
        actor: 'support-reader',
        action: 'read',
        fields: expect.arrayContaining(['email', 'phone', 'freeText']),
      }),
    ]);
  });

  it('shows marketing everything masked, inside the inquiries too, and audits nothing', async () => {
    const casey = await newContact();

    const { status, body } = await asStaff(['marketing'], 'GET', `/admin/contacts/${casey.contactId}`);

    expect(status).toBe(200);
    const text = JSON.stringify(body);
    for (const raw of [casey.email, casey.phone, 'Casey Contact', 'Contact Motors', 'Please call me'])
      expect(text).not.toContain(raw);
    expect(body).toMatchObject({ inquiries: [{ submitted: { email: 'c***@example.com', name: 'C***' } }] });
    expect(await auditOf(casey.contactId)).toEqual([]);
  });

  it('404 for an unknown id, auditing nothing', async () => {
    const before = await allAudit();

    const { status } = await asStaff(['admin'], 'GET', '/admin/contacts/01NOSUCHCONTACT');

    expect(status).toBe(404);
    expect(await allAudit()).toBe(before);
  });
});

describe('PATCH /admin/contacts/{id}', () => {
  it('corrects the email: the lookup moves, the old address stops finding it, its consent is withdrawn, the audit keeps masked values', async () => {
    // Arrange: the old email confirmed its opt-in
    const casey = await newContact({ email: true, sms: false });
    expect(await confirmEmailOptIn(casey.email)).toBe(200);
    const corrected = uniqueEmail('corrected');
    // Act
    const { status, body } = await asStaff(['support'], 'PATCH', `/admin/contacts/${casey.contactId}`, {
      body: { email: corrected, companyName: 'Casey Cars' },
      sub: 'support-corrector',
      reason: 'typo in the email',
    });
    // Assert
    expect(status).toBe(200);
    expect(body).toEqual({ id: casey.contactId, changed: ['companyName', 'email'] });
    const byNew = await asStaff(['admin'], 'GET', `/admin/contacts?email=${encodeURIComponent(corrected)}`);
    expect((byNew.body.contacts as Json[]).map((contact) => contact.id)).toEqual([casey.contactId]);
    const byOld = await asStaff(['admin'], 'GET', `/admin/contacts?email=${encodeURIComponent(casey.email)}`);
    expect(byOld.body.contacts).toEqual([]);
    const items = await tableItems();
    const contact = items.find((item) => item.entity === 'contact' && item.contactId === casey.contactId);
    expect(contact).toMatchObject({ email: corrected, companyName: 'Casey Cars', pref_email_newsletter: false });
    expect(
      items.filter((item) => item.entity === 'consent' && item.contactId === casey.contactId && item.action === 'withdraw'),
    ).toEqual([expect.objectContaining({ source: 'staff', channel: 'email', reason: 'address corrected' })]);
    const update = (await auditOf(casey.contactId)).find((entry) => entry.action === 'update');
    expect(update).toMatchObject({
      actor: 'support-corrector',
      reason: 'typo in the email',
      fields: ['companyName', 'email'],
      changes: [
        { field: 'companyName', from: 'C***', to: 'C***' },
        { field: 'email', from: 'c***@example.com', to: 'c***@example.com' },
      ],
    });
    expect(JSON.stringify(update)).not.toContain(casey.email);
  });

  it('409 when another contact holds the new address, storing nothing', async () => {
    const casey = await newContact();
    const other = await newContact();
    const before = await footprint();

    const { status, body } = await asStaff(['privacy'], 'PATCH', `/admin/contacts/${casey.contactId}`, {
      body: { phone: other.phone },
    });

    expect(status).toBe(409);
    expect((body.error as Json).code).toBe('conflict');
    expect(JSON.stringify(body)).not.toContain(other.phone);
    expect(await footprint()).toEqual(before);
  });

  it.each([
    ['a masked email sent back', { email: 'c***@example.com' }, 'email'],
    ['a masked phone sent back', { phone: '+1******0123' }, 'phone'],
    ['a masked name sent back', { name: 'C***' }, 'name'],
    ['an unknown field', { notes: 'x' }, 'notes'],
    ['a name with a web address', { name: 'Visit evil.example' }, 'name'],
    ['a dealership type not in the list', { dealershipType: 'spaceships' }, 'dealershipType'],
  ])('400 for %s, naming the field and storing nothing', async (_label, patch, path) => {
    const casey = await newContact();
    const before = await footprint();

    const { status, body } = await asStaff(['support'], 'PATCH', `/admin/contacts/${casey.contactId}`, { body: patch });

    expect(status).toBe(400);
    expect((body.error as { details: Json[] }).details.map((detail) => detail.path)).toContain(path);
    expect(await footprint()).toEqual(before);
  });

  it('404 for an unknown id, storing nothing', async () => {
    const before = await footprint();
    const { status } = await asStaff(['admin'], 'PATCH', '/admin/contacts/01NOSUCHCONTACT', { body: { name: 'Nobody' } });
    expect(status).toBe(404);
    expect(await footprint()).toEqual(before);
  });
});

describe('POST /admin/contacts/{id}/consent', () => {
  it('records a staff grant with its reason, source staff', async () => {
    const casey = await newContact();

    const { status, body } = await asStaff(['support'], 'POST', `/admin/contacts/${casey.contactId}/consent`, {
      body: { channel: 'email', action: 'grant', topics: ['newsletter'], reason: 'asked by phone for the newsletter' },
    });

    expect(status).toBe(200);
    expect(body).toMatchObject({ recorded: 1 });
    const items = await tableItems();
    expect(items.filter((item) => item.entity === 'consent' && item.contactId === casey.contactId)).toEqual([
      expect.objectContaining({
        action: 'grant',
        source: 'staff',
        reason: 'asked by phone for the newsletter',
        topics: ['newsletter'],
      }),
    ]);
    expect(items.find((item) => item.entity === 'contact' && item.contactId === casey.contactId)).toMatchObject({
      pref_email_newsletter: true,
    });
  });

  it('never overrides a STOP: 409 with a clear message, nothing recorded', async () => {
    // Arrange: the number texted STOP
    const casey = await newContact();
    expect(await textFrom(casey.phone, 'STOP')).toBe(200);
    const before = await footprint();
    // Act
    const { status, body } = await asStaff(['support'], 'POST', `/admin/contacts/${casey.contactId}/consent`, {
      body: { channel: 'sms', action: 'grant', topics: ['marketing'], reason: 'said yes on the phone' },
    });
    // Assert
    expect(status).toBe(409);
    expect((body.error as Json).message).toMatch(/STOP/);
    expect(await footprint()).toEqual(before);
  });

  it.each([
    ['no reason', { channel: 'email', action: 'grant', topics: ['newsletter'] }],
    ['an empty reason', { channel: 'email', action: 'grant', topics: ['newsletter'], reason: '  ' }],
    ['an unknown topic', { channel: 'email', action: 'grant', topics: ['spam'], reason: 'x' }],
    ['no topics', { channel: 'email', action: 'grant', topics: [], reason: 'x' }],
    ['an unknown field', { channel: 'email', action: 'grant', topics: ['newsletter'], reason: 'x', source: 'inquiry_form' }],
  ])('400 for %s, recording nothing', async (_label, payload) => {
    const casey = await newContact();
    const before = await footprint();

    const { status } = await asStaff(['privacy'], 'POST', `/admin/contacts/${casey.contactId}/consent`, { body: payload });

    expect(status).toBe(400);
    expect(await footprint()).toEqual(before);
  });
});

describe('GET /admin/contacts/{id}/export', () => {
  it('answers the one-person document with which roles read it and when, audited as an export', async () => {
    // Arrange: sales read the record first
    const casey = await newContact();
    await asStaff(['sales'], 'GET', `/admin/contacts/${casey.contactId}`, { sub: 'sales-before-export' });
    // Act
    const { status, body } = await asStaff(['privacy'], 'GET', `/admin/contacts/${casey.contactId}/export`, {
      sub: 'privacy-exporter',
    });
    // Assert
    expect(status).toBe(200);
    expect(body).toMatchObject({
      contact: { id: casey.contactId, email: casey.email, phone: casey.phone },
      inquiries: [{ inquiryId: casey.inquiryId }],
      supportRequests: [],
      staffAccess: [{ roles: ['sales'], action: 'read', at: expect.any(String) }],
    });
    expect(JSON.stringify(body)).not.toContain('sales-before-export');
    expect(await auditOf(casey.contactId)).toEqual(
      expect.arrayContaining([expect.objectContaining({ actor: 'privacy-exporter', action: 'export' })]),
    );
  });
});

describe('GET /admin/audit', () => {
  it("pages one contact's entries newest first, and one actor's", async () => {
    const casey = await newContact();
    await asStaff(['sales'], 'GET', `/admin/contacts/${casey.contactId}`, { sub: 'audit-subject-1' });
    await asStaff(['support'], 'GET', `/admin/contacts/${casey.contactId}/export`, { sub: 'audit-subject-2' });

    const byContact = await asStaff(['admin'], 'GET', `/admin/audit?contactId=${casey.contactId}&limit=1`);
    const rest = await asStaff(
      ['admin'],
      'GET',
      `/admin/audit?contactId=${casey.contactId}&limit=1&cursor=${String(byContact.body.nextCursor)}`,
    );
    const byActor = await asStaff(['admin'], 'GET', '/admin/audit?actor=audit-subject-1');

    expect(byContact.status).toBe(200);
    expect([...(byContact.body.entries as Json[]), ...(rest.body.entries as Json[])].map((entry) => entry.actor)).toEqual([
      'audit-subject-2',
      'audit-subject-1',
    ]);
    expect((byActor.body.entries as Json[]).map((entry) => entry.contactId)).toContain(casey.contactId);
  });

  it.each([
    ['neither', ''],
    ['both', '?contactId=abc&actor=def'],
    ['an unknown parameter', '?contactId=abc&role=admin'],
  ])('400 for %s of contactId and actor', async (_label, query) => {
    const { status } = await asStaff(['admin'], 'GET', `/admin/audit${query}`);
    expect(status).toBe(400);
  });
});

/**
 * The audit fails closed, through real HTTP, on the real write: the audit item of a staff member
 * whose id is longer than DynamoDB allows in an index key (2048 bytes, gsi1 `AUDIT_ACTOR#<id>`)
 * is refused by the table itself, like every other refused write. No test-only path is involved.
 */
describe('an audit entry that cannot be written', () => {
  const unwritableActor = `staff-${'x'.repeat(2100)}`;

  it.each([
    ['a search', (contact: { email: string }) => `/admin/contacts?email=${encodeURIComponent(contact.email)}`],
    ['a detail read', (contact: { contactId: string }) => `/admin/contacts/${contact.contactId}`],
    ['an export', (contact: { contactId: string }) => `/admin/contacts/${contact.contactId}/export`],
  ])('stops %s with 503, and no personal data leaves', async (_label, path) => {
    const casey = await newContact();

    const { status, body } = await asStaff(['support'], 'GET', path(casey), { sub: unwritableActor });

    expect(status).toBe(503);
    expect((body.error as Json).code).toBe('service_unavailable');
    const text = JSON.stringify(body);
    for (const raw of [casey.email, casey.phone, 'Casey Contact']) expect(text).not.toContain(raw);
  });

  it('still answers marketing, whose masked view needs no audit entry', async () => {
    const casey = await newContact();
    const { status } = await asStaff(['marketing'], 'GET', `/admin/contacts/${casey.contactId}`, { sub: unwritableActor });
    expect(status).toBe(200);
  });
});
