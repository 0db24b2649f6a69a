import { beforeEach, describe, expect, it } from '@jest/globals';
import { addressKey } from '../../shared/domain/address-key.js';
import { buildContactExport, exportContact } from '../../shared/domain/contacts/contact-export.js';
import { ADDRESS_CORRECTED, correctContact } from '../../shared/domain/contacts/correct-contact.js';
import { readAudit } from '../../shared/domain/contacts/read-audit.js';
import { recordStaffConsent } from '../../shared/domain/contacts/staff-consent.js';
import { findContacts, readContact } from '../../shared/domain/contacts/staff-contacts.js';
import { ConflictError, NotFoundError, ServiceUnavailableError, ValidationError } from '../../shared/domain/errors.js';
import type { StaffIdentity } from '../../shared/domain/staff.js';
import { InMemoryAuditLog, InMemoryContactRecords } from '../fixtures/contact-records.js';
import { FakeClock, fixedPolicy, fixedSecrets, InMemoryDirectory } from '../fixtures/in-memory.js';

const sales: StaffIdentity = { sub: 'sales-1', roles: ['sales'] };
const support: StaffIdentity = { sub: 'support-1', roles: ['support'] };
const marketing: StaffIdentity = { sub: 'marketing-1', roles: ['marketing'] };
const request = { requestId: 'req-1', reason: 'customer called' };

const JANE = {
  contactId: 'c-jane',
  name: 'Jane Doe',
  email: 'jane@example.com',
  phone: '+12025550123',
  companyName: 'Doe Motors',
  dealershipType: 'independent',
  createdAt: '2026-05-01T10:00:00.000Z',
};

