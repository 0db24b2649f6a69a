import { describe, expect, it } from '@jest/globals';
import { listUnsubscribeHeaders, reasonFor, smsSegments, withEmailFooter, withSmsFooter } from '../../shared/domain/footer.js';
import { TEST_BRAND } from '../fixtures/in-memory.js';

const links = {
  preferencesUrl: 'https://forecourt.test/preferences?token=P&x=1',
  unsubscribeUrl: 'https://forecourt.test/unsubscribe?token=U',
};

describe('email footer', () => {
  it('carries the brand, postal address, reason, preferences and unsubscribe links in both parts', () => {
    // Act
    const email = withEmailFooter({ subject: 'Hi', text: 'Body', html: '<p>Body</p>' }, 'newsletter', TEST_BRAND, links);
    // Assert
    for (const part of [email.text, email.html]) {
      expect(part).toContain(TEST_BRAND.brandName);
      expect(part).toContain(TEST_BRAND.postalAddress);
      expect(part).toContain('opted in to our newsletter');
    }
    expect(email.text).toContain(links.preferencesUrl);
    expect(email.text).toContain(`Unsubscribe from our newsletter: ${links.unsubscribeUrl}`);
    expect(email.html).toContain('href="https://forecourt.test/preferences?token=P&amp;x=1"');
  });

  it('offers "unsubscribe from all email" in a transactional email', () => {
    const email = withEmailFooter({ subject: 'Hi', text: 'Body', html: '' }, 'transactional', TEST_BRAND, links);
    expect(email.text).toContain('Unsubscribe from all email');
    expect(reasonFor('transactional', TEST_BRAND)).toContain('you contacted');
  });

  it('escapes brand values in the HTML part', () => {
    const brand = { ...TEST_BRAND, brandName: '<script>alert(1)</script>' };
    const email = withEmailFooter({ subject: '<b>', text: '', html: '' }, 'marketing', brand, links);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;');
  });

  it('builds the RFC 8058 one-click headers', () => {
    expect(listUnsubscribeHeaders(links.unsubscribeUrl)).toEqual([
      { name: 'List-Unsubscribe', value: `<${links.unsubscribeUrl}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
  });
});

describe('SMS footer', () => {
  it('names the brand first and ends with the STOP wording', () => {
    const sms = withSmsFooter({ text: 'Your demo is booked.' }, TEST_BRAND, undefined);
    expect(sms).toBe(`${TEST_BRAND.brandName}: Your demo is booked. Reply STOP to opt out.`);
  });

  it('does not repeat STOP wording the text already has', () => {
    const sms = withSmsFooter({ text: 'Hi. Reply HELP for help, STOP to opt out.' }, TEST_BRAND, undefined);
    expect(sms.match(/STOP/g)).toHaveLength(1);
  });

  it('adds the preferences link only where it adds no segment', () => {
    expect(withSmsFooter({ text: 'Short.' }, TEST_BRAND, 'https://f.test/p/abc')).toContain('Prefs: https://f.test/p/abc');
    // 140 characters of text plus the footer fill one segment; the link would start a second.
    const full = withSmsFooter({ text: 'x'.repeat(100) }, TEST_BRAND, `https://f.test/p/${'c'.repeat(40)}`);
    expect(full).not.toContain('Prefs:');
  });
});

describe('smsSegments', () => {
  it('counts GSM-7 and UCS-2 texts as carriers do', () => {
    expect(smsSegments('a'.repeat(160))).toBe(1);
    expect(smsSegments('a'.repeat(161))).toBe(2);
    expect(smsSegments('a'.repeat(306))).toBe(2);
    expect(smsSegments('a'.repeat(307))).toBe(3);
    expect(smsSegments('€'.repeat(80))).toBe(1);
    expect(smsSegments('é'.repeat(160))).toBe(1);
    expect(smsSegments('😀'.repeat(36))).toBe(2);
  });
});
