import { beforeEach, describe, expect, it } from '@jest/globals';
import { addressKey } from '../../shared/domain/address-key.js';
import { dispatchDueCampaigns } from '../../shared/domain/campaigns/dispatch.js';
import { planShard, sendBatch } from '../../shared/domain/campaigns/process-work.js';
import type { Channel } from '../../shared/domain/consent.js';
import { eraseContact } from '../../shared/domain/contacts/erase-contact.js';
import type { EraseContactDeps } from '../../shared/domain/contacts/erase-contact.js';
import { kindOf, planErasure, scopeOf } from '../../shared/domain/contacts/erasure-plan.js';
import type { ErasureReceipt } from '../../shared/domain/contacts/erasure-plan.js';
import { NotFoundError } from '../../shared/domain/errors.js';
import { askedAgainSinceErasure } from '../../shared/domain/sending/send-gate.js';
import type { ErasureStore, PartitionItem } from '../../shared/ports/erasure-store.js';
import type { SuppressionReason } from '../../shared/ports/suppression-store.js';
import {
  FakeClock,
  InMemoryAudienceIndex,
  InMemoryCampaignStore,
  RecordingWorkQueue,
  fixedSecrets,
  inMemoryGate,
} from '../fixtures/in-memory.js';

const SALT = fixedSecrets().secrets.addressSalt;
const NOW = new Date('2026-11-26T10:00:00.000Z');
const EMAIL = 'erin@example.com';
const PHONE = '+12025550143';
const OTHER_PHONE = '+12025550199';

/** A contact's partition as every path writes it: one item of each kind. */
function partition(contactId = 'c1'): PartitionItem[] {
  const pk = `CONTACT#${contactId}`;
  return [
    {
      pk,
      sk: 'PROFILE',
      entity: 'contact',
      contactId,
      name: 'Erin Erasable',
      email: EMAIL,
      phone: PHONE,
      companyName: 'Erasable Motors',
      pref_email_newsletter: true,
      pref_sms_newsletter: true,
      emailOptOutAll: false,
      createdAt: '2026-01-01T00:00:00.000Z',
    },
    {
      pk,
      sk: 'INQUIRY#i1',
      entity: 'inquiry',
      gsi1pk: 'INQUIRIES#2026-01-01',
      message: 'Call me on (202) 555-0143 or write to Erin@Example.com',
      submitted: { name: 'Erin Erasable', email: EMAIL, phone: PHONE },
      holders: { email: contactId, sms: contactId },
      consentRequests: { email: { mode: 'double' }, sms: { mode: 'double' } },
      visit: { ip: '203.0.113.9', receivedAt: '2026-01-01T00:00:00.000Z' },
    },
    {
      pk,
      sk: 'INQUIRY#i2',
      entity: 'inquiry',
      message: 'A second visit',
      submitted: { name: 'Erin Erasable', email: EMAIL, phone: OTHER_PHONE },
      holders: { email: contactId, sms: 'someone-else' },
    },
    { pk, sk: 'CONSENT#2026-01-01T00:00:00.000Z#email#grant', entity: 'consent', channel: 'email', ip: '203.0.113.9' },
    { pk, sk: 'CONSENT#2026-01-02T00:00:00.000Z#sms#grant', entity: 'consent', channel: 'sms', ip: '203.0.113.9' },
    {
      pk,
      sk: 'MESSAGE#ack#i1',
      entity: 'message',
      contactId,
      channel: 'email',
      category: 'transactional',
      status: 'failed',
      lastError: 'Address erin@example.com is not verified',
      providerMessageId: 'ses-1',
    },
    { pk, sk: 'MESSAGE#sms#i1', entity: 'message', contactId, channel: 'sms', category: 'transactional', status: 'sent' },
    { pk, sk: 'SUBSCRIPTION', entity: 'subscription_pending', topics: new Set(['newsletter']), expiresAt: 1 },
    { pk, sk: 'SMS_PENDING', entity: 'sms_pending', topics: new Set(['newsletter']), expiresAt: 1 },
    { pk, sk: 'OUTBOX#2026-01-01#subscription_confirmation', entity: 'outbox_message', kind: 'subscription_confirmation' },
    { pk, sk: 'SUPPORT#t1', entity: 'support_request', name: 'Erin Erasable', phone: PHONE, message: 'Text 202-555-0143' },
    { pk, sk: 'SOMETHING_NEW', entity: 'future_thing', note: 'whatever a later feature stores' },
  ];
}