describe('the contacts use cases', () => {
  let directory: InMemoryDirectory;
  let records: InMemoryContactRecords;
  let audit: InMemoryAuditLog;
  let deps: {
    records: InMemoryContactRecords;
    audit: InMemoryAuditLog;
    auditTrail: InMemoryAuditLog;
    clock: FakeClock;
    addresses: InMemoryDirectory;
    directory: InMemoryDirectory;
    consent: InMemoryDirectory;
    policy: ReturnType<typeof fixedPolicy>;
    secrets: ReturnType<typeof fixedSecrets>;
  };

  beforeEach(() => {
    directory = new InMemoryDirectory();
    records = new InMemoryContactRecords(directory);
    audit = new InMemoryAuditLog();
    deps = {
      records,
      audit,
      auditTrail: audit,
      clock: new FakeClock(new Date('2026-06-01T12:00:00Z')),
      addresses: directory,
      directory,
      consent: directory,
      policy: fixedPolicy('2026-01-01'),
      secrets: fixedSecrets(),
    };
    records.add(JANE, {
      consent: { preferences: { 'email:newsletter': true, 'sms:marketing': true }, emailOptOutAll: false },
      inquiries: [
        {
          inquiryId: 'i-1',
          topic: 'demo',
          message: 'Call me about a demo',
          submitted: { name: 'J. Doe', email: 'other@example.com', phone: '+12025550199' },
          visit: { receivedAt: '2026-05-01T10:00:00.000Z', ip: '203.0.113.7' },
        },
      ],
    });
  });

  describe('findContacts', () => {
    it('finds a contact by exact email and shows sales its details in full, audited first', async () => {
      // Act
      const listing = await findContacts(deps, sales, { email: 'jane@example.com' }, request);
      // Assert
      expect(listing.contacts).toEqual([expect.objectContaining({ id: 'c-jane', email: JANE.email, phone: JANE.phone })]);
      expect(audit.entries).toEqual([
        expect.objectContaining({ contactId: 'c-jane', actor: 'sales-1', action: 'read', reason: 'customer called' }),
      ]);
      expect(audit.entries[0]?.fields).toEqual(['name', 'email', 'phone', 'companyName']);
    });

    it('shows marketing email and phone masked, and audits nothing since nothing left unmasked', async () => {
      const listing = await findContacts(deps, marketing, { phone: JANE.phone }, request);

      expect(listing.contacts).toEqual([
        {
          id: 'c-jane',
          name: 'J***',
          email: 'j***@example.com',
          phone: '+1******0123',
          companyName: 'D***',
          dealershipType: 'independent',
          createdAt: JANE.createdAt,
        },
      ]);
      expect(audit.entries).toEqual([]);
    });

    it('answers an unknown address with an empty list and no audit entry', async () => {
      expect(await findContacts(deps, sales, { email: 'nobody@example.com' }, request)).toEqual({ contacts: [] });
      expect(audit.entries).toEqual([]);
    });

    it('pages through every contact once, newest first, one audit entry per contact shown', async () => {
      // Arrange
      for (let index = 0; index < 4; index += 1)
        records.add({ contactId: `c-${index}`, name: `Person ${index}`, createdAt: `2026-05-0${index + 2}T00:00:00.000Z` });
      // Act
      const first = await findContacts(deps, sales, { limit: 3 }, request);
      const second = await findContacts(
        deps,
        sales,
        { limit: 3, ...(first.nextCursor ? { cursor: first.nextCursor } : {}) },
        request,
      );
      // Assert
      expect([...first.contacts, ...second.contacts].map((contact) => contact.id)).toEqual([
        'c-3',
        'c-2',
        'c-1',
        'c-0',
        'c-jane',
      ]);
      expect(second.nextCursor).toBeUndefined();
      expect(audit.entries.map((entry) => entry.contactId)).toEqual(['c-3', 'c-2', 'c-1', 'c-0', 'c-jane']);
    });

    it.each([[0], [101], [2.5]])('refuses a limit of %s with a 400 naming it', async (limit) => {
      await expect(findContacts(deps, sales, { limit }, request)).rejects.toMatchObject({ details: [{ path: 'limit' }] });
      expect(audit.entries).toEqual([]);
    });

    it('refuses a cursor it did not give out', async () => {
      await expect(findContacts(deps, sales, { cursor: 'forged' }, request)).rejects.toBeInstanceOf(ValidationError);
    });

    it('answers 503 and nothing when the audit entry cannot be written', async () => {
      audit.failing = true;
      await expect(findContacts(deps, sales, { email: JANE.email }, request)).rejects.toBeInstanceOf(ServiceUnavailableError);
    });
  });

  describe('readContact', () => {
    it('shows marketing the record masked everywhere, inside inquiries too, with typed text and IPs hidden', async () => {
      const detail = await readContact(deps, marketing, 'c-jane', request);

      const text = JSON.stringify(detail);
      for (const raw of ['Jane Doe', JANE.email, JANE.phone, 'other@example.com', '+12025550199', 'Call me about', '203.0.113.7'])
        expect(text).not.toContain(raw);
      expect(detail.inquiries[0]).toMatchObject({
        submitted: { name: 'J***', email: 'o***@example.com', phone: '+1******0199' },
      });
      expect(detail.preferences).toEqual({
        email: {
          address: 'j***@example.com',
          topics: { newsletter: true, product_updates: false, marketing: false },
          suppressed: false,
          optedOutOfAllEmail: false,
        },
        sms: {
          address: '+1******0123',
          topics: { newsletter: false, product_updates: false, marketing: true },
          suppressed: false,
          stopped: false,
        },
      });
      expect(audit.entries).toEqual([]);
    });

    it('shows support the whole record and audits the fields it shows', async () => {
      const detail = await readContact(deps, support, 'c-jane', request);

      expect(detail.inquiries[0]).toMatchObject({ message: 'Call me about a demo', submitted: { email: 'other@example.com' } });
      expect(audit.entries).toEqual([
        expect.objectContaining({ action: 'read', fields: ['name', 'email', 'phone', 'companyName', 'freeText', 'network'] }),
      ]);
    });

    it('answers an unknown id with 404 and audits nothing', async () => {
      await expect(readContact(deps, support, 'c-nobody', request)).rejects.toBeInstanceOf(NotFoundError);
      expect(audit.entries).toEqual([]);
    });

    it('answers 503 and nothing when the audit entry cannot be written', async () => {
      audit.failing = true;
      await expect(readContact(deps, support, 'c-jane', request)).rejects.toBeInstanceOf(ServiceUnavailableError);
    });
  });

  describe('correctContact', () => {
    it('moves a corrected email: new lookup claimed, old one freed, email consent withdrawn by staff, audit masked', async () => {
      // Act
      const result = await correctContact(
        deps,
        support,
        'c-jane',
        { email: 'Jane.Doe@Example.com', name: 'Jane Q. Doe' },
        request,
      );
      // Assert
      expect(result).toEqual({ id: 'c-jane', changed: ['name', 'email'] });
      expect(await records.findByAddress('email', 'jane.doe@example.com')).toMatchObject({ contactId: 'c-jane' });
      expect(await records.findByAddress('email', 'jane@example.com')).toBeUndefined();
      const correction = records.corrections[0];
      expect(correction?.withdrawals).toEqual([
        expect.objectContaining({
          channel: 'email',
          topics: ['newsletter'],
          action: 'withdraw',
          source: 'staff',
          reason: ADDRESS_CORRECTED,
        }),
      ]);
      expect(correction?.next.preferences).toEqual({ 'email:newsletter': false, 'sms:marketing': true });
      expect(correction?.audit).toMatchObject({
        action: 'update',
        actor: 'support-1',
        fields: ['name', 'email'],
        reason: 'customer called',
        changes: [
          { field: 'name', from: 'J***', to: 'J***' },
          { field: 'email', from: 'j***@example.com', to: 'j***@example.com' },
        ],
      });
      expect(JSON.stringify(correction?.audit)).not.toContain('jane@example.com');
    });

    it('refuses a masked value sent back with a 400 naming the field, and changes nothing', async () => {
      await expect(correctContact(deps, support, 'c-jane', { phone: '+1******0123' }, request)).rejects.toMatchObject({
        statusCode: 400,
        details: [{ path: 'phone' }],
      });
      expect(records.corrections).toEqual([]);
    });

    it('answers 409 when another contact holds the new address, and changes nothing', async () => {
      // Arrange
      records.add({ contactId: 'c-other', email: 'taken@example.com' });
      // Act / Assert
      await expect(correctContact(deps, support, 'c-jane', { email: 'taken@example.com' }, request)).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(records.corrections).toEqual([]);
      expect(await records.findByAddress('email', 'jane@example.com')).toMatchObject({ contactId: 'c-jane' });
      expect(directory.ledger).toEqual([]);
    });

    it('records nothing when every value is the stored one', async () => {
      expect(await correctContact(deps, support, 'c-jane', { name: 'Jane Doe', email: 'JANE@example.com' }, request)).toEqual({
        id: 'c-jane',
        changed: [],
      });
      expect(records.corrections).toEqual([]);
    });

    it('answers an unknown id with 404', async () => {
      await expect(correctContact(deps, support, 'c-nobody', { name: 'X' }, request)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('recordStaffConsent', () => {
    const grant = {
      channel: 'sms' as const,
      action: 'grant' as const,
      topics: ['newsletter' as const],
      reason: 'asked on the phone',
    };

    it('records a staff grant as such, with its reason, after auditing it', async () => {
      const result = await recordStaffConsent(deps, support, 'c-jane', grant, request);

      expect(result).toEqual({ id: 'c-jane', channel: 'sms', action: 'grant', topics: ['newsletter'], recorded: 1 });
      expect(directory.ledger).toEqual([
        expect.objectContaining({ source: 'staff', action: 'grant', reason: 'asked on the phone' }),
      ]);
      expect(audit.entries).toEqual([expect.objectContaining({ action: 'update', fields: ['consent.sms'] })]);
    });

    it('never overrides a STOP: 409, nothing recorded, nothing audited', async () => {
      directory.stoppedKeys.add(addressKey(deps.secrets.secrets.addressSalt, 'sms', JANE.phone));

      await expect(recordStaffConsent(deps, support, 'c-jane', grant, request)).rejects.toMatchObject({ statusCode: 409 });
      expect(directory.ledger).toEqual([]);
      expect(audit.entries).toEqual([]);
    });

    it('never overrides a suppression: 409, nothing recorded', async () => {
      directory.suppressAddress('email', JANE.email);

      await expect(recordStaffConsent(deps, support, 'c-jane', { ...grant, channel: 'email' }, request)).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(directory.ledger).toEqual([]);
    });

    it('still records a withdrawal for a suppressed address', async () => {
      directory.suppressAddress('email', JANE.email);

      const result = await recordStaffConsent(
        deps,
        support,
        'c-jane',
        { ...grant, channel: 'email', action: 'withdraw' },
        request,
      );

      expect(result.recorded).toBe(1);
    });

    it('answers 503 and records nothing when the audit entry cannot be written', async () => {
      audit.failing = true;
      await expect(recordStaffConsent(deps, support, 'c-jane', grant, request)).rejects.toBeInstanceOf(ServiceUnavailableError);
      expect(directory.ledger).toEqual([]);
    });
  });

  describe('contact export', () => {
    it('scoped to the verified email, shows the other addresses masked and leaves out what was submitted with another', async () => {
      const document = await buildContactExport(deps, 'c-jane', { channel: 'email' });

      expect(document?.contact).toMatchObject({ email: JANE.email, phone: '+1******0123', name: 'Jane Doe' });
      // The one inquiry on file came with other@example.com: it belongs to that address, not this one.
      expect(document?.inquiries).toEqual([]);
      expect(JSON.stringify(document)).not.toContain('Call me about');
    });

    it('lists which staff roles read the record and when, never who', async () => {
      // Arrange
      await readContact(deps, support, 'c-jane', request);
      // Act
      const document = await exportContact(deps, sales, 'c-jane', request);
      // Assert
      expect(document.staffAccess).toEqual([{ roles: ['support'], action: 'read', at: '2026-06-01T12:00:00.000Z' }]);
      expect(JSON.stringify(document)).not.toContain('support-1');
      expect(audit.entries.at(-1)).toMatchObject({ action: 'export', actor: 'sales-1' });
    });

    it('answers 503 and no document when the export cannot be audited', async () => {
      audit.failing = true;
      await expect(exportContact(deps, support, 'c-jane', request)).rejects.toBeInstanceOf(ServiceUnavailableError);
    });
  });

  describe('readAudit', () => {
    it("pages one contact's entries newest first", async () => {
      await readContact(deps, support, 'c-jane', request);
      deps.clock.set('2026-06-02T00:00:00Z');
      await readContact(deps, sales, 'c-jane', request);

      const page = await readAudit(deps, { contactId: 'c-jane', limit: 1 });
      const next = await readAudit(deps, {
        contactId: 'c-jane',
        limit: 1,
        ...(page.nextCursor ? { cursor: page.nextCursor } : {}),
      });

      expect([...page.entries, ...next.entries].map((entry) => entry.actor)).toEqual(['sales-1', 'support-1']);
    });
  });
});
