import { describe, expect, it } from '@jest/globals';
import { apiUrl, contactIdOfInquiry, drainOutbox, mail, postJson, staffToken, tableItems, uniqueEmail } from './local-stack.js';

const DAY_MS = 24 * 3600 * 1000;

async function asStaff(method: string, path: string, groups: string[], body?: unknown): Promise<Response> {
  return fetch(`${apiUrl()}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await staffToken(groups, `disclosures-${groups.join('-')}`)}`,
      'content-type': 'application/json',
      'x-access-reason': 'disclosures test',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A contact made by an inquiry, its follow-ups sent. */
async function contactWithInquiry(label: string): Promise<{ email: string; contactId: string; inquiryId: string }> {
  const email = uniqueEmail(label);
  const { inquiryId } = (await (await postJson('/inquiries', { name: 'Pat Example', email, topic: 'demo' })).json()) as {
    inquiryId: string;
  };
  await drainOutbox();
  return { email, contactId: await contactIdOfInquiry(inquiryId), inquiryId };
}

const ownershipVersion = (effectiveAt: Date) => ({
  version: `owner-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
  effectiveAt: effectiveAt.toISOString(),
  summary: 'Example Holdings buys the business.',
  url: 'https://forecourt.example/privacy-policy/new-owner',
  significant: false,
  ownershipTransfer: true,
});

describe('GET /admin/recipients', () => {
  it('lists the registry: AWS as processors, the sales and support mailboxes as internal', async () => {
    // Act
    const response = await asStaff('GET', '/admin/recipients', ['privacy']);
    // Assert
    expect(response.status).toBe(200);
    const { recipients } = (await response.json()) as { recipients: { id: string; role: string; data: string[] }[] };
    expect(recipients.map(({ id, role }) => `${id}:${role}`)).toEqual([
      'aws_ses:processor',
      'aws_sns:processor',
      'aws_hosting:processor',
      'sales_mailbox:internal',
      'support_mailbox:internal',
    ]);
    expect(recipients.every((recipient) => recipient.data.length > 0)).toBe(true);
  });
});

describe('a policy version that transfers ownership', () => {
  it('400 naming effectiveAt when it would take effect before the 30-day notice period has run; nothing stored', async () => {
    // Act
    const response = await asStaff(
      'POST',
      '/admin/policy-versions',
      ['admin'],
      ownershipVersion(new Date(Date.now() + 29 * DAY_MS)),
    );
    // Assert
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { details: { path: string; message: string }[] } };
    expect(error.details.map((detail) => detail.path)).toEqual(['effectiveAt']);
    expect(error.details[0]?.message).toContain('30 days');
  });

  it('tells a contact who unsubscribed from all email, but not a suppressed or an erased one', async () => {
    // Arrange: four contacts with an email address
    const [kept, leftAllEmail, suppressed, erased] = await Promise.all(
      ['owner-kept', 'owner-left', 'owner-suppressed', 'owner-erased'].map(contactWithInquiry),
    );
    const acknowledgement = (await mail()).find((message) => message.destination.to.includes(leftAllEmail!.email));
    const unsubscribeToken = /\/unsubscribe\?token=(\S+)/.exec(acknowledgement?.body.text ?? '')?.[1] ?? '';
    const unsubscribed = await fetch(`${apiUrl()}/unsubscribe?token=${unsubscribeToken}`, { method: 'POST' });
    await fetch(`${apiUrl()}/_local/ses/events`, {
      method: 'POST',
      body: JSON.stringify({ type: 'bounce', email: suppressed!.email }),
    });
    const erasure = await asStaff('DELETE', `/admin/contacts/${erased!.contactId}`, ['admin']);
    await drainOutbox();
    expect([unsubscribed.status, erasure.status]).toEqual([200, 200]);
    // The new-lead email disclosed the erased contact's data to the sales mailbox: the receipt records the notice owed.
    expect(((await erasure.json()) as { noticesOwed?: unknown[] }).noticesOwed).toEqual([
      expect.objectContaining({ recipientId: 'sales_mailbox', disclosures: 1, state: 'owed' }),
    ]);
    // Act: the version, then the scheduler's tick at its notice time
    const added = await asStaff(
      'POST',
      '/admin/policy-versions',
      ['admin'],
      ownershipVersion(new Date(Date.now() + 31 * DAY_MS)),
    );
    expect(added.status).toBe(201);
    const { noticeAt } = (await added.json()) as { noticeAt: string };
    await fetch(`${apiUrl()}/_local/jobs/campaign-dispatch`, { method: 'POST', body: JSON.stringify({ time: noticeAt }) });
    await drainOutbox();
    // Assert
    const notices = (await mail()).filter((message) => message.subject.includes('is changing owners'));
    const told = (email: string) => notices.some((message) => message.destination.to.includes(email));
    expect({
      kept: told(kept!.email),
      leftAllEmail: told(leftAllEmail!.email),
      suppressed: told(suppressed!.email),
      erased: told(erased!.email),
    }).toEqual({ kept: true, leftAllEmail: true, suppressed: false, erased: false });
  });
});

describe('the per-person disclosure record', () => {
  it('lists the new-lead email to the sales mailbox in the person’s export, once, even when the outbox redelivers', async () => {
    // Arrange: an inquiry, whose new-lead email goes to the sales mailbox
    const { contactId } = await contactWithInquiry('disclosed');
    await fetch(`${apiUrl()}/_local/outbox/redeliver`, { method: 'POST' });
    await drainOutbox();
    // Act
    const response = await asStaff('GET', `/admin/contacts/${contactId}/export`, ['admin']);
    // Assert
    expect(response.status).toBe(200);
    const { disclosures } = (await response.json()) as { disclosures: { recipientId: string; role: string; at: string }[] };
    expect(disclosures).toEqual([
      expect.objectContaining({ recipientId: 'sales_mailbox', role: 'internal', at: expect.stringMatching(/^\d{4}-/) }),
    ]);
  });
});

describe('no bulk export, through real HTTP', () => {
  it('answers the routes declared no_personal_data without any contact’s address', async () => {
    // Arrange
    const { email, contactId } = await contactWithInquiry('no-bulk');
    // Act
    const bodies = await Promise.all(
      [
        asStaff('GET', '/admin/recipients', ['admin']),
        asStaff('GET', `/admin/audit?contactId=${contactId}`, ['admin']),
        fetch(`${apiUrl()}/policy`),
        postJson('/inquiries', { name: 'Pat Example', email, topic: 'demo' }),
      ].map(async (response) => (await response).text()),
    );
    // Assert
    expect(bodies.filter((body) => body.includes(email) || body.includes('Pat Example'))).toEqual([]);
  });

  it('audits each contact GET /admin/inquiries shows unmasked, under the request’s id', async () => {
    // Arrange
    const { email, contactId } = await contactWithInquiry('listed');
    // Act
    const response = await asStaff('GET', '/admin/inquiries', ['sales']);
    // Assert
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain(email);
    const requestId = response.headers.get('x-request-id');
    const audits = (await tableItems()).filter(
      (item) => item.entity === 'audit' && item.contactId === contactId && item.requestId === requestId,
    );
    expect(audits).toHaveLength(1);
  });
});
