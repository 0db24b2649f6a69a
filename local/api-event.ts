import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { HttpRoute } from '../shared/routes.js';

/** The parts of an HTTP request the gateway turns into an event. */
export interface IncomingHttp {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  sourceIp: string;
}

/** Matches a request path against a route's `{param}` template; returns the path parameters. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const match = new RegExp(`^${pattern}/?$`).exec(path);
  if (!match) return undefined;
  return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]));
}

const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded)|text\/)/i;

/**
 * Builds a REST API (v1) proxy event as API Gateway does: single- and multi-value headers and
 * query strings, path parameters, the request context with identity and, for staff routes, the
 * Cognito authorizer claims.
 */
export function buildProxyEvent(
  request: IncomingHttp,
  route: HttpRoute,
  pathParameters: Record<string, string>,
  claims: Record<string, string> | undefined,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    // API Gateway keeps the last value of a repeated header in `headers`.
    headers[name] = values[values.length - 1] ?? '';
    multiValueHeaders[name] = values;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of request.url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const contentType = headers['content-type'] ?? '';
  const isText = request.body.byteLength === 0 || TEXT_TYPES.test(contentType);
  const requestTime = new Date();
  return {
    resource: route.path,
    path: request.url.pathname,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length > 0 ? multiQuery : null,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: null,
    body: request.body.byteLength === 0 ? null : request.body.toString(isText ? 'utf8' : 'base64'),
    isBase64Encoded: !isText,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: claims ? { claims } : null,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: headers['user-agent'] ?? null,
        userArn: null,
      },
      path: `/local${request.url.pathname}`,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: requestTime.getTime(),
      resourceId: 'local',
      resourcePath: route.path,
    },
  };
}
