import { runtimeConfig } from '../../shared/config.js';
import { readPreferences, updatePreferences } from '../../shared/domain/preferences/preference-center.js';
import type { PreferenceView } from '../../shared/domain/preferences/preference-center.js';
import { httpHandler } from '../../shared/http/handler.js';
import { consentRequestContext, header, prefersHtml } from '../../shared/http/headers.js';
import { brandedPage } from '../../shared/http/html-page.js';
import { json } from '../../shared/http/responses.js';
import type { HttpEvent, HttpResult } from '../../shared/http/types.js';
import { validate } from '../../shared/http/validate.js';
import { preferenceDeps } from '../../shared/wiring.js';
import { preferencesForm } from './page-html.js';
import { fromForm, fromJson, preferencesFormSchema, preferencesJsonSchema } from './schema.js';

const config = runtimeConfig();
const deps = preferenceDeps(config);
const page = brandedPage(config);

/**
 * JSON for a JSON post, and for a GET (or a bodiless post) that asks for JSON over HTML; a page
 * for everything else, a form post first of all.
 */
function wantsJson(event: HttpEvent): boolean {
  if (event.httpMethod === 'POST' && event.bodyType !== undefined) return event.bodyType === 'json';
  const accept = header(event, 'accept');
  return !prefersHtml(accept) && /\bapplication\/json\b/i.test(accept ?? '');
}

function respond(event: HttpEvent, view: PreferenceView, token: string, saved: boolean): HttpResult {
  if (wantsJson(event)) return json(200, view, { 'Cache-Control': 'no-store' });
  return page('Your communication preferences', preferencesForm(view, token, saved));
}

/**
 * `GET /preferences?token=`: the preference center of the address the link was sent to (HTML, or
 * JSON with `Accept: application/json`). `POST /preferences?token=`: sets that address's
 * preferences from the form or JSON and shows the new state. A browser form with every box
 * unticked posts an empty body, with or without a form Content-Type: that is the form saying
 * "no topics".
 */
export const handler = httpHandler(
  async (event) => {
    const token = event.queryStringParameters?.token ?? '';
    if (event.httpMethod === 'GET') return respond(event, await readPreferences(deps, token), token, false);
    const update =
      event.bodyType === 'json'
        ? fromJson(validate(preferencesJsonSchema, event.parsedBody))
        : fromForm(validate(preferencesFormSchema, event.parsedBody ?? {}) as Record<string, string | undefined>);
    const view = await updatePreferences(
      deps,
      token,
      update,
      consentRequestContext(event, `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/preferences`),
    );
    return respond(event, view, token, true);
  },
  { body: ['form', 'json'], pages: true },
);
