import type { MiddlewareObj, Request } from '@middy/core';
import httpSecurityHeaders from '@middy/http-security-headers';
import { header } from './headers.js';
import { PAGE_STYLE_HASH } from './html-page.js';
import type { HttpEvent, HttpResult } from './types.js';

/**
 * The CSP of the HTML pages: no scripts, only the one known stylesheet, forms post only to us.
 * Listed in the order @middy/http-security-headers writes them (its own directives first, new
 * ones after), so that HTML_CSP is byte for byte the header sent.
 */
const HTML_CSP_DIRECTIVES = {
  'default-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
  'style-src': PAGE_STYLE_HASH,
} as const;

/** The Content-Security-Policy header every HTML response carries, and no other response. */
export const HTML_CSP = Object.entries(HTML_CSP_DIRECTIVES)
  .map(([directive, value]) => `${directive} ${value}`)
  .join('; ');

/**
 * @middy/http-security-headers configured to send exactly SPEC §3's headers: nosniff,
 * no-referrer (keeps the tokens in our URLs out of Referer headers sent to other sites) and HSTS
 * on every response, HTML_CSP on text/html only. Everything else it sends by default is off:
 * helmet's CSP (form-action 'none' and sandbox would stop the preference forms), an empty
 * Reporting-Endpoints and Report-To, Permissions-Policy, COEP/COOP/CORP, X-Frame-Options,
 * X-XSS-Protection and the legacy X-* headers. `false` means "leave out" in its source
 * (node_modules/@middy/http-security-headers/index.js); its index.d.ts has no
 * `reportingEndpoints` and types CSP directives as strings only, hence the one cast below.
 */
const SECURITY_HEADER_OPTIONS = {
  contentTypeOptions: { action: 'nosniff' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true, preload: false },
  contentSecurityPolicy: {
    ...HTML_CSP_DIRECTIVES,
    sandbox: false,
    'navigate-to': false,
    'report-to': false,
    'require-trusted-types-for': false,
    'trusted-types': false,
    'upgrade-insecure-requests': false,
  },
  contentSecurityPolicyReportOnly: false,
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  dnsPrefetchControl: false,
  downloadOptions: false,
  frameOptions: false,
  originAgentCluster: false,
  permissionsPolicy: false,
  permittedCrossDomainPolicies: false,
  poweredBy: false,
  reportingEndpoints: false,
  reportTo: false,
  xssProtection: false,
} satisfies Record<string, Record<string, string | number | boolean> | false>;

/**
 * CORS for the configured origins only. Hand-written rather than @middy/http-cors because that
 * middleware sends Allow-Credentials and Expose-Headers (and, when configured, Allow-Methods,
 * Allow-Headers and Max-Age) on every response, a disallowed origin's included; adds
 * `Vary: Origin` for one origin only through an undocumented option; reads only `Origin` and
 * `origin`; and answers preflight with an early return that skips every `after` middleware, so
 * the 204 would lack X-Request-Id and the security headers.
 */
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

/** The headers @middy/http-security-headers adds to an HTML page, and to any other response. */
interface SecurityHeaderSets {
  html: Record<string, string>;
  other: Record<string, string>;
}

/**
 * Runs the security-header middleware once on an empty page and once on an empty JSON response,
 * and keeps what it added. Its output depends only on its options and on whether the response is
 * HTML, so each response then gets the same headers by one assignment, where running the
 * middleware copies its defaults into new objects for every header on every response.
 */
async function securityHeaderSets(middleware: MiddlewareObj<HttpEvent, HttpResult>): Promise<SecurityHeaderSets> {
  const added = async (contentType: string): Promise<Record<string, string>> => {
    const request = { response: { statusCode: 200, headers: { 'Content-Type': contentType }, body: '' } };
    await middleware.after?.(request as unknown as Request<HttpEvent, HttpResult>);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.response.headers)) {
      if (name !== 'Content-Type' && typeof value === 'string') headers[name] = value;
    }
    return headers;
  };
  return { html: await added('text/html; charset=utf-8'), other: await added('application/json') };
}

/**
 * The headers every response carries, as one middleware to `use` before the error handler so that
 * its `onError` runs after it: X-Request-Id and CORS for the configured origins (ours), then the
 * security headers and the HTML CSP (as @middy/http-security-headers sends them, worked out once
 * per instance). Answers CORS preflight requests itself, before role checks and body parsing.
 */
export function responseHeaders(options: { allowedOrigins: () => readonly string[] }): MiddlewareObj<HttpEvent, HttpResult>[] {
  const securityHeaders = httpSecurityHeaders(SECURITY_HEADER_OPTIONS as unknown as Parameters<typeof httpSecurityHeaders>[0]);
  let sets: Promise<SecurityHeaderSets> | undefined;
  // Once worked out, the sets are applied without a promise: middy awaits whatever `after` returns,
  // and an async function's promise costs a few microtask turns on every response.
  let known: SecurityHeaderSets | undefined;
  const decorate = (request: Request<HttpEvent, HttpResult>): Promise<void> | void => {
    if (!request.response) return;
    if (known) return addHeaders(request, known);
    sets ??= securityHeaderSets(securityHeaders);
    return sets.then((worked) => {
      known = worked;
      addHeaders(request, worked);
    });
  };
  const addHeaders = (request: Request<HttpEvent, HttpResult>, { html, other }: SecurityHeaderSets) => {
    const { event } = request;
    const response = request.response;
    if (!response) return;
    const headers = (response.headers ??= {});
    const contentType = headers['Content-Type'] ?? headers['content-type'];
    Object.assign(
      headers,
      typeof contentType === 'string' && contentType.includes('text/html') ? html : other,
      corsHeaders(event, options.allowedOrigins()),
    );
    headers['X-Request-Id'] = event.requestContext.requestId;
  };
  const preflight = async (request: Request<HttpEvent, HttpResult>) => {
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
    // Returning early skips every `after` middleware, so this response gets its headers here.
    await decorate(request);
    return request.response;
  };
  const middleware: MiddlewareObj<HttpEvent, HttpResult> = {
    before: (request) => (request.event.httpMethod === 'OPTIONS' ? preflight(request) : undefined),
    after: decorate,
    onError: decorate,
  };
  return [middleware];
}
