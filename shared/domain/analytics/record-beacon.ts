import { createHmac, randomBytes } from 'node:crypto';
import Bowser from 'bowser';
import { NETWORK_IDS } from '../../ports/analytics-store.js';
import type { BeaconQueue, VisitorSalts } from '../../ports/analytics-store.js';
import type { Clock } from '../../ports/clock.js';
import { primaryLanguage } from '../visit.js';
import { sketchElement } from './hll.js';
import { networkText } from './ip.js';
import type { TruncatedIp } from './ip.js';
import { classifyNetwork } from './network-kind.js';

/** A validated beacon: what `POST /events` takes (SPEC §3). */
export type BeaconEvent =
  | { type: 'pageview'; path: string; referrer?: string }
  | { type: 'engagement'; path: string; referrer?: string; seconds: number };

/** Looks up what the offline database knows of a truncated address. */
export interface NetworkLookup {
  lookup(ip: TruncatedIp): { owner?: { asn: number; name: string }; country?: string };
}

export interface RecordBeaconDeps {
  /** Where the counts go: a queue, aggregated by its consumer (`tallyBeacons`). */
  queue: BeaconQueue;
  salts: VisitorSalts;
  networks: NetworkLookup;
  clock: Clock;
  /** A new random visitor id for the `fc_vid` cookie. */
  newVisitorId?: () => string;
}

/** Everything the beacon takes from a request; the address is already cut to its network. */
export interface BeaconRequest {
  event: BeaconEvent;
  /** `Sec-GPC: 1` or `DNT: 1` was sent. */
  optedOut: boolean;
  /** The `fc_vid` cookie's value, when the request carried one. */
  visitorCookie?: string;
  /** The client's network (/24, /48): the full address never reaches this use case. */
  network?: TruncatedIp;
  userAgent?: string;
  acceptLanguage?: string;
}

/** The `fc_vid` value: 16 random bytes, base64url (22 characters). */
export const VISITOR_ID = /^[A-Za-z0-9_-]{22}$/;

/** A new random visitor id. */
export const randomVisitorId = () => randomBytes(16).toString('base64url');

/**
 * The client network's id for the day: the truncated network (/24, /48) hashed with the day's
 * salt and cut to 16 bits. It is unlinkable to the next day's, many networks share each id, and
 * once the salt is deleted (48 hours after its day began) nobody can tell which networks had it.
 * It is the aggregator's only handle on "one client opening many paths"; it is never a visitor id.
 */
export function networkSlotId(salt: Buffer, network: TruncatedIp): number {
  return (
    createHmac('sha256', salt)
      .update(`network:${networkText(network)}`)
      .digest()
      .readUInt16BE(0) % NETWORK_IDS
  );
}

/** Drops a URL's query string and fragment: they may carry tokens, emails or campaign ids. */
export function withoutQuery(url: string): string {
  return url.replace(/[?#].*$/s, '');
}

/** The browser family, from User-Agent (`Chrome`, `Firefox`, `Safari`, …), bounded. */
export function browserFamily(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  const name = Bowser.parse(userAgent.slice(0, 512)).browser.name;
  return name ? name.slice(0, 40) : undefined;
}

/**
 * The two-letter language codes (ISO 639-1, with the deprecated aliases browsers still send) that
 * the runtime's ICU data names: the common case, checked without loading ICU's language names.
 */
const TWO_LETTER_LANGUAGES = new Set(
  'aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik in io is it iu iw ja ji jv jw ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mo mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu'.split(
    ' ',
  ),
);

/**
 * Language names from the runtime's ICU data, for three-letter codes: a code it cannot name is not
 * a language. Built on first use only: building it costs about 25 ms of CPU, which a cold start
 * should not pay for a request that never needs it.
 */
let languageNames: Intl.DisplayNames | undefined;

/**
 * The primary language of the visitor's browser (`en-US,en;q=0.9` → `en`): the language subtag
 * only, and only a code the runtime's ICU data names. Each value becomes a counter on a shared
 * daily item, so a header cannot mint new ones without bound (an item holds at most 400 KB).
 */
export function languageOf(acceptLanguage: string | undefined): string | undefined {
  const language = primaryLanguage(acceptLanguage?.slice(0, 256))?.split('-')[0]?.toLowerCase();
  if (!language || !/^[a-z]{2,3}$/.test(language)) return undefined;
  if (language.length === 2) return TWO_LETTER_LANGUAGES.has(language) ? language : undefined;
  languageNames ??= new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
  return languageNames.of(language) === undefined ? undefined : language;
}

/**
 * Queues one beacon's counts for the day's aggregates and says whether to set the visitor cookie.
 * What is queued carries no address and no visitor id: only the path, the dimensions, the
 * organisation of a business network, the visitor's daily-salted sketch element and the network's
 * daily-salted 16-bit id (`networkSlotId`).
 *
 * - With a do-not-track signal (GPC or DNT) a page view counts as a view and nothing else: no
 *   cookie, no visitor id, no browser, language, country or organisation. An engagement counts nothing.
 * - Otherwise the visitor keeps the id of a valid `fc_vid` cookie (and gets no new cookie: it is
 *   never extended), or gets a new one. The id is hashed with the day's salt into one sketch
 *   element, so that visitors are counted without keeping who they were, and yesterday's
 *   elements cannot be linked to today's.
 * - The organisation is counted only when the network is a business's (not an ISP, carrier or host).
 */
export async function recordBeacon(deps: RecordBeaconDeps, request: BeaconRequest): Promise<{ setVisitorId?: string }> {
  const day = deps.clock.now().toISOString().slice(0, 10);
  const { event } = request;
  if (request.optedOut) {
    if (event.type === 'pageview') await deps.queue.enqueue({ kind: 'pageview', day, path: event.path, optedOut: true });
    return {};
  }
  const known = request.visitorCookie && VISITOR_ID.test(request.visitorCookie) ? request.visitorCookie : undefined;
  const visitorId = known ?? (deps.newVisitorId ?? randomVisitorId)();
  const setVisitorId = known ? {} : { setVisitorId: visitorId };
  if (event.type === 'engagement') {
    await deps.queue.enqueue({ kind: 'engagement', day, path: event.path, seconds: event.seconds });
    return setVisitorId;
  }
  const salt = await deps.salts.dailySalt(day);
  const visitor = sketchElement(createHmac('sha256', salt).update(visitorId).digest());
  const network = request.network ? networkSlotId(salt, request.network) : undefined;
  const facts = request.network ? deps.networks.lookup(request.network) : {};
  const owner = facts.owner && classifyNetwork(facts.owner.asn, facts.owner.name) === 'business' ? facts.owner : undefined;
  // From the network database only: a header such as `CloudFront-Viewer-Country` is the client's to set.
  const country = facts.country;
  const browser = browserFamily(request.userAgent);
  const language = languageOf(request.acceptLanguage);
  await deps.queue.enqueue({
    kind: 'pageview',
    day,
    path: event.path,
    optedOut: false,
    visitor,
    ...(browser ? { browser } : {}),
    ...(language ? { language } : {}),
    ...(country ? { country } : {}),
    ...(owner ? { organisation: { asn: owner.asn, name: owner.name } } : {}),
    ...(network !== undefined ? { network } : {}),
  });
  return setVisitorId;
}