const fateOf = (plan: ReturnType<typeof planErasure>, sk: string) => plan.fates.find((fate) => fate.sk === sk);
const key = (channel: Channel, address: string) => addressKey(SALT, channel, address);

describe('planErasure: the fate of every item kind', () => {
  it('deletes every item of a whole contact but the message log, which keeps its facts without recipient', () => {
    const plan = planErasure(partition(), 'contact', SALT);

    for (const sk of [
      'PROFILE',
      'INQUIRY#i1',
      'INQUIRY#i2',
      'CONSENT#2026-01-01T00:00:00.000Z#email#grant',
      'SUBSCRIPTION',
      'SMS_PENDING',
      'OUTBOX#2026-01-01#subscription_confirmation',
      'SUPPORT#t1',
      'SOMETHING_NEW',
    ])
      expect({ sk, fate: fateOf(plan, sk)?.fate }).toEqual({ sk, fate: 'delete' });
    const message = fateOf(plan, 'MESSAGE#ack#i1');
    expect(message).toMatchObject({ fate: 'rewrite', item: { channel: 'email', category: 'transactional', status: 'failed' } });
    expect(message?.fate === 'rewrite' && message.item).not.toHaveProperty('lastError');
    expect(message?.fate === 'rewrite' && message.item).toHaveProperty('providerMessageId', 'ses-1');
    expect(plan.erased).toEqual({
      profile: 1,
      inquiry: 2,
      consent_record: 2,
      message_recipient: 2,
      subscription_pending: 1,
      sms_pending: 1,
      outbox_message: 1,
      support_request: 1,
      other: 1,
      address_lookup: 2,
    });
  });

  it('tombstones the addresses the contact holds, and only clears the lookups of addresses its inquiries name', () => {
    const plan = planErasure(partition(), 'contact', SALT);

    expect(plan.addresses).toEqual(
      expect.arrayContaining([
        { channel: 'email', addressKey: key('email', EMAIL), tombstone: true },
        { channel: 'sms', addressKey: key('sms', PHONE), tombstone: true },
        { channel: 'sms', addressKey: key('sms', OTHER_PHONE), tombstone: false },
      ]),
    );
    expect(plan.addresses).toHaveLength(3);
    expect(plan.audiences).toHaveLength(9);
  });

  it('keeps the erasure record in progress and replaces every earlier one', () => {
    const items = [
      ...partition(),
      { pk: 'CONTACT#c1', sk: 'CONSENT#2026-01-03T00:00:00.000Z#sms#erasure', source: 'erasure', scope: 'sms' },
      { pk: 'CONTACT#c1', sk: 'CONSENT#2026-11-26T10:00:00.000Z#contact#erasure', source: 'erasure', scope: 'contact' },
    ];

    const plan = planErasure(items, 'contact', SALT, 'CONSENT#2026-11-26T10:00:00.000Z#contact#erasure');

    expect(fateOf(plan, 'CONSENT#2026-01-03T00:00:00.000Z#sms#erasure')?.fate).toBe('delete');
    expect(fateOf(plan, 'CONSENT#2026-11-26T10:00:00.000Z#contact#erasure')?.fate).toBe('keep');
    expect(kindOf(items.at(-1)!)).toBe('erasure_record');
  });

  it('erases one number only: its profile fields, ledger, pending request, texts, and the number wherever it is written', () => {
    const plan = planErasure(partition(), 'sms', SALT);

    expect(fateOf(plan, 'PROFILE')).toEqual({
      sk: 'PROFILE',
      kind: 'profile',
      fate: 'remove_address',
      attributes: ['phone', 'pref_sms_newsletter'],
    });
    expect(fateOf(plan, 'CONSENT#2026-01-02T00:00:00.000Z#sms#grant')?.fate).toBe('delete');
    expect(fateOf(plan, 'CONSENT#2026-01-01T00:00:00.000Z#email#grant')?.fate).toBe('keep');
    expect(fateOf(plan, 'SMS_PENDING')?.fate).toBe('delete');
    expect(fateOf(plan, 'SUBSCRIPTION')?.fate).toBe('keep');
    expect(fateOf(plan, 'OUTBOX#2026-01-01#subscription_confirmation')?.fate).toBe('keep');
    expect(fateOf(plan, 'MESSAGE#sms#i1')?.fate).toBe('rewrite');
    expect(fateOf(plan, 'MESSAGE#ack#i1')?.fate).toBe('keep');
    const inquiry = fateOf(plan, 'INQUIRY#i1');
    expect(inquiry?.fate === 'rewrite' && inquiry.item).toMatchObject({
      message: 'Call me on [erased] or write to Erin@Example.com',
      submitted: { name: 'Erin Erasable', email: EMAIL },
      holders: { email: 'c1' },
      consentRequests: { email: { mode: 'double' } },
    });
    expect(inquiry?.fate === 'rewrite' && inquiry.item.submitted).not.toHaveProperty('phone');
    // Another contact's number on an inquiry is not this address.
    expect(fateOf(plan, 'INQUIRY#i2')?.fate).toBe('keep');
    const support = fateOf(plan, 'SUPPORT#t1');
    expect(support?.fate === 'rewrite' && support.item).toEqual({
      pk: 'CONTACT#c1',
      sk: 'SUPPORT#t1',
      entity: 'support_request',
      name: 'Erin Erasable',
      message: 'Text [erased]',
    });
    expect(plan.addresses).toEqual([{ channel: 'sms', addressKey: key('sms', PHONE), tombstone: true }]);
    expect(plan.audiences.every((audience) => audience.startsWith('sms:'))).toBe(true);
  });

  it('erases the whole contact when the address asked about is the only one it holds', () => {
    const profile = partition()[0]!;
    expect(scopeOf(profile, 'email')).toBe('email');
    expect(scopeOf({ ...profile, phone: undefined }, 'email')).toBe('contact');
    expect(scopeOf(profile, undefined)).toBe('contact');
  });
});

