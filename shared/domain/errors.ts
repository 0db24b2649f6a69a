/**
 * The error model. Use cases and middleware throw these; one `onError` middleware turns them into
 * the JSON error shape of SPEC §3. Only errors with a status below 500 expose their message.
 */

/** One field-level problem, named by its path (`email`, `consent.sms`, `Idempotency-Key`). */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** Base class for every error that maps to an HTTP status and a stable snake_case code. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { cause?: unknown; details?: ErrorDetail[]; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/** The body parses but breaks the schema, unknown fields included. */
export class ValidationError extends HttpError {
  constructor(details: ErrorDetail[], options: { cause?: unknown } = {}) {
    super(400, 'validation_failed', 'The request did not pass validation.', { ...options, details });
    this.name = 'ValidationError';
  }
}

/** The body does not parse as the content type it claims. */
export class MalformedBodyError extends HttpError {
  constructor(options: { cause?: unknown } = {}) {
    super(400, 'malformed_body', 'The request body could not be parsed.', options);
    this.name = 'MalformedBodyError';
  }
}

/** No token, or a token that does not verify. */
export class UnauthorizedError extends HttpError {
  constructor(message = 'A valid staff token is required.') {
    super(401, 'unauthorized', message);
    this.name = 'UnauthorizedError';
  }
}

/** A valid token whose role may not do this. */
export class ForbiddenError extends HttpError {
  constructor(message = 'Your role may not do this.') {
    super(403, 'forbidden', message);
    this.name = 'ForbiddenError';
  }
}

/** Nothing at this path, or a record that does not exist. */
export class NotFoundError extends HttpError {
  constructor(message = 'Not found.') {
    super(404, 'not_found', message);
    this.name = 'NotFoundError';
  }
}

/** An Idempotency-Key reused with a different request body. */
export class IdempotencyConflictError extends HttpError {
  constructor() {
    super(409, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request.');
    this.name = 'IdempotencyConflictError';
  }
}

/** A public body over the size limit. */
export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `The request body is larger than ${limitBytes} bytes.`);
    this.name = 'PayloadTooLargeError';
  }
}

/** A content type the route does not take. */
export class UnsupportedMediaTypeError extends HttpError {
  constructor(accepted: readonly string[]) {
    super(415, 'unsupported_media_type', `This route takes ${accepted.join(' or ')}.`);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** A link token that is malformed, forged, foreign, expired or made for another purpose. */
export class LinkNotValidError extends HttpError {
  constructor(expired: boolean, options: { cause?: unknown } = {}) {
    super(
      401,
      'unauthorized',
      expired
        ? 'This link has expired. Use the link in a newer message.'
        : 'This link is not valid. Use the link from your message as it was sent.',
      options,
    );
    this.name = 'LinkNotValidError';
  }
}

/** The thing to create exists already. */
export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, 'conflict', message);
    this.name = 'ConflictError';
  }
}

/**
 * A dependency the answer must wait for is unavailable: an audit entry that could not be written
 * stops the data it covers from leaving (SPEC §4). Its message is fixed, so that nothing of the
 * cause reaches the client.
 */
export class ServiceUnavailableError extends HttpError {
  constructor(options: { cause?: unknown } = {}) {
    super(503, 'service_unavailable', 'The service cannot answer right now. Try again later.', options);
    this.name = 'ServiceUnavailableError';
  }
}
