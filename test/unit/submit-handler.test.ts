import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { createSubmitInquiryHandler } from '../../functions/inquiries/submit.js';
import { buildProxyEvent } from '../../local/api-event.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { HTTP_ROUTES } from '../../shared/routes.js';
import { FakeClock, InMemoryDirectory, InMemoryInquiryStore, fixedPolicy, fixedSecrets } from '../fixtures/in-memory.js';

const INQUIRIES_ROUTE = HTTP_ROUTES.find((route) => route.path === '/inquiries' && route.method === 'POST');

/** A request as API Gateway hands it over, built by the same code the local gateway uses. */
function event(body: string | null, headers: Record<string, string> = {}, method = 'POST'): APIGatewayProxyEvent {
  if (!INQUIRIES_ROUTE) throw new Error('The route table has no POST /inquiries');
  return buildProxyEvent(
    {
      method,
      url: new URL('http://127.0.0.1/inquiries'),
      headers: { 'content-type': 'application/json', ...headers },
      body: Buffer.from(body ?? ''),
      sourceIp: '203.0.113.9',
    },
    INQUIRIES_ROUTE,
    {},
    undefined,
  );
}

describe('POST /inquiries handler', () => {
  let store: InMemoryInquiryStore;
  let addresses: InMemoryDirectory;
  let handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

  beforeEach(() => {
    store = new InMemoryInquiryStore();
    addresses = new InMemoryDirectory();
    const submit = createSubmitInquiryHandler(
      {
        store,
        addresses,
        optIn: { email: 'double', sms: 'double' },
        secrets: fixedSecrets(),
        clock: new FakeClock(new Date()),
        newId: () => crypto.randomUUID(),
        brandName: 'Acme',
        policy: fixedPolicy('v1'),
      },
      'https://acme.test/thanks',
    );
    handler = (e) => submit(e, lambdaContext('test'));
  });

  it('answers 201 with the inquiry id alone and the request id header', async () => {
    const request = event(JSON.stringify({ name: 'Jane', email: 'jane@example.com' }));
    const result = await handler(request);
    expect(result.statusCode).toBe(201);
    expect(JSON.parse(result.body)).toEqual({ inquiryId: expect.any(String) });
    expect(result.headers?.['X-Request-Id']).toBe(request.requestContext.requestId);
    expect(store.inquiries.size).toBe(1);
  });

  it('answers a browser form post with 303 to the thank-you page', async () => {
    const result = await handler(
      event('name=Jane&email=jane%40example.com&consentEmail=on', {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html,*/*;q=0.8',
      }),
    );
    expect(result.statusCode).toBe(303);
    expect(result.headers?.Location).toBe('https://acme.test/thanks');
    expect(Object.keys([...store.inquiries.values()][0]?.consentRequests ?? {})).toEqual(['email']);
  });

  it.each([
    ['a malformed JSON body', event('{"name":'), 400, 'malformed_body'],
    ['an unknown field', event(JSON.stringify({ name: 'J', email: 'j@x.test', admin: true })), 400, 'validation_failed'],
    ['neither email nor phone', event(JSON.stringify({ name: 'J' })), 400, 'validation_failed'],
    ['a control character in the name', event(JSON.stringify({ name: 'J\u0007', email: 'j@x.test' })), 400, 'validation_failed'],
    ['an XML body', event('<x/>', { 'content-type': 'application/xml' }), 415, 'unsupported_media_type'],
    [
      'a body over 16 KiB',
      event(JSON.stringify({ name: 'J', email: 'j@x.test', message: 'x'.repeat(17_000) })),
      413,
      'payload_too_large',
    ],
    [
      'an Idempotency-Key over 128 characters',
      event(JSON.stringify({ name: 'J', email: 'j@x.test' }), { 'Idempotency-Key': 'k'.repeat(129) }),
      400,
      'validation_failed',
    ],
  ])('rejects %s with %i %s and stores nothing', async (_, request, status, code) => {
    const result = await handler(request);
    expect(result.statusCode).toBe(status);
    expect(JSON.parse(result.body).error.code).toBe(code);
    expect(result.headers?.['X-Request-Id']).toBe(request.requestContext.requestId);
    expect(store.inquiries.size).toBe(0);
    expect(addresses.lookups.size).toBe(0);
  });

  it('names each unknown field in the details', async () => {
    const result = await handler(event(JSON.stringify({ name: 'J', email: 'j@x.test', admin: true, role: 'x' })));
    expect(JSON.parse(result.body).error.details).toEqual([
      { path: 'admin', message: 'is not an allowed field' },
      { path: 'role', message: 'is not an allowed field' },
    ]);
  });

  it('pretends success for a filled honeypot and stores nothing', async () => {
    const result = await handler(event(JSON.stringify({ name: 'Bot', email: 'bot@x.test', website: 'http://spam.test' })));
    expect(result.statusCode).toBe(201);
    expect(store.inquiries.size).toBe(0);
    expect(addresses.lookups.size).toBe(0);
  });

  it('never shows internals in a 500', async () => {
    store.saveInquiry = async () => {
      throw new Error('ProvisionedThroughputExceededException: table forecourt-secret-name');
    };
    const result = await handler(event(JSON.stringify({ name: 'Jane', email: 'jane@example.com' })));
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('forecourt-secret-name');
    expect(JSON.parse(result.body).error.code).toBe('internal_error');
  });

  it('answers CORS for a configured origin only', async () => {
    const allowed = await handler(event(null, { origin: 'http://localhost:5173' }, 'OPTIONS'));
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers?.['Access-Control-Allow-Origin']).toBe('http://localhost:5173');
    const other = await handler(event(null, { origin: 'https://evil.test' }, 'OPTIONS'));
    expect(other.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });
});
