import type { HttpResult } from './types.js';

/** A JSON response. */
export function json(statusCode: number, body: unknown, headers?: Record<string, string>): HttpResult {
  const contentType = { 'Content-Type': 'application/json; charset=utf-8' };
  // A spread after a property is a runtime call in V8; most responses add no header.
  return {
    statusCode,
    headers: headers ? Object.assign(contentType, headers) : contentType,
    body: JSON.stringify(body),
  };
}

/** A See Other redirect, as a form post that wants a page gets. */
export function seeOther(location: string): HttpResult {
  return { statusCode: 303, headers: { Location: location }, body: '' };
}
