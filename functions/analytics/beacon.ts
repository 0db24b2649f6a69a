import { DynamoDbVisitorSalts } from '../../shared/adapters/dynamodb/analytics-salts.js';
import { lazyNetworks } from '../../shared/adapters/networks/lazy-networks.js';
import { SqsBeaconQueue, liteSqsSender } from '../../shared/adapters/sqs/lite-sqs.js';
import { runtimeConfig } from '../../shared/config.js';
import { truncateIp } from '../../shared/domain/analytics/ip.js';
import { recordBeacon } from '../../shared/domain/analytics/record-beacon.js';
import { MalformedBodyError } from '../../shared/domain/errors.js';
import { systemClock } from '../../shared/ports/clock.js';
import { httpHandler } from '../../shared/http/handler.js';
import { header } from '../../shared/http/headers.js';
import type { HttpEvent } from '../../shared/http/types.js';
import { parseBeacon } from './schema.js';

const config = runtimeConfig();
const deps = {
  queue: new SqsBeaconQueue(liteSqsSender(config.ANALYTICS_QUEUE_URL)),
  salts: new DynamoDbVisitorSalts(config.TABLE_NAME),
  networks: lazyNetworks(),
  clock: systemClock,
};

/** The visitor cookie's name and lifetime: 13 months at most (395 days), set once and never extended. */
export const VISITOR_COOKIE = 'fc_vid';
export const VISITOR_COOKIE_MAX_AGE = 395 * 24 * 3600;

/** `Sec-GPC: 1` or `DNT: 1`, exactly `1` (any other value, `Sec-GPC: 0` included, means nothing). */
function optedOut(event: HttpEvent): boolean {
  return header(event, 'sec-gpc')?.trim() === '1' || header(event, 'dnt')?.trim() === '1';
}

function cookie(event: HttpEvent, name: string): string | undefined {
  for (const part of (header(event, 'cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** `sendBeacon` posts its string as text/plain: the text is the JSON body. */
function beaconBody(event: HttpEvent): unknown {
  if (event.bodyType !== 'text') return event.parsedBody;
  try {
    return JSON.parse(String(event.parsedBody ?? ''));
  } catch (cause) {
    throw new MalformedBodyError({ cause });
  }
}

/**
 * `POST /events` (SPEC §3): the anonymous analytics beacon. The client address is cut to its /24
 * or /48 network here, before anything else uses it; the full address goes no further. The counts
 * go on the analytics queue (no table write waits in the request); `functions/analytics/aggregate.ts`
 * adds them to the day aggregates a batch at a time. Answers 204.
 */
export const handler = httpHandler(
  async (event) => {
    const beacon = parseBeacon(beaconBody(event));
    const network = truncateIp(event.requestContext.identity.sourceIp);
    const signal = optedOut(event);
    const visitorCookie = signal ? undefined : cookie(event, VISITOR_COOKIE);
    const userAgent = header(event, 'user-agent');
    const acceptLanguage = header(event, 'accept-language');
    const { setVisitorId } = await recordBeacon(deps, {
      event: beacon,
      optedOut: signal,
      ...(visitorCookie ? { visitorCookie } : {}),
      ...(network && !signal ? { network } : {}),
      ...(userAgent ? { userAgent } : {}),
      ...(acceptLanguage ? { acceptLanguage } : {}),
    });
    return {
      statusCode: 204,
      headers: {
        'Cache-Control': 'no-store',
        ...(setVisitorId
          ? {
              'Set-Cookie': `${VISITOR_COOKIE}=${setVisitorId}; Max-Age=${VISITOR_COOKIE_MAX_AGE}; Path=/; Secure; HttpOnly; SameSite=Lax`,
            }
          : {}),
      },
      body: '',
    };
  },
  { body: ['json', 'text'] },
);
