import { describe, expect, it } from '@jest/globals';
import { apiUrl, post, uniqueEmail } from './local-stack.js';

describe('thank-you page', () => {
  it('lands a browser that posts the inquiry form on a branded page the local stack serves', async () => {
    // Arrange
    const form = new URLSearchParams({ name: 'Form User', email: uniqueEmail('thanks'), website: '' }).toString();
    // Act: the form post, then the redirect a browser follows
    const response = await post('/inquiries', form, {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
      'X-Forwarded-For': `198.51.100.${1 + Math.floor(Math.random() * 254)}`,
    });
    const location = response.headers.get('location') ?? '';
    const page = await fetch(location, { headers: { accept: 'text/html' } });
    // Assert: the URL follows the port the stack runs on, and the page is there
    expect(response.status).toBe(303);
    expect(location).toBe(`${apiUrl()}/thank-you`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<h1>Thank you</h1>');
    expect(html).toContain('Forecourt Demo Motors Software');
    expect(html).toContain('100 Example Way');
    expect(html).not.toContain('<script');
  });

  it('answers only GET there', async () => {
    const response = await fetch(`${apiUrl()}/thank-you`, { method: 'POST' });
    expect(response.status).toBe(404);
  });
});
