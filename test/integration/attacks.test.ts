import { describe, expect, it } from '@jest/globals';
import { toE164 } from '../../shared/domain/contact.js';
import type { LocalEmail } from '../../local/ses-local.js';
import {
  confirmEmailOptIn,
  contactIdHolding,
  drainOutbox,
  footprint,
  mail,
  postJson,
  sms,
  tableItems,
  textFrom,
  uniqueEmail,
  uniquePhone,
} from './local-stack.js';

/**
 * Issue 8's attacker scenarios, through real HTTP against the local stack. Each scenario asserts
 * what the attacker got (nothing but control of his own addresses) and what the victim kept
 * (everything). The local gateway takes the client IP from the first X-Forwarded-For address, so
 * a test acts as one client or as many.
 */

const BOTH = { email: true, sms: true };
const SMS_ONLY = { email: false, sms: true };

/** A client address no other test uses (TEST-NET-3 with a random tail and a counter). */
let clients = 0;
const ipBase = `${Math.floor(Math.random() * 200) + 20}`;
const newIp = () => {
  clients += 1;
  return `203.${ipBase}.${Math.floor(clients / 250)}.${(clients % 250) + 1}`;
};
const from = (ip: string) => ({ 'x-forwarded-for': ip });

const e164 = (phone: string) => {
  const value = toE164(phone);
  if (!value) throw new Error(`Not a phone number: ${phone}`);
  return value;
};

async function inquire(body: Record<string, unknown>, ip = newIp()): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await postJson('/inquiries', { topic: 'demo', ...body }, from(ip));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const contactItem = async (contactId: string) =>
  (await tableItems()).find((item) => item.entity === 'contact' && item.contactId === contactId);

const mailTo = async (address: string) => (await mail()).filter((message) => message.destination.to.includes(address));
const textsTo = async (phone: string) => (await sms()).filter((text) => text.to === phone);

/** Every `pref_sms_*` (or `pref_email_*`) attribute that is true on a stored contact. */
const granted = (item: Record<string, unknown> | undefined, channel: 'email' | 'sms') =>
  Object.entries(item ?? {})
    .filter(([name, value]) => name.startsWith(`pref_${channel}_`) && value === true)
    .map(([name]) => name);

/** The contact each signed token in a message names (tokens are `v1.<keyId>.<base64url JSON>.<sig>`). */
function tokenContacts(texts: string[]): string[] {
  const tokens = texts.flatMap((text) =>
    [...text.matchAll(/token=(v1\.[\w-]+\.[\w-]+\.[\w-]+)/g)].map((match) => match[1] ?? ''),
  );
  return tokens.map((token) => {
    const payload = JSON.parse(Buffer.from(token.split('.')[2] ?? '', 'base64url').toString('utf8')) as { contactId?: string };
    return String(payload.contactId);
  });
}
const emailTexts = (messages: LocalEmail[]) =>
  messages.flatMap((message) => [
    message.body.text ?? '',
    message.body.html ?? '',
    ...message.headers.map((header) => header.value),
  ]);

