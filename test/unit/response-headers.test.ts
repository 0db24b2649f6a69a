import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from '@jest/globals';
import { buildProxyEvent } from '../../local/api-event.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { HttpError } from '../../shared/domain/errors.js';
import { httpHandler } from '../../shared/http/handler.js';
import type { HttpHandlerOptions } from '../../shared/http/handler.js';
import { PAGE_STYLE_HASH, htmlPage } from '../../shared/http/html-page.js';
import { HTML_CSP } from '../../shared/http/response-headers.js';
import { json } from '../../shared/http/responses.js';
import type { HttpRequestHandler } from '../../shared/http/types.js';
import { routeOf } from '../../shared/routes.js';
import type { HttpRoute } from '../../shared/routes.js';

// One of the configured origins of config/example.json, which test/unit/setup-env.ts loads.
const ALLOWED = 'http://localhost:5173';
const DISALLOWED = 'https://evil.example';

const SECURITY = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
};

const CORS_FOR_ALLOWED = {
  'Access-Control-Allow-Origin': ALLOWED,
  'Access-Control-Allow-Credentials': 'true',
  'Access-Control-Expose-Headers': 'X-Request-Id, Retry-After',
  Vary: 'Origin',
};

const PREFLIGHT_FOR_ALLOWED = {
  'Access-Control-Allow-Methods': 'GET, POST, PATCH, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Idempotency-Key, Authorization, X-Access-Reason',
  'Access-Control-Max-Age': '600',
};

const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };
const HTML_TYPE = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' };

/**
 * A route of the real table for a method and access: the middleware takes a route's access from
 * the table, never from the handler. A preflight is sent to a route's path with OPTIONS.
 */
function tableRoute(method: string, access: 'public' | 'staff'): HttpRoute {
  const routeMethod = method === 'OPTIONS' ? 'POST' : method;
  const path = access === 'public' ? '/preferences' : routeMethod === 'GET' ? '/admin/inquiries' : '/admin/policy-versions';
  const route = routeOf(routeMethod, path);
  if (!route) throw new Error(`${routeMethod} ${path} is not in the route table`);
  return route;
}

/** A request as API Gateway hands it over, built by the same code the local gateway uses. */
function event(
  method: string,
  headers: Record<string, string> = {},
  access: 'public' | 'staff' = 'public',
): APIGatewayProxyEvent {
  const route = tableRoute(method, access);
  return buildProxyEvent(
    { method, url: new URL(`http://127.0.0.1${route.path}`), headers, body: Buffer.alloc(0), sourceIp: '203.0.113.9' },
    route,
    {},
    undefined,
  );
}

