import { DynamoDbSubscriptionStore } from '../../shared/adapters/dynamodb/subscription-store.js';
import { runtimeConfig } from '../../shared/config.js';
import { escapeHtml } from '../../shared/domain/html.js';
import { confirmSubscription, previewConfirmation } from '../../shared/domain/subscriptions/confirm-subscription.js';
import { httpHandler } from '../../shared/http/handler.js';
import { consentRequestContext, header, prefersHtml } from '../../shared/http/headers.js';
import { brandedPage } from '../../shared/http/html-page.js';
import { json } from '../../shared/http/responses.js';
import { preferenceDeps } from '../../shared/wiring.js';

const config = runtimeConfig();
const deps = { ...preferenceDeps(config), subscriptions: new DynamoDbSubscriptionStore(config.TABLE_NAME) };

const page = brandedPage(config);

/**
 * `GET /subscriptions/confirm?token=`: a page with a Confirm button; a GET alone never changes
 * state, because link scanners prefetch links. `POST`: confirms the sign-up.
 */
export const handler = httpHandler(
  async (event) => {
    const token = event.queryStringParameters?.token ?? '';
    const wantsPage = prefersHtml(header(event, 'accept'));
    if (event.httpMethod === 'GET') {
      const { topics, description } = await previewConfirmation(deps, token);
      if (!wantsPage) return json(200, { topics });
      return page(
        'Confirm your subscription',
        `<p>Receive ${escapeHtml(description)} from ${escapeHtml(config.BRAND_NAME)} by email?</p>` +
          `<form method="post" action="?token=${escapeHtml(encodeURIComponent(token))}"><button type="submit">Confirm</button></form>`,
      );
    }
    const { description } = await confirmSubscription(
      deps,
      token,
      consentRequestContext(event, `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/subscriptions/confirm`),
    );
    if (!wantsPage) return json(200, { status: 'confirmed' });
    return page(
      'You are subscribed',
      `<p class="notice" role="status">You will receive ${escapeHtml(description)} by email.</p>`,
    );
  },
  { body: ['form', 'json'], pages: true },
);