/** The partition and lookups in memory; a write can be made to fail, as a crash would stop it. */
class FaultyErasureStore implements ErasureStore {
  readonly items = new Map<string, PartitionItem>();
  readonly lookups = new Map<string, string>();
  writes = 0;
  failAtWrite = Number.POSITIVE_INFINITY;
  onProfileDeleted: () => void = () => undefined;

  constructor(items: readonly PartitionItem[]) {
    for (const item of items) this.items.set(item.sk, structuredClone(item));
  }
  private write(): void {
    this.writes += 1;
    if (this.writes === this.failAtWrite) throw new Error('Crashed mid-erasure');
  }
  /** Reads return attributes in another order than written, as DynamoDB may. */
  async partition() {
    return [...this.items.values()].map(
      (item) => Object.fromEntries(Object.entries(structuredClone(item)).reverse()) as PartitionItem,
    );
  }
  async put(_contactId: string, item: PartitionItem) {
    this.write();
    this.items.set(item.sk, structuredClone(item));
  }
  async delete(_contactId: string, sk: string) {
    this.write();
    this.items.delete(sk);
    if (sk === 'PROFILE') this.onProfileDeleted();
  }
  async removeAttributes(_contactId: string, sk: string, attributes: readonly string[]) {
    this.write();
    const item = this.items.get(sk);
    if (item) for (const name of attributes) delete item[name];
  }
  async deleteLookup(channel: Channel, addressKeyValue: string, contactId: string) {
    this.write();
    if (this.lookups.get(`${channel}:${addressKeyValue}`) === contactId) this.lookups.delete(`${channel}:${addressKeyValue}`);
  }
}