describe('taking over a contact: a form names the victim’s phone or email', () => {
  it('knowing her phone, the attacker gets his own contact and tokens, and she keeps her name, email and SMS state', async () => {
    // Arrange: the victim asked for texts; she has not replied YES
    const herEmail = uniqueEmail('victoria');
    const herPhone = uniquePhone();
    const herE164 = e164(herPhone);
    expect((await inquire({ name: 'Victoria Vance', email: herEmail, phone: herPhone, consent: BOTH })).status).toBe(201);
    await drainOutbox();
    const herId = await contactIdHolding('sms', herE164);
    expect(herId).toBeDefined();
    const herBefore = await contactItem(herId ?? '');
    const textsBefore = (await textsTo(herE164)).length;
    const hisEmail = `mallory.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@evil.example`;

    // Act
    const attack = await inquire({ name: 'Mallory', email: hisEmail, phone: herPhone, consent: BOTH });
    await drainOutbox();

    // Assert: the response names nothing but his inquiry
    expect(attack.status).toBe(201);
    expect(Object.keys(attack.body)).toEqual(['inquiryId']);
    // Assert: her contact is as it was
    const herAfter = await contactItem(herId ?? '');
    expect(herAfter).toMatchObject({ name: 'Victoria Vance', email: herEmail, phone: herE164 });
    expect(herAfter?.name).toBe(herBefore?.name);
    expect(herAfter?.email).toBe(herBefore?.email);
    expect(granted(herAfter, 'sms')).toEqual([]);
    expect(await contactIdHolding('sms', herE164)).toBe(herId);
    // Assert: his acknowledgement links only to his own contact
    const hisId = await contactIdHolding('email', hisEmail);
    expect(hisId).toBeDefined();
    expect(hisId).not.toBe(herId);
    const hisMail = await mailTo(hisEmail);
    expect(hisMail).toHaveLength(1);
    const named = tokenContacts(emailTexts(hisMail));
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named)).toEqual(new Set([hisId]));
    // Assert: no text to her number came of it (one confirmation per number per 24 h)
    expect(await textsTo(herE164)).toHaveLength(textsBefore);

    // Act: he confirms the only opt-in link he was sent
    expect(await confirmEmailOptIn(hisEmail)).toBeLessThan(400);
    // Assert: that opted in his address, and nothing of hers
    expect(granted(await contactItem(hisId ?? ''), 'email').length).toBeGreaterThan(0);
    const herFinal = await contactItem(herId ?? '');
    expect(granted(herFinal, 'sms')).toEqual([]);
    expect(granted(herFinal, 'email')).toEqual([]);
    expect(herFinal).toMatchObject({ name: 'Victoria Vance', email: herEmail, phone: herE164 });
  });

  it('knowing only her email, the attacker gets no mail, no link to her contact, and his phone stays his own', async () => {
    // Arrange: the victim gave only her email
    const herEmail = uniqueEmail('valerie');
    expect((await inquire({ name: 'Valerie Vance', email: herEmail, consent: { email: true, sms: false } })).status).toBe(201);
    await drainOutbox();
    const herId = await contactIdHolding('email', herEmail);
    expect(herId).toBeDefined();
    const herMailBefore = (await mailTo(herEmail)).length;
    const hisPhone = uniquePhone();
    const hisE164 = e164(hisPhone);

    // Act
    const attack = await inquire({ name: 'Mallory', email: herEmail, phone: hisPhone, consent: BOTH });
    await drainOutbox();

    // Assert: the response names nothing but his inquiry
    expect(attack.status).toBe(201);
    expect(Object.keys(attack.body)).toEqual(['inquiryId']);
    // Assert: her contact did not take his name or phone, and his phone went to a contact of its own
    const herAfter = await contactItem(herId ?? '');
    expect(herAfter).toMatchObject({ name: 'Valerie Vance', email: herEmail });
    expect(herAfter?.phone).toBeUndefined();
    const hisId = await contactIdHolding('sms', hisE164);
    expect(hisId).toBeDefined();
    expect(hisId).not.toBe(herId);
    // Assert: no second acknowledgement reached her within the hour
    expect(await mailTo(herEmail)).toHaveLength(herMailBefore);
    // Assert: what reached his phone names only his contact
    const hisTexts = await textsTo(hisE164);
    expect(hisTexts).toHaveLength(1);
    expect(tokenContacts(hisTexts.map((text) => text.body)).every((contactId) => contactId === hisId)).toBe(true);

    // Act: he replies YES from his phone
    await textFrom(hisE164, 'YES');
    // Assert: his number is opted in; her contact granted nothing on either channel
    expect(granted(await contactItem(hisId ?? ''), 'sms').length).toBeGreaterThan(0);
    const herFinal = await contactItem(herId ?? '');
    expect(granted(herFinal, 'sms')).toEqual([]);
    expect(granted(herFinal, 'email')).toEqual([]);
    expect(herFinal?.phone).toBeUndefined();
  });
});

describe('undoing a STOP: a form asks for texts to a number that said STOP', () => {
  it('sends no text and grants nothing to a number that texted STOP after its own inquiry', async () => {
    // Arrange
    const phone = e164(uniquePhone());
    await inquire({ name: 'Stella', email: uniqueEmail('stella'), phone, consent: SMS_ONLY });
    await drainOutbox();
    await textFrom(phone, 'STOP');
    const holder = await contactIdHolding('sms', phone);
    const textsBefore = (await textsTo(phone)).length;

    // Act
    const attack = await inquire({ name: 'Mallory', email: uniqueEmail('mallory'), phone, consent: BOTH });
    await drainOutbox();

    // Assert
    expect(attack.status).toBe(201);
    expect(await textsTo(phone)).toHaveLength(textsBefore);
    expect(granted(await contactItem(holder ?? ''), 'sms')).toEqual([]);
  });

  it('sends no text and grants nothing to a number that texted STOP before any contact held it', async () => {
    // Arrange: the STOP comes first, so no per-number cap stands in for it
    const phone = e164(uniquePhone());
    await textFrom(phone, 'STOP');
    const textsBefore = (await textsTo(phone)).length;

    // Act
    const attack = await inquire({ name: 'Mallory', email: uniqueEmail('mallory'), phone, consent: BOTH });
    await drainOutbox();

    // Assert
    expect(attack.status).toBe(201);
    expect(await textsTo(phone)).toHaveLength(textsBefore);
    const holder = await contactIdHolding('sms', phone);
    expect(holder).toBeDefined();
    expect(granted(await contactItem(holder ?? ''), 'sms')).toEqual([]);
    const grants = (await tableItems()).filter(
      (item) => item.entity === 'consent' && item.contactId === holder && item.channel === 'sms' && item.action === 'grant',
    );
    expect(grants).toEqual([]);
  });
});

