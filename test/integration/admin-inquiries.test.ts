import { describe, expect, it } from '@jest/globals';
import { apiUrl, postJson, staffToken, tableItems, uniqueEmail } from './local-stack.js';

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

  it('shows sales the inquiries with full contact details and audits every contact shown', async () => {
    // Arrange
    const email = uniqueEmail('lead');
    const receipt = (await (await postJson('/inquiries', { name: 'Lead Person', email, topic: 'pricing' })).json()) as {
      inquiryId: string;
      contactId: string;
    };
    const token = await staffToken(['sales'], 'sales-rep-1');
    // Act
    const response = await listInquiries(token, '', { 'X-Access-Reason': 'follow up new leads' });
    // Assert
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const listing = (await response.json()) as { inquiries: { inquiryId: string; contact: { email: string; name: string } }[] };
    const shown = listing.inquiries.find((inquiry) => inquiry.inquiryId === receipt.inquiryId);
    expect(shown?.contact).toMatchObject({ email, name: 'Lead Person' });
    const audit = (await tableItems()).filter((item) => item.entity === 'audit' && item.contactId === receipt.contactId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'sales-rep-1', roles: ['sales'], action: 'read', reason: 'follow up new leads' });
    expect(audit[0]?.fields).toEqual(expect.arrayContaining(['name', 'email']));
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
