import { runtimeConfig } from '../shared/config.js';
import { escapeHtml } from '../shared/domain/html.js';
import { httpHandler } from '../shared/http/handler.js';
import { brandedPage } from '../shared/http/html-page.js';

const config = runtimeConfig();
const page = brandedPage(config);

/**
 * `GET /thank-you` on the local stack: the branded page a browser lands on after posting the
 * inquiry form (the 303 to config `thankYouUrl`). In AWS that URL is the website's own page, so
 * this route is local only and not in the route table; it runs through the same middleware (and
 * strict CSP) as every other page.
 */
export const handler = httpHandler(
  async () =>
    page(
      'Thank you',
      `<p class="notice" role="status">Thank you for contacting ${escapeHtml(config.BRAND_NAME)}. We have your inquiry, ` +
        'and someone from our team will reply within one business day.</p>',
    ),
  { pages: true },
);