describe('SMS pumping: a stranger makes us text numbers', () => {
  it('texts 5 of 10 numbers asked for from one client IP (the per-IP cap), and stores all 10 inquiries', async () => {
    // Arrange
    const ip = newIp();
    const phones = Array.from({ length: 10 }, () => e164(uniquePhone()));

    // Act
    const responses = [];
    for (const phone of phones) responses.push(await inquire({ name: 'Pumper', phone, consent: SMS_ONLY }, ip));
    await drainOutbox();

    // Assert
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(201));
    const texts = (await sms()).filter((text) => phones.includes(text.to));
    expect(texts).toHaveLength(5);
    const stored = new Map(
      (await tableItems()).filter((item) => item.entity === 'inquiry').map((item) => [item.inquiryId, item] as const),
    );
    for (const response of responses) {
      expect(stored.get(response.body.inquiryId)?.visit).toMatchObject({ ip });
    }
  });

  it('texts one number once, however many client IPs ask for it', async () => {
    // Arrange
    const phone = e164(uniquePhone());

    // Act
    for (let i = 0; i < 10; i += 1) {
      expect((await inquire({ name: 'Pumper', email: uniqueEmail('pumper'), phone, consent: SMS_ONLY })).status).toBe(201);
    }
    await drainOutbox();

    // Assert
    expect(await textsTo(phone)).toHaveLength(1);
  });

  it.each([
    ['a +1 900 premium-rate number', '+1 900 555 0142'],
    ['a Jamaican +1 876 number', '+1 876 210 1234'],
  ])('refuses SMS consent for %s with a 400 naming phone, storing and sending nothing', async (_, phone) => {
    // Arrange
    const before = await footprint();

    // Act
    const response = await inquire({ name: 'Pumper', email: uniqueEmail('pumper'), phone, consent: SMS_ONLY });

    // Assert
    expect(response.status).toBe(400);
    const error = response.body.error as { code: string; details?: { path: string }[] };
    expect(error.code).toBe('validation_failed');
    expect(error.details?.map((detail) => detail.path)).toEqual(['phone']);
    expect(await footprint()).toEqual(before);
  });
});

describe('email bombing and a phishing relay: forms name someone else’s email', () => {
  const lure = 'Your account is locked. Verify now at https://evil.example/verify';

  it('sends her one acknowledgement for 10 inquiries, with none of their text, while sales get all 10', async () => {
    // Arrange
    const victim = uniqueEmail('bombed');

    // Act
    const inquiryIds: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const response = await inquire({ name: 'Bob Urgent-Security-Team', email: victim, message: lure, consent: BOTH });
      expect(response.status).toBe(201);
      inquiryIds.push(String(response.body.inquiryId));
    }
    await drainOutbox();

    // Assert: one acknowledgement, greeting by the first name alone, repeating nothing else
    const toVictim = await mailTo(victim);
    expect(toVictim).toHaveLength(1);
    const acknowledgement = toVictim[0];
    const text = acknowledgement?.body.text ?? '';
    const html = acknowledgement?.body.html ?? '';
    expect(text.split('\n')[0]).toBe('Hi Bob,');
    for (const body of [text, html, acknowledgement?.subject ?? '']) {
      expect(body).not.toContain('Urgent');
      expect(body).not.toContain('account is locked');
      expect(body).not.toContain('evil.example');
    }
    // Assert: every inquiry still reached sales
    const toSales = (await mailTo('sales@forecourt.example')).filter((message) =>
      inquiryIds.some((id) => message.body.text?.includes(id)),
    );
    expect(toSales).toHaveLength(10);
  });

  it.each([
    ['an https URL', 'Verify at https://evil.example/login'],
    ['a bare domain', 'Bob evil.example/login'],
  ])('refuses a name holding %s with a 400 naming name', async (_, name) => {
    // Arrange
    const before = await footprint();

    // Act
    const response = await inquire({ name, email: uniqueEmail('bombed') });

    // Assert
    expect(response.status).toBe(400);
    const error = response.body.error as { code: string; details?: { path: string }[] };
    expect(error.details?.map((detail) => detail.path)).toEqual(['name']);
    expect(await footprint()).toEqual(before);
  });
});

describe('enumeration: POST /inquiries tells nothing of whether an address is known', () => {
  it('answers a known email, a known phone and new ones with the same status and the inquiry id alone', async () => {
    // Arrange
    const knownEmail = uniqueEmail('known');
    const knownPhone = uniquePhone();
    await inquire({ name: 'Kim', email: knownEmail, phone: knownPhone, consent: BOTH });
    await drainOutbox();

    // Act
    const answers = [
      await inquire({ name: 'Eve', email: knownEmail }),
      await inquire({ name: 'Eve', email: uniqueEmail('fresh') }),
      await inquire({ name: 'Eve', phone: knownPhone }),
      await inquire({ name: 'Eve', phone: uniquePhone() }),
      await inquire({ name: 'Eve', email: knownEmail, phone: knownPhone, consent: BOTH }),
      await inquire({ name: 'Eve', email: uniqueEmail('fresh'), phone: uniquePhone(), consent: BOTH }),
    ];

    // Assert
    for (const answer of answers) {
      expect(answer.status).toBe(201);
      expect(Object.keys(answer.body)).toEqual(['inquiryId']);
      expect(answer.body.inquiryId).toEqual(expect.any(String));
    }
  });
});
