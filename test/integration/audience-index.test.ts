import { describe, expect, it } from '@jest/globals';
import { apiUrl, drainOutbox, mail, postJson, tableItems, uniqueEmail, uniquePhone } from './local-stack.js';

const membershipsOf = async (contactId: string) =>
  (await tableItems())
    .filter((item) => item.entity === 'audience_member' && item.sk === contactId)
    .map((item) =>
      String(item.pk)
        .replace(/^AUDIENCE#/, '')
        .replace(/#\d+$/, ''),
    )
    .sort();

describe('campaign audience index', () => {
  it('follows consent: joins on opt-in, leaves on unsubscribe, without any table scan at dispatch', async () => {
    // Arrange / Act: an inquiry with email consent and a phone without SMS consent
    const email = uniqueEmail('audience');
    const { contactId } = (await (
      await postJson('/inquiries', { name: 'Audience Member', email, phone: uniquePhone(), consent: { email: true, sms: false } })
    ).json()) as { contactId: string };
    await drainOutbox();
    // Assert
    expect(await membershipsOf(contactId)).toEqual([
      'email:marketing',
      'email:newsletter',
      'email:product_updates',
      'email:service',
    ]);
    const shards = new Set(
      (await tableItems())
        .filter((item) => item.entity === 'audience_member' && item.sk === contactId)
        .map((item) => String(item.pk).split('#').at(-1)),
    );
    expect(shards.size).toBe(1);

    // Act: unsubscribe from all email through the acknowledgement's link
    const text = (await mail()).find((message) => message.destination.to.includes(email))?.body.text ?? '';
    const unsubscribe = /\/unsubscribe\?token=(\S+)/.exec(text)?.[1] ?? '';
    await fetch(`${apiUrl()}/unsubscribe?token=${unsubscribe}`, { method: 'POST' });
    await drainOutbox();
    // Assert
    expect(await membershipsOf(contactId)).toEqual([]);
  });

  it('puts SMS subscribers in the SMS audiences only while they have SMS consent', async () => {
    const phone = uniquePhone();
    const { contactId } = (await (
      await postJson('/inquiries', { name: 'Texter', phone, consent: { email: false, sms: true } })
    ).json()) as {
      contactId: string;
    };
    await drainOutbox();
    expect(await membershipsOf(contactId)).toEqual(['sms:marketing', 'sms:newsletter', 'sms:product_updates', 'sms:service']);
  });
});