/** A route handler wrapped in the real middleware stack. */
function wrap(handler: HttpRequestHandler, options: HttpHandlerOptions = {}) {
  const wrapped = httpHandler(handler, options);
  return (request: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => wrapped(request, lambdaContext('test'));
}

const answersJson = wrap(async () => json(200, { ok: true }));
const answersPage = wrap(async () => htmlPage(200, { title: 'Done', brandName: 'Acme', body: '<p>Saved.</p>' }));

describe('response headers', () => {
  it('sends the strict page CSP: no scripts, the one stylesheet by hash, forms post only to us', () => {
    expect(HTML_CSP).toBe(
      `default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; style-src ${PAGE_STYLE_HASH}`,
    );
  });

  it('echoes an allowed origin on a JSON response, with credentials and the exposed headers, and no CSP', async () => {
    // Arrange
    const request = event('GET', { origin: ALLOWED });
    // Act
    const result = await answersJson(request);
    // Assert
    expect(result.statusCode).toBe(200);
    expect(result.headers).toStrictEqual({
      ...JSON_TYPE,
      ...SECURITY,
      ...CORS_FOR_ALLOWED,
      'X-Request-Id': request.requestContext.requestId,
    });
  });

  it('sends no CORS header but Vary to a disallowed origin', async () => {
    const request = event('GET', { origin: DISALLOWED });

    const result = await answersJson(request);

    expect(result.headers).toStrictEqual({
      ...JSON_TYPE,
      ...SECURITY,
      Vary: 'Origin',
      'X-Request-Id': request.requestContext.requestId,
    });
  });

  it('reads the Origin header whatever its case', async () => {
    const result = await answersJson(event('GET', { ORIGIN: ALLOWED }));

    expect(result.headers?.['Access-Control-Allow-Origin']).toBe(ALLOWED);
  });

  it('answers a preflight from an allowed origin with 204, the methods, headers and max age', async () => {
    const request = event('OPTIONS', { origin: ALLOWED, 'access-control-request-method': 'POST' });

    const result = await answersJson(request);

    expect(result).toStrictEqual({
      statusCode: 204,
      headers: { ...CORS_FOR_ALLOWED, ...PREFLIGHT_FOR_ALLOWED, ...SECURITY, 'X-Request-Id': request.requestContext.requestId },
      body: '',
    });
  });

  it('answers a preflight from a disallowed origin with 204 and no CORS header but Vary', async () => {
    const request = event('OPTIONS', { origin: DISALLOWED, 'access-control-request-method': 'POST' });

    const result = await answersJson(request);

    expect(result).toStrictEqual({
      statusCode: 204,
      headers: { Vary: 'Origin', ...SECURITY, 'X-Request-Id': request.requestContext.requestId },
      body: '',
    });
  });

  it('answers a preflight on a staff route before the role check, so it needs no token', async () => {
    const staffOnly = wrap(async () => json(200, {}));
    const request = event('OPTIONS', { origin: ALLOWED, 'access-control-request-method': 'PATCH' }, 'staff');

    const result = await staffOnly(request);

    expect(result.statusCode).toBe(204);
    expect(result.headers?.['Access-Control-Allow-Origin']).toBe(ALLOWED);
  });

  it('sends the strict CSP on an HTML page, and nothing the pages did not ask for', async () => {
    const request = event('GET', { origin: ALLOWED });

    const result = await answersPage(request);

    expect(result.headers).toStrictEqual({
      ...HTML_TYPE,
      ...SECURITY,
      'Content-Security-Policy': HTML_CSP,
      ...CORS_FOR_ALLOWED,
      'X-Request-Id': request.requestContext.requestId,
    });
  });

  it('puts the request id, security and CORS headers on an error the handler throws', async () => {
    const throws = wrap(async () => {
      throw new HttpError(429, 'rate_limited', 'Slow down.', { headers: { 'Retry-After': '60' } });
    });
    const request = event('GET', { origin: ALLOWED });

    const result = await throws(request);

    expect(result.statusCode).toBe(429);
    expect(result.headers).toStrictEqual({
      ...JSON_TYPE,
      'Retry-After': '60',
      ...SECURITY,
      ...CORS_FOR_ALLOWED,
      'X-Request-Id': request.requestContext.requestId,
    });
  });

  it('refuses a request on a route the table does not hold, without running the handler', async () => {
    let ran = false;
    const handler = wrap(async () => {
      ran = true;
      return json(200, {});
    });
    const request = { ...event('GET', { origin: ALLOWED }), resource: '/admin/unlisted' };

    const result = await handler(request);

    expect({ status: result.statusCode, ran }).toEqual({ status: 500, ran: false });
  });

  it('puts the same headers on a 500 and on an error a middleware throws before the handler', async () => {
    const fails = wrap(async () => {
      throw new Error('boom');
    });
    const staffOnly = wrap(async () => json(200, {}));
    const failing = event('GET', { origin: ALLOWED });
    const unauthenticated = event('GET', { origin: ALLOWED }, 'staff');

    const [failed, refused] = await Promise.all([fails(failing), staffOnly(unauthenticated)]);

    expect([failed.statusCode, refused.statusCode]).toEqual([500, 401]);
    expect(failed.headers).toStrictEqual({
      ...JSON_TYPE,
      ...SECURITY,
      ...CORS_FOR_ALLOWED,
      'X-Request-Id': failing.requestContext.requestId,
    });
    expect(refused.headers).toStrictEqual({
      ...JSON_TYPE,
      ...SECURITY,
      ...CORS_FOR_ALLOWED,
      'X-Request-Id': unauthenticated.requestContext.requestId,
    });
  });

  it('sends the strict CSP on the error page a browser gets from a page route', async () => {
    const pageRoute = wrap(
      async () => {
        throw new HttpError(404, 'not_found', 'This link is not valid.');
      },
      { pages: true },
    );
    const request = event('GET', { accept: 'text/html,*/*;q=0.8' });

    const result = await pageRoute(request);

    expect(result.statusCode).toBe(404);
    expect(result.headers).toStrictEqual({
      ...HTML_TYPE,
      ...SECURITY,
      'Content-Security-Policy': HTML_CSP,
      Vary: 'Origin',
      'X-Request-Id': request.requestContext.requestId,
    });
  });
});

describe('the middleware stack', () => {
  it('arms no early timeout: a handler that runs past the time the context has left still gives its own answer', async () => {
    // Arrange: a context with 1 ms left, which middy's default early timeout would answer with a 500
    const context = { ...lambdaContext('test'), getRemainingTimeInMillis: () => 1 };
    const slow = httpHandler(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return json(200, { ok: true });
    });
    // Act
    const result = await slow(event('GET'), context);
    // Assert
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toStrictEqual({ ok: true });
  });
});
