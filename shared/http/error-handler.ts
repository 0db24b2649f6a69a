import type { MiddlewareObj } from '@middy/core';
import { HttpError } from '../domain/errors.js';
import { logger } from '../logger.js';
import { json } from './responses.js';
import type { HttpEvent, HttpResult } from './types.js';

/**
 * Maps any thrown error to the JSON error shape of SPEC §3. Only an HttpError below 500 shows its
 * message; anything else is logged (name and stack, never the event) and answered as a plain 500.
 */
export function jsonErrors(): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: (request) => {
      const { error } = request;
      if (error instanceof HttpError && error.statusCode < 500) {
        request.response = json(
          error.statusCode,
          { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } },
          error.headers,
        );
        return;
      }
      logger.error('Unhandled error', { error: error instanceof Error ? error : String(error) });
      request.response = json(500, { error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
    },
  };
}
