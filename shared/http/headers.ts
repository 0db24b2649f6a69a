import type { APIGatewayProxyEvent } from 'aws-lambda';

/** Each request's headers by lower-cased name, built on the first read: a request reads several. */
const lowerCased = new WeakMap<object, Map<string, string>>();

function headersByLowerCaseName(headers: APIGatewayProxyEvent['headers']): Map<string, string> {
  let byName = lowerCased.get(headers);
  if (!byName) {
    byName = new Map();
    for (const key of Object.keys(headers)) {
      const value = headers[key];
      const name = key.toLowerCase();
      // The first of two spellings of one name wins, as a scan in key order would find it.
      if (value !== undefined && !byName.has(name)) byName.set(name, value);
    }
    lowerCased.set(headers, byName);
  }
  return byName;
}

/** Reads a request header case-insensitively, as HTTP requires and API Gateway does not. */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  if (!event.headers) return undefined;
  return headersByLowerCaseName(event.headers).get(name.toLowerCase());
}

/** The media type of a Content-Type header, lower-cased and without parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** True when the Accept header ranks text/html above JSON, as a browser posting a form does. */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranks = accept.split(',').map((part) => {
    const [type = '', ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return { type: type.trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
  });
  const rank = (type: string) => Math.max(0, ...ranks.filter((r) => r.type === type).map((r) => r.q));
  return rank('text/html') > 0 && rank('text/html') > rank('application/json');
}

/** Who made a consent change and on which page, as the ledger records it (IP, user agent, page). */
export function consentRequestContext(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'requestContext'>,
  pageUrl: string,
): { ip?: string; userAgent?: string; pageUrl: string } {
  const ip = event.requestContext.identity.sourceIp;
  const userAgent = header(event, 'user-agent')?.slice(0, 512);
  return { ...(ip ? { ip } : {}), ...(userAgent ? { userAgent } : {}), pageUrl };
}