class RecordingSuppressions {
  readonly tombstones = new Map<string, { reason: SuppressionReason; at: string }>();
  fail = false;
  async suppress(channel: Channel, addressKeyValue: string, reason: SuppressionReason, at: string) {
    if (this.fail) throw new Error('Crashed mid-erasure');
    const existing = this.tombstones.get(`${channel}:${addressKeyValue}`);
    if (!existing || existing.reason === 'erasure') this.tombstones.set(`${channel}:${addressKeyValue}`, { reason, at });
  }
}

function erasureDeps(items = partition()) {
  const store = new FaultyErasureStore(items);
  store.lookups.set(`email:${key('email', EMAIL)}`, 'c1');
  store.lookups.set(`sms:${key('sms', PHONE)}`, 'c1');
  store.lookups.set(`sms:${key('sms', OTHER_PHONE)}`, 'someone-else');
  const suppressions = new RecordingSuppressions();
  const audiences = new InMemoryAudienceIndex();
  audiences.add('email:newsletter', 'c1');
  audiences.add('sms:service', 'c1');
  const deps: EraseContactDeps = { erasures: store, suppressions, audiences, secrets: fixedSecrets(), clock: new FakeClock(NOW) };
  return { deps, store, suppressions, audiences };
}

const BY_STAFF = { by: { kind: 'staff', actor: 'admin-1' } } as const;

/** What an erasure leaves, to compare a crashed-and-retried run with one that never crashed. */
function endState(built: ReturnType<typeof erasureDeps>) {
  return {
    items: [...built.store.items.values()],
    lookups: [...built.store.lookups.entries()],
    tombstones: [...built.suppressions.tombstones.entries()],
    memberships: [...built.audiences.memberships.values()].flatMap((members) => [...members]),
  };
}

