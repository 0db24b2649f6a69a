import { beforeEach, describe, expect, it } from '@jest/globals';
import { IdempotencyConflictError } from '../../shared/domain/errors.js';
import type { InquiryInput } from '../../shared/domain/inquiries/inquiry.js';
import { submitInquiry } from '../../shared/domain/inquiries/submit-inquiry.js';
import type { SubmitInquiryDeps } from '../../shared/domain/inquiries/submit-inquiry.js';
import { FakeClock, InMemoryInquiryStore, fixedPolicy, fixedSecrets } from '../fixtures/in-memory.js';

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
  let deps: SubmitInquiryDeps;
  let ids: number;

  beforeEach(() => {
    store = new InMemoryInquiryStore();
    ids = 0;
    deps = {
      store,
      secrets: fixedSecrets(),
      clock: new FakeClock(new Date('2026-05-01T12:00:00Z')),
      newId: () => `id-${++ids}`,
      brandName: 'Acme',
      policy: fixedPolicy('2026-01-01'),
    };
  });

  it('stores the contact with its normalised email and owes an acknowledgement and a sales notification', async () => {
    // Act
    const receipt = await submitInquiry(deps, inquiry(), VISIT);
    // Assert
    const record = store.inquiries.get(receipt.inquiryId);
    expect(record?.contact.email).toBe('jane@example.com');
    expect(record?.followUps).toEqual(['acknowledgement', 'sales_notification']);
    expect(record?.visit).toMatchObject({ ...VISIT, receivedAt: '2026-05-01T12:00:00.000Z' });
  });

  it('records no consent when both boxes are left unticked', async () => {
    const receipt = await submitInquiry(deps, inquiry({ phone: '+12025550143' }), VISIT);
    expect(store.inquiries.get(receipt.inquiryId)?.consentEvents).toEqual([]);
  });

  it('records a grant of every topic per ticked channel, naming the policy version and hashing the wording', async () => {
    // Act
    const receipt = await submitInquiry(
      deps,
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
        userAgent: VISIT.userAgent,
        pageUrl: 'https://d.test/x',
      });
      expect(event.wordingHash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(events[0]?.wordingHash).not.toBe(events[1]?.wordingHash);
    expect(store.inquiries.get(receipt.inquiryId)?.followUps).toContain('sms_opt_in_confirmation');
  });

  it('ignores SMS consent without a phone number', async () => {
    const receipt = await submitInquiry(deps, inquiry({ consent: { email: false, sms: true } }), VISIT);
    const record = store.inquiries.get(receipt.inquiryId);
    expect(record?.consentEvents).toEqual([]);
    expect(record?.followUps).not.toContain('sms_opt_in_confirmation');
  });

  it('keeps the same person as one contact, found by email or by phone', async () => {
    // Arrange
    const first = await submitInquiry(deps, inquiry({ phone: '+12025550143' }), VISIT);
    // Act
    const byEmail = await submitInquiry(deps, inquiry({ email: ' JANE@example.com ' }), VISIT);
    const byPhone = await submitInquiry(deps, inquiry({ email: undefined, phone: '+12025550143' }), VISIT);
    // Assert
    expect(byEmail.contactId).toBe(first.contactId);
    expect(byPhone.contactId).toBe(first.contactId);
    expect(byEmail.inquiryId).not.toBe(first.inquiryId);
  });

  it('links a phone given later to the contact found by email', async () => {
    const first = await submitInquiry(deps, inquiry(), VISIT);
    await submitInquiry(deps, inquiry({ phone: '+12025550143' }), VISIT);
    const byPhone = await submitInquiry(deps, inquiry({ email: undefined, phone: '+12025550143' }), VISIT);
    expect(byPhone.contactId).toBe(first.contactId);
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
