import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { exportContact, buildContactExport } from '../../shared/domain/contacts/contact-export.js';
import { disclosureFor, maskOf, PERSONAL_FIELDS } from '../../shared/domain/contacts/masking-policy.js';
import type { PersonalField } from '../../shared/domain/contacts/masking-policy.js';
import { findContacts, readContact } from '../../shared/domain/contacts/staff-contacts.js';
import { STAFF_ROLES } from '../../shared/domain/staff.js';
import type { StaffIdentity, StaffRole } from '../../shared/domain/staff.js';
import type { ContactProfile } from '../../shared/ports/contact-records.js';
import { InMemoryAuditLog, InMemoryContactRecords } from '../fixtures/contact-records.js';
import { FakeClock } from '../fixtures/in-memory.js';

/**
 * Every value is a distinctive token, so that finding it in a response's JSON means the value
 * itself leaked, never a coincidence.
 */
const token = fc.stringMatching(/^[a-z]{6,10}$/);
const name = token.map((word) => `Nm${word} Zq${word}`);
const company = token.map((word) => `Co${word} Motors`);
const email = token.map((word) => `u${word}@d${word}.example`);
const phone = fc.integer({ min: 2_000_000, max: 9_999_999 }).map((digits) => `+1202${digits}`);
const freeText = token.map((word) => `Txt${word} typed by someone`);
const ip = fc.tuple(fc.integer({ min: 1, max: 250 }), fc.integer({ min: 1, max: 250 })).map(([a, b]) => `198.51.${a}.${b}`);

interface Values {
  field: PersonalField;
  value: string;
}

const contactArbitrary = fc.record({
  name: fc.option(name, { nil: undefined }),
  email: fc.option(email, { nil: undefined }),
  phone: fc.option(phone, { nil: undefined }),
  companyName: fc.option(company, { nil: undefined }),
  inquiries: fc.array(
    fc.record({
      name,
      email: fc.option(email, { nil: undefined }),
      phone: fc.option(phone, { nil: undefined }),
      companyName: fc.option(company, { nil: undefined }),
      message: fc.option(freeText, { nil: undefined }),
      ip,
    }),
    { maxLength: 3 },
  ),
  supportRequests: fc.array(fc.record({ name, email, subject: freeText, message: freeText }), { maxLength: 2 }),
  ledger: fc.array(fc.record({ ip, reason: fc.option(freeText, { nil: undefined }) }), { maxLength: 2 }),
});
const rolesArbitrary = fc.uniqueArray(fc.constantFrom(...STAFF_ROLES), { minLength: 1, maxLength: 3 });

type Generated = typeof contactArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** Stores a generated contact and lists every personal value it holds, by policy field. */
function store(records: InMemoryContactRecords, contactId: string, contact: Generated): Values[] {
  const profile: ContactProfile = {
    contactId,
    createdAt: '2026-05-01T00:00:00.000Z',
    ...(contact.name ? { name: contact.name } : {}),
    ...(contact.email ? { email: contact.email } : {}),
    ...(contact.phone ? { phone: contact.phone } : {}),
    ...(contact.companyName ? { companyName: contact.companyName } : {}),
  };
  records.add(profile, {
    inquiries: contact.inquiries.map((inquiry, index) => ({
      inquiryId: `${contactId}-i${index}`,
      topic: 'demo',
      ...(inquiry.message ? { message: inquiry.message } : {}),
      submitted: {
        name: inquiry.name,
        ...(inquiry.email ? { email: inquiry.email } : {}),
        ...(inquiry.phone ? { phone: inquiry.phone } : {}),
        ...(inquiry.companyName ? { companyName: inquiry.companyName } : {}),
      },
      visit: { receivedAt: '2026-05-01T00:00:00.000Z', ip: inquiry.ip, userAgent: 'Mozilla/5.0 Agentqq' },
    })),
    supportRequests: contact.supportRequests.map((request, index) => ({
      ticketId: `${contactId}-t${index}`,
      subject: request.subject,
      message: request.message,
      submitted: { name: request.name, email: request.email },
    })),
    ledger: contact.ledger.map((entry) => ({
      channel: 'email',
      topics: ['newsletter'],
      action: 'grant',
      source: 'staff',
      at: '2026-05-01T00:00:00.000Z',
      ip: entry.ip,
      policyVersion: 'v1',
      wordingHash: 'h',
      ...(entry.reason ? { reason: entry.reason } : {}),
    })),
  });
  const values: Values[] = [];
  const add = (field: PersonalField, value: string | undefined) => value !== undefined && values.push({ field, value });
  add('name', contact.name);
  add('email', contact.email);
  add('phone', contact.phone);
  add('companyName', contact.companyName);
  for (const inquiry of contact.inquiries) {
    add('name', inquiry.name);
    add('email', inquiry.email);
    add('phone', inquiry.phone);
    add('companyName', inquiry.companyName);
    add('freeText', inquiry.message);
    add('network', inquiry.ip);
  }
  for (const request of contact.supportRequests) {
    add('name', request.name);
    add('email', request.email);
    add('freeText', request.subject);
    add('freeText', request.message);
  }
  for (const entry of contact.ledger) {
    add('network', entry.ip);
    add('freeText', entry.reason);
  }
  return values;
}