describe('eraseContact', () => {
  it('leaves one complete erasure record and message facts, tombstones, and no lookup or membership', async () => {
    const built = erasureDeps();

    const receipt = await eraseContact(built.deps, 'c1', BY_STAFF);

    const left = [...built.store.items.values()];
    expect(left.map((item) => item.sk).sort()).toEqual([
      'CONSENT#2026-11-26T10:00:00.000Z#contact#erasure',
      'MESSAGE#ack#i1',
      'MESSAGE#sms#i1',
    ]);
    expect(JSON.stringify(left)).not.toMatch(/erin@|Erin Erasable|2025550143|203\.0\.113\.9/i);
    expect(built.store.lookups).toEqual(new Map([[`sms:${key('sms', OTHER_PHONE)}`, 'someone-else']]));
    expect([...built.suppressions.tombstones.values()]).toEqual([
      { reason: 'erasure', at: NOW.toISOString() },
      { reason: 'erasure', at: NOW.toISOString() },
    ]);
    expect(endState(built).memberships).toEqual([]);
    expect(receipt).toMatchObject({
      contactId: 'c1',
      scope: 'contact',
      erasedAt: NOW.toISOString(),
      by: { kind: 'staff', actor: 'admin-1' },
      backupsRollOffOn: '2026-12-31',
    });
    expect(receipt.kept.map((kept) => kept.what)).toEqual([
      'suppression_tombstone',
      'erasure_record',
      'message_log',
      'audit_entries',
    ]);
  });

  it('answers the same receipt when asked again, and writes nothing more', async () => {
    const built = erasureDeps();
    const first = await eraseContact(built.deps, 'c1', BY_STAFF);
    const writes = built.store.writes;

    const second = await eraseContact(built.deps, 'c1', BY_STAFF);

    expect(second).toEqual(first);
    expect(built.store.writes).toBe(writes);
  });

  it('answers 404 for a contact it never held', async () => {
    const built = erasureDeps([]);
    await expect(eraseContact(built.deps, 'nobody', BY_STAFF)).rejects.toThrow(NotFoundError);
  });

  it('names a privacy request as the requester and keeps its record 24 months', async () => {
    const built = erasureDeps();
    const receipt = await eraseContact(built.deps, 'c1', { by: { kind: 'privacy_request', requestId: 'pr-1' } });
    expect(receipt.by).toEqual({ kind: 'privacy_request', requestId: 'pr-1' });
    expect(receipt.kept.find((kept) => kept.what === 'privacy_request_record')?.why).toContain('24 months');
  });

  it('erases one address and keeps the contact while it holds another', async () => {
    const built = erasureDeps();

    const receipt = await eraseContact(built.deps, 'c1', { ...BY_STAFF, channel: 'sms' });

    expect(receipt.scope).toBe('sms');
    const profile = built.store.items.get('PROFILE');
    expect(profile).toMatchObject({ email: EMAIL, name: 'Erin Erasable', pref_email_newsletter: true });
    expect(profile).not.toHaveProperty('phone');
    expect(built.store.lookups.has(`email:${key('email', EMAIL)}`)).toBe(true);
    expect(built.store.lookups.has(`sms:${key('sms', PHONE)}`)).toBe(false);
    expect([...built.suppressions.tombstones.keys()]).toEqual([`sms:${key('sms', PHONE)}`]);
    expect(JSON.stringify([...built.store.items.values()])).not.toMatch(/2025550143|555-0143/);

    // The email then is all it holds: erasing it erases the whole contact.
    const whole = await eraseContact(built.deps, 'c1', { ...BY_STAFF, channel: 'email' });
    expect(whole.scope).toBe('contact');
    expect(built.store.items.has('PROFILE')).toBe(false);
  });

  it('converges after a crash at any write: the retry finishes the same erasure', async () => {
    const reference = erasureDeps();
    await eraseContact(reference.deps, 'c1', BY_STAFF);
    const total = reference.store.writes;
    expect(total).toBeGreaterThan(10);

    for (let crashAt = 1; crashAt <= total; crashAt += 1) {
      // Arrange: the erasure crashes at one write
      const built = erasureDeps();
      built.store.failAtWrite = crashAt;
      await expect(eraseContact(built.deps, 'c1', BY_STAFF)).rejects.toThrow('Crashed mid-erasure');

      // Act: the retry, later, without the fault
      built.store.failAtWrite = Number.POSITIVE_INFINITY;
      (built.deps.clock as FakeClock).set(new Date(NOW.getTime() + 60_000));
      const receipt = await eraseContact(built.deps, 'c1', BY_STAFF);

      // Assert: the same end state and the same receipt as a run that never crashed
      const expected = crashAt === 1 ? undefined : NOW.toISOString();
      if (expected) expect({ crashAt, erasedAt: receipt.erasedAt }).toEqual({ crashAt, erasedAt: expected });
      const state = endState(built);
      const normalise = (value: unknown): unknown =>
        JSON.parse(JSON.stringify(value).replaceAll('2026-11-26T10:01:00.000Z', NOW.toISOString()));
      expect({ crashAt, state: normalise(state) }).toEqual({ crashAt, state: normalise(endState(reference)) });
    }
  });

  it('converges after a crash while writing the tombstones', async () => {
    const built = erasureDeps();
    built.suppressions.fail = true;
    await expect(eraseContact(built.deps, 'c1', BY_STAFF)).rejects.toThrow('Crashed mid-erasure');
    built.suppressions.fail = false;

    const receipt = await eraseContact(built.deps, 'c1', BY_STAFF);

    expect(receipt.erasedAt).toBe(NOW.toISOString());
    expect(built.suppressions.tombstones.size).toBe(2);
    expect(built.store.items.has('PROFILE')).toBe(false);
  });
});

