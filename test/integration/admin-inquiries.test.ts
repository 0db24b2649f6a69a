import { describe, expect, it } from '@jest/globals';
import { apiUrl, contactIdOfInquiry, postJson, staffToken, tableItems, uniqueEmail, uniquePhone } from './local-stack.js';
import { toE164 } from '../../shared/domain/contact.js';

const listInquiries = (token?: string, query = '', headers: Record<string, string> = {}) =>
  fetch(`${apiUrl()}/admin/inquiries${query}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });

describe('GET /admin/inquiries', () => {
  it('401 without a token, and with a forged one', async () => {
    expect((await listInquiries()).status).toBe(401);
    const token = await staffToken(['admin']);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    const response = await listInquiries(forged);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it.each([['marketing'], ['support'], ['analyst']])('403 for the %s role', async (role) => {
    const response = await listInquiries(await staffToken([role]));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  });

  it('shows sales each inquiry with what it carried, unmasked, and audits every contact shown', async () => {
    // Arrange: two inquiries by one email, the second with another name and phone
    const email = uniqueEmail('lead');
    const phone = uniquePhone();
    const firstResponse = await postJson('/inquiries', { name: 'Lead Person', email, topic: 'pricing' });
    const first = (await firstResponse.json()) as { inquiryId: string };
    expect(first).toEqual({ inquiryId: expect.any(String) });
    const second = (await (
      await postJson('/inquiries', { name: 'Other Name', email, phone, companyName: 'Other Motors', topic: 'demo' })
    ).json()) as { inquiryId: string };
    const contactId = await contactIdOfInquiry(first.inquiryId);
    expect(await contactIdOfInquiry(second.inquiryId)).toBe(contactId);
    const token = await staffToken(['sales'], 'sales-rep-1');
    // Act
    const response = await listInquiries(token, '', { 'X-Access-Reason': 'follow up new leads' });
    // Assert
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const listing = (await response.json()) as {
      inquiries: { inquiryId: string; contactId: string; topic: string; submitted: Record<string, string> }[];
    };
    const shown = (inquiryId: string) => listing.inquiries.find((inquiry) => inquiry.inquiryId === inquiryId);
    expect(shown(first.inquiryId)).toMatchObject({ contactId, topic: 'pricing', submitted: { email, name: 'Lead Person' } });
    expect(shown(first.inquiryId)?.submitted.phone).toBeUndefined();
    // The second shows what it carried, not what the contact holds
    expect(shown(second.inquiryId)).toMatchObject({
      contactId,
      topic: 'demo',
      submitted: { email, name: 'Other Name', phone: toE164(phone), companyName: 'Other Motors' },
    });
    const contact = (await tableItems()).find((item) => item.entity === 'contact' && item.contactId === contactId);
    expect(contact).toMatchObject({ name: 'Lead Person', email });
    // One audit entry per contact shown, written before the response
    const audit = (await tableItems()).filter((item) => item.entity === 'audit' && item.contactId === contactId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'sales-rep-1', roles: ['sales'], action: 'read', reason: 'follow up new leads' });
    expect(audit[0]?.fields).toEqual(expect.arrayContaining(['name', 'email', 'phone', 'companyName']));
  });

  it('400 for a malformed or too wide date range, auditing nothing', async () => {
    const token = await staffToken(['admin']);
    const auditsBefore = (await tableItems()).filter((item) => item.entity === 'audit').length;
    for (const query of ['?from=yesterday', '?from=2026-01-01&to=2026-03-01', '?from=2026-02-01&to=2026-01-01']) {
      const response = await listInquiries(token, query);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
    expect((await tableItems()).filter((item) => item.entity === 'audit')).toHaveLength(auditsBefore);
  });
});
