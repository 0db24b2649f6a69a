import { DynamoDbAddressBook } from '../../shared/adapters/dynamodb/address-book.js';
import { DynamoDbPrivacyRequestStore } from '../../shared/adapters/dynamodb/privacy-request-store.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { runtimeConfig } from '../../shared/config.js';
import { escapeHtml } from '../../shared/domain/html.js';
import { confirmPrivacyRequest, previewPrivacyConfirmation } from '../../shared/domain/privacy/confirm-privacy-request.js';
import type { PrivacyConfirmView } from '../../shared/domain/privacy/confirm-privacy-request.js';
import { httpHandler } from '../../shared/http/handler.js';
import { header, prefersHtml } from '../../shared/http/headers.js';
import { brandedPage } from '../../shared/http/html-page.js';
import { json } from '../../shared/http/responses.js';
import { systemClock } from '../../shared/ports/clock.js';

const config = runtimeConfig();
const deps = {
  requests: new DynamoDbPrivacyRequestStore(config.TABLE_NAME),
  addresses: new DynamoDbAddressBook(config.TABLE_NAME),
  secrets: secretsSource(config),
  clock: systemClock,
};
const page = brandedPage(config);

const ASKED: Record<PrivacyConfirmView['type'], string> = {
  access: 'a copy of the personal data we hold under',
  correction: 'a correction of the personal data we hold under',
  deletion: 'the deletion of the personal data we hold under',
};

const AFTER: Record<PrivacyConfirmView['type'], string> = {
  access: 'We are emailing you a link to your data now. The link works for 7 days.',
  correction: 'Our staff will make the correction and email you when it is done.',
  deletion: 'We are erasing the data now and emailing you a receipt.',
};

/**
 * `GET /privacy-requests/confirm?token=`: a page with a Confirm button; a GET alone never changes
 * state, because link scanners prefetch links. `POST`: verifies the request.
 */
export const handler = httpHandler(
  async (event) => {
    const token = event.queryStringParameters?.token ?? '';
    const wantsPage = prefersHtml(header(event, 'accept'));
    if (event.httpMethod === 'GET') {
      const request = await previewPrivacyConfirmation(deps, token);
      if (!wantsPage) return json(200, request);
      const pending = request.status === 'pending_verification';
      return page(
        'Confirm your privacy request',
        `<p>You asked for ${escapeHtml(ASKED[request.type])} <strong>${escapeHtml(request.maskedEmail)}</strong>.</p>` +
          (pending
            ? `<form method="post" action="?token=${escapeHtml(encodeURIComponent(token))}"><button type="submit">Confirm</button></form>`
            : `<p class="notice" role="status">This request is already confirmed.</p>`),
      );
    }
    const request = await confirmPrivacyRequest(deps, token);
    if (!wantsPage) return json(200, { status: request.status });
    return page(
      'Your request is confirmed',
      `<p class="notice" role="status">Thank you: your request is confirmed. ${escapeHtml(AFTER[request.type])}</p>`,
    );
  },
  { body: ['form', 'json'], pages: true },
);
