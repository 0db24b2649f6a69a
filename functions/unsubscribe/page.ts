import * as z from 'zod/mini';
import { runtimeConfig } from '../../shared/config.js';
import { escapeHtml } from '../../shared/domain/html.js';
import { previewUnsubscribe, unsubscribe } from '../../shared/domain/preferences/unsubscribe.js';
import { httpHandler } from '../../shared/http/handler.js';
import { consentRequestContext, header, prefersHtml } from '../../shared/http/headers.js';
import { brandedPage } from '../../shared/http/html-page.js';
import { json } from '../../shared/http/responses.js';
import { validate } from '../../shared/http/validate.js';
import { preferenceDeps } from '../../shared/wiring.js';

const config = runtimeConfig();
const deps = preferenceDeps(config);

/** The RFC 8058 one-click body, or nothing; anything else is a 400. */
const oneClickSchema = z.strictObject({ 'List-Unsubscribe': z.optional(z.literal('One-Click')) });

const page = brandedPage(config);

/**
 * `GET /unsubscribe?token=`: a page with one button; it changes nothing, because link scanners
 * fetch links. `POST /unsubscribe?token=`: withdraws the token's scope from the address the
 * message went to, at once, answers 200, and is idempotent. It takes the RFC 8058 body
 * `List-Unsubscribe=One-Click` as a urlencoded or multipart form (mail providers send either), or
 * no body at all.
 */
export const handler = httpHandler(
  async (event) => {
    const token = event.queryStringParameters?.token ?? '';
    const wantsPage = prefersHtml(header(event, 'accept'));
    if (event.httpMethod === 'GET') {
      const { scope, address } = await previewUnsubscribe(deps, token);
      if (!wantsPage) return json(200, { scope, address });
      return page(
        'Unsubscribe',
        `<p>Unsubscribe <strong>${escapeHtml(address)}</strong> from ${escapeHtml(scope)}?</p>` +
          `<form method="post" action="?token=${escapeHtml(encodeURIComponent(token))}">` +
          `<button type="submit">Unsubscribe from ${escapeHtml(scope)}</button></form>`,
      );
    }
    if (event.parsedBody !== undefined) validate(oneClickSchema, event.parsedBody);
    const { scope, address } = await unsubscribe(
      deps,
      token,
      consentRequestContext(event, `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/unsubscribe`),
    );
    if (!wantsPage) return json(200, { status: 'unsubscribed', scope, address });
    const preferencesHint = '<p>You can change what you receive at any time from the preferences link in our messages.</p>';
    return page(
      'You are unsubscribed',
      `<p class="notice" role="status"><strong>${escapeHtml(address)}</strong> will no longer receive ${escapeHtml(scope)} from us.</p>${preferencesHint}`,
    );
  },
  { body: ['form', 'multipart', 'json'], pages: true },
);
