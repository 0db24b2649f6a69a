import * as z from 'zod/mini';
import { NETWORK_IDS } from '../../shared/ports/analytics-store.js';
import type { BeaconCount } from '../../shared/ports/analytics-store.js';
import { MAX_PATH_BYTES, MAX_SECONDS } from './schema.js';

const day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));
const path = z.string().check(
  z.minLength(1),
  z.refine((value) => Buffer.byteLength(value) <= MAX_PATH_BYTES && value.startsWith('/'), 'a path'),
);
const label = z.string().check(z.minLength(1), z.maxLength(40));

/** A queued beacon count (`BeaconCount`), as the beacon wrote it: every field bounded again on the way in. */
const beaconCountSchema = z.union([
  z.strictObject({
    kind: z.literal('pageview'),
    day,
    path,
    optedOut: z.boolean(),
    visitor: z.optional(z.number().check(z.int(), z.gte(0), z.lt(1024 * 64))),
    browser: z.optional(label),
    language: z.optional(z.string().check(z.regex(/^[a-z]{2,3}$/))),
    country: z.optional(z.string().check(z.regex(/^[A-Z]{2}$/))),
    organisation: z.optional(
      z.strictObject({ asn: z.number().check(z.int(), z.gte(0)), name: z.string().check(z.minLength(1), z.maxLength(256)) }),
    ),
    network: z.optional(z.number().check(z.int(), z.gte(0), z.lt(NETWORK_IDS))),
  }),
  z.strictObject({
    kind: z.literal('engagement'),
    day,
    path,
    seconds: z.number().check(z.int(), z.gte(0), z.lte(MAX_SECONDS)),
  }),
]);

/** The count a queued message carries, or undefined when it is not one. */
export function parseBeaconCount(body: string): BeaconCount | undefined {
  try {
    const result = z.safeParse(beaconCountSchema, JSON.parse(body));
    return result.success ? (result.data as BeaconCount) : undefined;
  } catch {
    return undefined;
  }
}
