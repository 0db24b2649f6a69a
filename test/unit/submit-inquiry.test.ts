import { beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { IdempotencyConflictError } from '../../shared/domain/errors.js';
import type { InquiryInput } from '../../shared/domain/inquiries/inquiry.js';
import { submitInquiry } from '../../shared/domain/inquiries/submit-inquiry.js';
import type { SubmitInquiryDeps } from '../../shared/domain/inquiries/submit-inquiry.js';
import { FakeClock, InMemoryDirectory, InMemoryInquiryStore, fixedPolicy, fixedSecrets } from '../fixtures/in-memory.js';

const VISIT = { ip: '203.0.113.9', userAgent: 'Mozilla/5.0', browser: 'Chrome', language: 'en-US' };

const inquiry = (overrides: Partial<InquiryInput> = {}): InquiryInput => ({
  name: 'Jane Doe',
  email: 'Jane@Example.com',
  topic: 'demo',
  consent: { email: false, sms: false },
  ...overrides,
});

describe('submitInquiry', () => {
  let store: InMemoryInquiryStore;
  let addresses: InMemoryDirectory;
  let deps: SubmitInquiryDeps;
  let ids: number;

  beforeEach(() => {
    store = new InMemoryInquiryStore();
    addresses = new InMemoryDirectory();
    ids = 0;
    deps = {
      store,
      addresses,
      optIn: { email: 'double', sms: 'double' },
      secrets: fixedSecrets(),
      clock: new FakeClock(new Date('2026-05-01T12:00:00Z')),
      newId: () => `id-${++ids}`,
      brandName: 'Acme',
      policy: fixedPolicy('2026-01-01'),
    };
  });

  it('stores the inquiry with its normalised email and owes an acknowledgement and a sales notification', async () => {
    // Act
    const receipt = await submitInquiry(deps, inquiry(), VISIT);
    // Assert
    const record = store.inquiries.get(receipt.inquiryId);
    expect(receipt).toEqual({ inquiryId: record?.inquiryId });
    expect(record?.submitted.email).toBe('jane@example.com');
    expect(record?.newContactId).toBe(record?.contactId);
    expect(record?.followUps).toEqual(['acknowledgement', 'sales_notification']);
    expect(record?.visit).toMatchObject({ ...VISIT, receivedAt: '2026-05-01T12:00:00.000Z' });
  });

  it('records no consent when both boxes are left unticked', async () => {
    const receipt = await submitInquiry(deps, inquiry({ phone: '+12025550143' }), VISIT);
    expect(store.inquiries.get(receipt.inquiryId)?.consentEvents).toEqual([]);
  });

  it('under double opt-in, records what each ticked box asked for and grants nothing', async () => {
    // Act
    const receipt = await submitInquiry(deps, inquiry({ phone: '+12025550143', consent: { email: true, sms: true } }), VISIT);
    // Assert
    const record = store.inquiries.get(receipt.inquiryId);
    expect(record?.consentEvents).toEqual([]);
    expect(record?.consentRequests.email).toMatchObject({ mode: 'double', policyVersion: '2026-01-01' });
    expect(record?.consentRequests.sms?.wordingHash).toMatch(/^[0-9a-f]{64}$/);
    expect(record?.consentRequests.sms?.wordingHash).not.toBe(record?.consentRequests.email?.wordingHash);
    expect(record?.followUps).toContain('sms_opt_in_confirmation');
  });

  it('under single opt-in, records a grant of every topic per ticked channel, naming the policy version', async () => {
    // Act
    const receipt = await submitInquiry(
      { ...deps, optIn: { email: 'single', sms: 'single' } },
      inquiry({ phone: '+12025550143', consent: { email: true, sms: true }, pageUrl: 'https://d.test/x' }),
      VISIT,
    );
    // Assert
    const events = store.inquiries.get(receipt.inquiryId)?.consentEvents ?? [];
    expect(events.map((event) => event.channel)).toEqual(['email', 'sms']);
    for (const event of events) {
      expect(event).toMatchObject({
        topics: ['newsletter', 'product_updates', 'marketing'],
        action: 'grant',
        source: 'inquiry_form',
        policyVersion: '2026-01-01',
        ip: VISIT.ip,
        pageUrl: 'https://d.test/x',
      });
    }
  });

  it('never opts in or texts a number that sent STOP, whatever the opt-in mode', async () => {
    // Arrange
    const first = await submitInquiry(deps, inquiry({ phone: '+12025550143' }), VISIT);
    const phoneKey = [...addresses.lookups.entries()].find(([key]) => key.startsWith('sms:'))?.[0].slice(4) ?? '';
    await addresses.markStopped(phoneKey);
    // Act
    const receipt = await submitInquiry(
      { ...deps, optIn: { email: 'single', sms: 'single' } },
      inquiry({ phone: '+12025550143', consent: { email: false, sms: true } }),
      VISIT,
    );
    // Assert
    const record = store.inquiries.get(receipt.inquiryId);
    expect(record?.contactId).toBe(store.inquiries.get(first.inquiryId)?.contactId);
    expect(record?.consentEvents).toEqual([]);
    expect(record?.consentRequests).toEqual({});
    expect(record?.followUps).not.toContain('sms_opt_in_confirmation');
  });

  it('ignores SMS consent without a phone number', async () => {
    const receipt = await submitInquiry(deps, inquiry({ consent: { email: false, sms: true } }), VISIT);
    const record = store.inquiries.get(receipt.inquiryId);
    expect(record?.consentEvents).toEqual([]);
    expect(record?.followUps).not.toContain('sms_opt_in_confirmation');
  });

  it('files an inquiry under the contact that holds its address, and changes nothing stored', async () => {
    // Arrange
    const first = store.inquiries.get((await submitInquiry(deps, inquiry({ phone: '+12025550143' }), VISIT)).inquiryId);
    // Act
    const byEmail = store.inquiries.get((await submitInquiry(deps, inquiry({ email: ' JANE@example.com ' }), VISIT)).inquiryId);
    const byPhone = store.inquiries.get(
      (await submitInquiry(deps, inquiry({ email: undefined, phone: '+12025550143' }), VISIT)).inquiryId,
    );
    // Assert
    expect(byEmail?.contactId).toBe(first?.contactId);
    expect(byPhone?.contactId).toBe(first?.contactId);
    expect(byEmail?.newContactId).toBeUndefined();
    expect(byPhone?.newContactId).toBeUndefined();
  });

  it("gives a stranger's form naming someone's phone no hold on that person's contact", async () => {
    // Arrange: the victim's inquiry
    const victim = store.inquiries.get(
      (await submitInquiry(deps, inquiry({ phone: '+12025550143', consent: { email: false, sms: true } }), VISIT)).inquiryId,
    );
    // Act: Mallory's form with his email and her phone
    const mallory = store.inquiries.get(
      (
        await submitInquiry(
          deps,
          inquiry({ name: 'Mallory', email: 'mallory@evil.example', phone: '+12025550143', consent: { email: true, sms: true } }),
          VISIT,
        )
      ).inquiryId,
    );
    // Assert: his inquiry is filed under a new contact holding only his email; her number stays hers
    expect(mallory?.contactId).not.toBe(victim?.contactId);
    expect(mallory?.newContactId).toBe(mallory?.contactId);
    expect(mallory?.holders).toEqual({ email: mallory?.contactId, sms: victim?.contactId });
    expect(mallory?.consentEvents).toEqual([]);
  });

  it('makes the same address-book calls for a known address as for a new one', async () => {
    // Arrange: count every call the use case makes on the address book
    const calls: string[] = [];
    const counted = new Proxy(addresses, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(String(property));
          return value.apply(target, args);
        };
      },
    });
    const run = { ...deps, addresses: counted };
    await submitInquiry(run, inquiry({ phone: '+12025550143' }), VISIT);
    // Act
    calls.length = 0;
    await submitInquiry(run, inquiry({ email: 'someone.new@example.com', phone: '+12025550144' }), VISIT);
    const forNew = [...calls].sort();
    calls.length = 0;
    await submitInquiry(run, inquiry({ phone: '+12025550143' }), VISIT);
    const forKnown = [...calls].sort();
    // Assert
    expect(forKnown).toEqual(forNew);
  });

  it('no sequence of anonymous form posts grants consent or moves an address to another contact', async () => {
    const emails = ['a@x.test', 'b@x.test', 'c@x.test'];
    const phones = ['+12025550101', '+12025550102', '+12025550103'];
    const post = fc.record({
      email: fc.option(fc.constantFrom(...emails), { nil: undefined }),
      phone: fc.option(fc.constantFrom(...phones), { nil: undefined }),
      consent: fc.record({ email: fc.boolean(), sms: fc.boolean() }),
      name: fc.constantFrom('Ann', 'Mallory', 'Eve'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(post, { minLength: 1, maxLength: 20 }), async (posts) => {
        // Arrange: a fresh table per sequence
        const run = { ...deps, store: new InMemoryInquiryStore(), addresses: new InMemoryDirectory() };
        const firstHolder = new Map<string, string>();
        for (const form of posts) {
          if (!form.email && !form.phone) continue;
          // Act
          const { inquiryId } = await submitInquiry(run, inquiry(form), VISIT);
          // Assert: nothing granted; each address keeps the holder it had first
          const record = run.store.inquiries.get(inquiryId);
          expect(record?.consentEvents).toEqual([]);
          for (const [channel, address] of [
            ['email', form.email],
            ['sms', form.phone],
          ] as const) {
            if (!address) continue;
            const holder = record?.holders[channel] ?? '';
            if (!firstHolder.has(address)) firstHolder.set(address, holder);
            expect(holder).toBe(firstHolder.get(address));
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('returns the first response for a retry with the same Idempotency-Key and stores one inquiry', async () => {
    // Act
    const first = await submitInquiry(deps, inquiry(), VISIT, 'key-1');
    const retry = await submitInquiry(deps, inquiry(), VISIT, 'key-1');
    // Assert
    expect(retry).toEqual(first);
    expect(store.inquiries.size).toBe(1);
  });

  it('finishes a first attempt that claimed the key but crashed before storing', async () => {
    // Arrange: the key is claimed, the inquiry never written.
    await submitInquiry(deps, inquiry(), VISIT, 'key-2');
    store.inquiries.clear();
    // Act
    const retry = await submitInquiry(deps, inquiry(), VISIT, 'key-2');
    // Assert
    expect(store.inquiries.get(retry.inquiryId)).toBeDefined();
  });

  it('refuses an Idempotency-Key reused with a different body', async () => {
    await submitInquiry(deps, inquiry(), VISIT, 'key-3');
    await expect(submitInquiry(deps, inquiry({ message: 'other' }), VISIT, 'key-3')).rejects.toBeInstanceOf(
      IdempotencyConflictError,
    );
    expect(store.inquiries.size).toBe(1);
  });
});
