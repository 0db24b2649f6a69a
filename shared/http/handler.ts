import middy from '@middy/core';
import { runtimeConfig } from '../config.js';
import { lambdaLogContext } from '../logger.js';
import { parseBody } from './body-parser.js';
import { jsonErrors } from './error-handler.js';
import { responseHeaders } from './response-headers.js';
import { routeAccess } from './staff-auth.js';
import type { BodyType, HttpEvent, HttpRequestHandler, HttpResult } from './types.js';

export interface HttpHandlerOptions {
  /** The body types the route takes; omit for routes without a body. */
  body?: readonly BodyType[];
  maxBodyBytes?: number;
  /** A route that serves HTML pages: errors become pages for browsers. */
  pages?: boolean;
}

/**
 * Wraps a route handler in the one middleware stack: logger context, response headers (request
 * id, security, CORS), the JSON error model, the route table's access (staff roles), then body
 * parsing. Handlers throw; they never build error responses, and never name their own roles.
 */
export function httpHandler(handler: HttpRequestHandler, options: HttpHandlerOptions = {}) {
  // No early-timeout race: middy's default arms a timer and a promise race on every request (about
  // 5% of a warm POST /inquiries) to answer a 500 a few milliseconds before Lambda's own timeout,
  // which API Gateway answers with a 5xx anyway; the handler would run on unawaited either way.
  const stack = middy<HttpEvent, HttpResult>({ timeoutEarlyInMillis: 0 })
    .use(lambdaLogContext<HttpEvent, HttpResult>())
    .use(responseHeaders({ allowedOrigins: () => runtimeConfig().ALLOWED_ORIGINS }))
    .use(jsonErrors(options.pages ? { pages: { brandName: () => runtimeConfig().BRAND_NAME } } : {}));
  stack.use(routeAccess());
  if (options.body)
    stack.use(parseBody({ accept: options.body, ...(options.maxBodyBytes ? { maxBytes: options.maxBodyBytes } : {}) }));
  return stack.handler(handler);
}
