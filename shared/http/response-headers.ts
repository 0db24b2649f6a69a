import type { MiddlewareObj } from '@middy/core';
import type { Request } from '@middy/core';
import { header } from './headers.js';
import { PAGE_STYLE_HASH } from './html-page.js';
import type { HttpEvent, HttpResult } from './types.js';

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  // Keeps the tokens in our URLs out of Referer headers sent to other sites.
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
};

/** A strict CSP for the HTML pages: no scripts, only the one known stylesheet, forms post only to us. */
export const HTML_CSP = `default-src 'none'; style-src ${PAGE_STYLE_HASH}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

function corsHeaders(event: HttpEvent, allowedOrigins: readonly string[]): Record<string, string> {
  const origin = header(event, 'origin');
  if (!origin || !allowedOrigins.includes(origin)) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': 'X-Request-Id, Retry-After',
    Vary: 'Origin',
  };
}

/**
 * Adds the headers every response carries: X-Request-Id, the security headers, the CSP on HTML,
 * and CORS for the configured origins only. Answers CORS preflight requests itself.
 */
export function responseHeaders(options: { allowedOrigins: () => readonly string[] }): MiddlewareObj<HttpEvent, HttpResult> {
  const decorate = (request: Request<HttpEvent, HttpResult>) => {
    const { event } = request;
    const response = request.response;
    if (!response) return;
    const contentType = Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === 'content-type')?.[1];
    response.headers = {
      ...response.headers,
      ...SECURITY_HEADERS,
      ...(String(contentType ?? '').startsWith('text/html') ? { 'Content-Security-Policy': HTML_CSP } : {}),
      ...corsHeaders(event, options.allowedOrigins()),
      'X-Request-Id': event.requestContext.requestId,
    };
  };
  return {
    before: (request) => {
      if (request.event.httpMethod !== 'OPTIONS') return;
      const allowed = corsHeaders(request.event, options.allowedOrigins());
      request.response = {
        statusCode: 204,
        headers: {
          ...allowed,
          ...('Access-Control-Allow-Origin' in allowed
            ? {
                'Access-Control-Allow-Methods': 'GET, POST, PATCH, DELETE, OPTIONS',
                'Access-Control-Allow-Headers': 'Content-Type, Idempotency-Key, Authorization, X-Access-Reason',
                'Access-Control-Max-Age': '600',
              }
            : {}),
        },
        body: '',
      };
      decorate(request);
      return request.response;
    },
    after: decorate,
    onError: decorate,
  };
}
