import type { MiddlewareObj, Request } from '@middy/core';
import { escapeHtml } from '../domain/html.js';
import { loggableError } from '../domain/masking.js';
import { header, prefersHtml } from './headers.js';
import { htmlPage } from './html-page.js';
import { HttpError, ServiceUnavailableError } from '../domain/errors.js';
import { logger } from '../logger.js';
import { json } from './responses.js';
import type { HttpEvent, HttpResult } from './types.js';

/**
 * Maps any thrown error to the JSON error shape of SPEC §3 (or, on page routes, to an HTML page
 * for a browser). Only an HttpError below 500 shows its
 * message; anything else is logged (name and stack, never the event) and answered as a plain 500,
 * except a ServiceUnavailableError, answered 503 with its fixed message.
 */
export function jsonErrors(options: { pages?: { brandName: () => string } } = {}): MiddlewareObj<HttpEvent, HttpResult> {
  const asPage = (request: Request<HttpEvent, HttpResult>, status: number, message: string) =>
    options.pages && prefersHtml(header(request.event, 'accept'))
      ? htmlPage(status, {
          title: status < 500 ? 'This did not work' : 'Something went wrong',
          brandName: options.pages.brandName(),
          body: `<p>${escapeHtml(message)}</p>`,
        })
      : undefined;
  return {
    onError: (request) => {
      const { error } = request;
      if (error instanceof HttpError && error.statusCode < 500) {
        const page = asPage(request, error.statusCode, error.message);
        if (page) {
          request.response = page;
          return;
        }
        request.response = json(
          error.statusCode,
          { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } },
          error.headers,
        );
        return;
      }
      logger.error('Unhandled error', {
        error: loggableError(error),
        cause: error instanceof Error && error.cause ? loggableError(error.cause) : undefined,
      });
      if (error instanceof ServiceUnavailableError) {
        // Its message is fixed text: the cause stays in the log.
        request.response = json(error.statusCode, { error: { code: error.code, message: error.message } });
        return;
      }
      request.response =
        asPage(request, 500, 'Something went wrong on our side. Please try again later.') ??
        json(500, { error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
    },
  };
}