describe('erasure tombstones and the send gate', () => {
  const recipient = { contactId: 'new', email: EMAIL, preferences: {} };

  it('lets an address that asked again since its erasure be mailed, but never a bounced one', () => {
    const erased = { suppressed: true, stopped: false, erasedAt: '2026-06-01T00:00:00.000Z' };
    expect(askedAgainSinceErasure(erased, { ...recipient, createdAt: '2026-06-02T00:00:00.000Z' })).toBe(true);
    expect(askedAgainSinceErasure(erased, { ...recipient, createdAt: '2026-05-01T00:00:00.000Z' })).toBe(false);
    expect(askedAgainSinceErasure(erased, recipient)).toBe(false);
    expect(askedAgainSinceErasure({ suppressed: true, stopped: false }, { ...recipient, createdAt: '2026-06-02' })).toBe(false);
  });

  it('sends the acknowledgement of a new inquiry from an erased address, and nothing to an older contact holding it', async () => {
    const built = inMemoryGate({ now: NOW });
    built.directory.suppressAddress('email', EMAIL);
    const status = built.directory.addressStatus.bind(built.directory);
    built.directory.addressStatus = async (channel, address) => ({
      ...(await status(channel, address)),
      erasedAt: '2026-11-01T00:00:00.000Z',
    });
    built.directory.recipients.set('new', { ...recipient, createdAt: '2026-11-20T00:00:00.000Z' });
    built.directory.recipients.set('old', { ...recipient, contactId: 'old', createdAt: '2026-01-01T00:00:00.000Z' });
    const ack = (contactId: string) =>
      built.gate.send({
        audience: 'contact',
        contactId,
        channel: 'email',
        category: 'transactional',
        dedupeKey: `ack#${contactId}`,
        body: { subject: 'Thanks', text: 'We got it.', html: '<p>We got it.</p>' },
      });

    expect(await ack('new')).toBe('sent');
    expect(await ack('old')).toBe('skipped_suppressed');
  });
});

describe('queued campaign work after an erasure', () => {
  let built: ReturnType<typeof inMemoryGate>;
  beforeEach(() => {
    built = inMemoryGate({ now: new Date('2026-03-10T17:00:00Z') });
  });

  it('reaches no one: batches planned before the erasure find no contact at send time', async () => {
    // Arrange: a newsletter run is planned with the contact in its batch
    const campaigns = new InMemoryCampaignStore();
    const queue = new RecordingWorkQueue();
    const audiences = new InMemoryAudienceIndex();
    built.directory.recipients.set('c1', {
      contactId: 'c1',
      email: EMAIL,
      preferences: { 'email:newsletter': true },
      timeZone: 'America/New_York',
    });
    audiences.add('email:newsletter', 'c1');
    await campaigns.create({
      name: 'News',
      category: 'newsletter',
      channels: ['email'],
      subject: 'News',
      text: 'What is new.',
      schedule: { at: '2026-03-10T16:00:00.000Z' },
      campaignId: 'k1',
      status: 'scheduled',
      nextRunAt: '2026-03-10T16:00:00.000Z',
      createdBy: 'marketer',
      createdAt: '2026-03-01T00:00:00.000Z',
    });
    await dispatchDueCampaigns({ campaigns, queue, clock: new FakeClock(new Date('2026-03-10T17:00:00Z')) });
    for (const work of queue.take())
      if (work.kind === 'plan') await planShard({ campaigns, audiences, queue, now: () => new Date() }, work);
    const batches = queue.take();
    expect(JSON.stringify(batches)).toContain('c1');

    // Act: the contact is erased while its batch waits in the queue
    const erasure = erasureDeps([{ pk: 'CONTACT#c1', sk: 'PROFILE', entity: 'contact', contactId: 'c1', email: EMAIL }]);
    erasure.store.onProfileDeleted = () => built.directory.recipients.delete('c1');
    erasure.deps.audiences = audiences;
    await eraseContact(erasure.deps, 'c1', BY_STAFF);
    for (const work of batches)
      if (work.kind === 'send') await sendBatch({ campaigns, queue, gate: built.gate, pace: async () => undefined }, work);

    // Assert
    expect(built.mailer.sent).toEqual([]);
    expect([...audiences.memberships.values()].flatMap((members) => [...members])).toEqual([]);
    const [run] = await campaigns.runs('k1');
    expect(run?.counts).toMatchObject({ sent: 0, skippedNoAddress: 1 });
  });
});

export type { ErasureReceipt };
