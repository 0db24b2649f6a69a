import { createHash } from 'node:crypto';
import { runtimeConfig } from '../../shared/config.js';
import { GPC_LAST_UPDATE, trackerScript } from '../../shared/domain/analytics/tracker-script.js';
import { NotFoundError } from '../../shared/domain/errors.js';
import { httpHandler } from '../../shared/http/handler.js';
import { header } from '../../shared/http/headers.js';
import { json } from '../../shared/http/responses.js';
import type { HttpResult } from '../../shared/http/types.js';

const config = runtimeConfig();
const script = trackerScript(`${config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/events`);
const scriptEtag = `"${createHash('sha256').update(script).digest('base64url').slice(0, 22)}"`;

/** A day in the browser's cache, then a revalidation by ETag, served stale meanwhile for a week. */
const SCRIPT_CACHE = 'public, max-age=86400, stale-while-revalidate=604800';

/** The script, or 304 when the browser holds this version. Compression is API Gateway's (`minimumCompressionSize`). */
function scriptResponse(ifNoneMatch: string | undefined): HttpResult {
  const common = { 'Cache-Control': SCRIPT_CACHE, ETag: scriptEtag };
  if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === scriptEtag)) {
    return { statusCode: 304, headers: common, body: '' };
  }
  return { statusCode: 200, headers: { ...common, 'Content-Type': 'text/javascript; charset=utf-8' }, body: script };
}

/**
 * `GET /forecourt.js`, the first-party analytics script (at most 2 KB gzipped), with an ETag and a
 * day's caching; and `GET /.well-known/gpc.json`, the Global Privacy Control statement that this
 * site honours GPC.
 */
export const handler = httpHandler(async (event) => {
  if (event.resource === '/forecourt.js') {
    return scriptResponse(header(event, 'if-none-match'));
  }
  if (event.resource === '/.well-known/gpc.json') {
    return json(200, { gpc: true, lastUpdate: GPC_LAST_UPDATE }, { 'Cache-Control': 'public, max-age=86400' });
  }
  throw new NotFoundError();
});