/**
 * SPEC §4 written out on its own, not read from the policy under test: the most each role may
 * receive of a field. Marketing reads email and phone masked; an analyst reads no contact at all.
 */
const SPEC_CEILING: Record<StaffRole, Partial<Record<PersonalField, 'masked' | 'hidden'>>> = {
  admin: {},
  sales: {},
  support: {},
  privacy: {},
  marketing: { email: 'masked', phone: 'masked' },
  analyst: { name: 'hidden', email: 'hidden', phone: 'hidden', companyName: 'hidden', freeText: 'hidden', network: 'hidden' },
};

/** True when one of the roles may, by SPEC §4, receive the field unmasked. */
const specAllowsFull = (roles: readonly StaffRole[], field: PersonalField) => roles.some((role) => !SPEC_CEILING[role][field]);

/**
 * Checks one output: nothing SPEC §4 forbids the roles is in it raw; and it follows the policy
 * (a hidden value is absent, a masked one appears only as its mask, a full one is there).
 */
function expectPolicyHolds(output: unknown, values: readonly Values[], roles: readonly StaffRole[]): void {
  const text = JSON.stringify(output);
  for (const { field, value } of values) {
    if (!specAllowsFull(roles, field)) expect(text).not.toContain(value);
    const disclosure = disclosureFor({ staff: roles }, field);
    if (disclosure === 'full') expect(text).toContain(value);
    else expect(text).not.toContain(value);
    const mask = maskOf(field, value);
    if (disclosure === 'masked' && mask !== undefined) expect(text).toContain(mask);
  }
}

/** The fields the policy lets these roles see in full, of those the contact holds. */
function unmaskedKinds(values: readonly Values[], roles: readonly StaffRole[]): PersonalField[] {
  return PERSONAL_FIELDS.filter((field) =>
    values.some((value) => value.field === field && disclosureFor({ staff: roles }, field) === 'full'),
  );
}

describe('the masking policy, on every contacts output', () => {
  const request = { requestId: 'req-1' };

  it('never gives a role a field its SPEC §4 row forbids, and audits exactly the fields it shows unmasked', async () => {
    await fc.assert(
      fc.asyncProperty(contactArbitrary, rolesArbitrary, async (contact, roles) => {
        // Arrange
        const records = new InMemoryContactRecords();
        const audit = new InMemoryAuditLog();
        const deps = { records, audit, auditTrail: audit, clock: new FakeClock(new Date('2026-06-01T00:00:00Z')) };
        const values = store(records, 'c1', contact);
        const staff: StaffIdentity = { sub: 'staff-1', roles: [...roles] };

        // Act: every read path a contacts route has
        const outputs = [
          await findContacts(deps, staff, {}, request),
          ...(contact.email ? [await findContacts(deps, staff, { email: contact.email }, request)] : []),
          ...(contact.phone ? [await findContacts(deps, staff, { phone: contact.phone }, request)] : []),
          await readContact(deps, staff, 'c1', request),
          await exportContact(deps, staff, 'c1', request),
        ];

        // Assert: the list and search show the profile only; the detail and the export show everything
        const profileValues = values.slice(
          0,
          [contact.name, contact.email, contact.phone, contact.companyName].filter((v) => v !== undefined).length,
        );
        for (const listing of outputs.slice(0, -2)) expectPolicyHolds(listing, profileValues, roles);
        for (const whole of outputs.slice(-2)) expectPolicyHolds(whole, values, roles);
        const expected = unmaskedKinds(values, roles);
        const reads = audit.entries.filter((entry) => entry.action === 'read');
        expect(audit.entries.at(-1)).toMatchObject({ action: 'export', fields: expected });
        if (expected.length === 0) expect(reads).toEqual([]);
        else expect(reads.at(-1)?.fields).toEqual(expected);
      }),
      { numRuns: 150, seed: 20261126 },
    );
  });

  it('shows a person verified by one address that address in full and every other address masked', async () => {
    await fc.assert(
      fc.asyncProperty(contactArbitrary, fc.constantFrom('email' as const, 'sms' as const), async (contact, channel) => {
        // Arrange
        const records = new InMemoryContactRecords();
        const audit = new InMemoryAuditLog();
        const values = store(records, 'c1', contact);
        const own = channel === 'email' ? contact.email : contact.phone;
        // Act
        const document = await buildContactExport(
          { records, auditTrail: audit, clock: new FakeClock(new Date('2026-06-01T00:00:00Z')) },
          'c1',
          { channel },
        );
        // Assert
        if (own === undefined) {
          expect(document).toBeUndefined();
          return;
        }
        const text = JSON.stringify(document);
        const profileCount = [contact.name, contact.email, contact.phone, contact.companyName].filter(
          (v) => v !== undefined,
        ).length;
        values.forEach(({ field, value }, index) => {
          const isOwn =
            (field === 'email' && channel === 'email' && value === own) ||
            (field === 'phone' && channel === 'sms' && value === own);
          if (field === 'email' || field === 'phone') expect(text.includes(value)).toBe(isOwn);
          // The person's own profile is theirs; what others submitted with another address is left out.
          else if (index < profileCount) expect(text).toContain(value);
        });
        expect(audit.entries).toEqual([]);
      }),
      { numRuns: 150, seed: 20261127 },
    );
  });
});
