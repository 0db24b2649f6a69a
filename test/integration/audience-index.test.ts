import { describe, expect, it } from '@jest/globals';
import { toE164 } from '../../shared/domain/contact.js';
import {
  apiUrl,
  confirmEmailOptIn,
  contactIdOfInquiry,
  drainOutbox,
  mail,
  postJson,
  tableItems,
  textFrom,
  uniqueEmail,
  uniquePhone,
} from './local-stack.js';

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
    // Arrange: an inquiry with email consent and a phone without SMS consent
    const email = uniqueEmail('audience');
    const receipt = (await (
      await postJson('/inquiries', { name: 'Audience Member', email, phone: uniquePhone(), consent: { email: true, sms: false } })
    ).json()) as { inquiryId: string };
    expect(receipt).toEqual({ inquiryId: expect.any(String) });
    const contactId = await contactIdOfInquiry(receipt.inquiryId);
    await drainOutbox();
    // The ticked box alone joins no topic audience; every held email address gets legal notices
    expect(await membershipsOf(contactId)).toEqual(['email:legal', 'email:service']);
    // Act: the owner confirms through the acknowledgement's link
    expect(await confirmEmailOptIn(email)).toBe(200);
    // Assert
    expect(await membershipsOf(contactId)).toEqual([
      'email:legal',
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
    // Assert: only the legal notices (an ownership transfer) still reach an address unsubscribed from all email
    expect(await membershipsOf(contactId)).toEqual(['email:legal']);
  });

  it('puts SMS subscribers in the SMS audiences only while they have SMS consent', async () => {
    // Arrange: an inquiry asking for texts, from its own client IP (the SMS confirmation caps per IP)
    const phone = uniquePhone();
    const receipt = (await (
      await postJson(
        '/inquiries',
        { name: 'Texter', phone, consent: { email: false, sms: true } },
        { 'x-forwarded-for': '198.51.100.21' },
      )
    ).json()) as { inquiryId: string };
    expect(receipt).toEqual({ inquiryId: expect.any(String) });
    const contactId = await contactIdOfInquiry(receipt.inquiryId);
    await drainOutbox();
    // The ticked box alone joins no SMS topic audience
    expect((await membershipsOf(contactId)).filter((audience) => audience !== 'sms:service')).toEqual([]);
    // Act: the number replies YES
    expect(await textFrom(toE164(phone) ?? phone, 'YES')).toBe(200);
    // Assert
    expect(await membershipsOf(contactId)).toEqual(['sms:marketing', 'sms:newsletter', 'sms:product_updates', 'sms:service']);
    // Act: the number texts STOP
    expect(await textFrom(toE164(phone) ?? phone, 'STOP')).toBe(200);
    // Assert: it leaves every SMS topic audience
    expect((await membershipsOf(contactId)).filter((audience) => audience !== 'sms:service')).toEqual([]);
  });
});
