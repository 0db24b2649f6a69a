import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { routeRoles } from '../shared/routes.js';
import type { HttpRoute } from '../shared/routes.js';
import { buildProxyEvent, matchPath } from './api-event.js';
import type { IncomingHttp } from './api-event.js';
import type { LocalStaffTokens } from './staff-tokens.js';

/** A route with its function: the same handler Lambda runs, invoked in the function's own instance. */
export type LoadedRoute = HttpRoute & {
  handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
};

/** A local-only route's answer. */
export interface LocalResponse {
  status: number;
  body?: unknown;
}

/** Serves `/_local/*`; returns undefined for a path it does not know. */
export type LocalRoutes = (request: IncomingHttp) => Promise<LocalResponse | undefined>;

/** API Gateway's own payload limit. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, requestId = randomUUID()): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'X-Request-Id': requestId });
  response.end(JSON.stringify(body));
}

/** The error shape of SPEC §3, for the answers the gateway gives itself (as API Gateway's gateway responses do). */
const gatewayError = (code: string, message: string) => ({ error: { code, message } });

function bearerToken(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  return raw.replace(/^Bearer\s+/i, '').trim() || undefined;
}

/**
 * The client address (SPEC §5): the first address of `X-Forwarded-For` when one is sent, as
 * behind CloudFront and API Gateway, else the socket's, so that tests can act as many clients.
 */
function clientAddress(req: IncomingMessage): string {
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
  return forwarded || (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

/**
 * The local API Gateway: matches the route table, verifies staff tokens as the Cognito authorizer
 * would, builds the REST proxy event and invokes the same handler Lambda runs.
 */
export async function startGateway(options: {
  port: number;
  routes: readonly LoadedRoute[];
  staffTokens: LocalStaffTokens;
  localRoutes: LocalRoutes;
}): Promise<{ server: Server; url: string; stop(): Promise<void> }> {
  // A staff route without roles stops the gateway from starting, as it stops `cdk synth`.
  for (const route of options.routes) routeRoles(route);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(req);
      if (!body) return sendJson(res, 413, gatewayError('payload_too_large', 'The request body is too large.'));
      const incoming: IncomingHttp = {
        method: req.method ?? 'GET',
        url,
        headers: req.headers,
        body,
        sourceIp: clientAddress(req),
      };

      if (url.pathname.startsWith('/_local/')) {
        const local = await options.localRoutes(incoming);
        if (!local) return sendJson(res, 404, gatewayError('not_found', 'No such local route.'));
        return sendJson(res, local.status, local.body ?? {});
      }

      const candidates = options.routes
        .map((route) => ({ route, params: matchPath(route.path, url.pathname) }))
        .filter(
          (candidate): candidate is { route: LoadedRoute; params: Record<string, string> } => candidate.params !== undefined,
        );
      // A CORS preflight goes to the path's handler, whose middleware answers it.
      const match = candidates.find(({ route }) => route.method === incoming.method || incoming.method === 'OPTIONS');
      if (!match) return sendJson(res, 404, gatewayError('not_found', 'No such route.'));

      let claims: Record<string, string> | undefined;
      if (match.route.access === 'staff' && incoming.method !== 'OPTIONS') {
        const token = bearerToken(req.headers.authorization);
        claims = token ? await options.staffTokens.verify(token) : undefined;
        if (!claims) return sendJson(res, 401, gatewayError('unauthorized', 'A valid staff token is required.'));
      }

      const event = buildProxyEvent(incoming, match.route, match.params, claims);
      const result = await match.route.handler(event);
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
      for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
      res.writeHead(result.statusCode, headers);
      res.end(result.body === undefined ? '' : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'));
    } catch (error) {
      console.error('[gateway] handler crashed', error instanceof Error ? error.name : error);
      if (!res.headersSent) sendJson(res, 500, gatewayError('internal_error', 'Something went wrong on our side.'));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return {
    server,
    url: `http://127.0.0.1:${options.port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
