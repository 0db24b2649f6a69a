import type { HttpResult } from './types.js';

/** A JSON response. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** A See Other redirect, as a form post that wants a page gets. */
export function seeOther(location: string): HttpResult {
  return { statusCode: 303, headers: { Location: location }, body: '' };
}
