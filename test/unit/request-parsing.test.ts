import { describe, expect, it } from '@jest/globals';
import { fromSubmittedFields } from '../../functions/inquiries/schema.js';
import { rolesFromGroupsClaim } from '../../shared/domain/staff.js';
import { primaryLanguage, visitMetadata } from '../../shared/domain/visit.js';
import { prefersHtml } from '../../shared/http/headers.js';

describe('visit metadata', () => {
  it('parses browser, version and operating system from the User-Agent', () => {
    const visit = visitMetadata({
      ip: '198.51.100.7',
      userAgent:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
      acceptLanguage: 'fr-CA,fr;q=0.9,en;q=0.8',
    });
    expect(visit).toMatchObject({
      ip: '198.51.100.7',
      browser: 'Chrome',
      browserVersion: '126.0.0.0',
      os: 'Windows NT 10.0',
      language: 'fr-CA',
    });
  });

  it('takes the highest-quality language tag and ignores junk', () => {
    expect(primaryLanguage('en;q=0.5, de-DE')).toBe('de-DE');
    expect(primaryLanguage('*;q=1, <script>')).toBeUndefined();
  });
});

describe('form fields', () => {
  it('turns checkbox fields into consent and drops empty optional fields', () => {
    expect(fromSubmittedFields({ name: 'J', phone: '', consentSms: 'on' }, true)).toEqual({
      name: 'J',
      consent: { email: false, sms: true },
    });
  });

  it('leaves JSON consent alone', () => {
    expect(fromSubmittedFields({ name: 'J', consent: { email: true } }, false)).toEqual({ name: 'J', consent: { email: true } });
  });
});

describe('content negotiation', () => {
  it('treats a browser Accept as wanting HTML and an API client as wanting JSON', () => {
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/json, text/html;q=0.5')).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
  });
});

describe('rolesFromGroupsClaim', () => {
  it('reads the forms API Gateway passes cognito:groups in', () => {
    expect(rolesFromGroupsClaim('admin,sales')).toEqual(['admin', 'sales']);
    expect(rolesFromGroupsClaim('[marketing analyst]')).toEqual(['marketing', 'analyst']);
    expect(rolesFromGroupsClaim(['support'])).toEqual(['support']);
    expect(rolesFromGroupsClaim('root,superuser')).toEqual([]);
    expect(rolesFromGroupsClaim(undefined)).toEqual([]);
  });
});
