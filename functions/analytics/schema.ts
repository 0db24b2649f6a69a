import * as z from 'zod/mini';
import { ValidationError } from '../../shared/domain/errors.js';
import type { BeaconEvent } from '../../shared/domain/analytics/record-beacon.js';
import { withoutQuery } from '../../shared/domain/analytics/record-beacon.js';
import { validate } from '../../shared/http/validate.js';

/** The longest path kept, in UTF-8 bytes: it becomes part of a sort key (DynamoDB allows 1 024). */
export const MAX_PATH_BYTES = 512;
/** The longest time on page one engagement event may report: a day. */
export const MAX_SECONDS = 86_400;

/** `POST /events` (SPEC §3): unknown fields are refused, every field is bounded. */
export const beaconSchema = z.strictObject({
  type: z.enum(['pageview', 'engagement']),
  path: z.string().check(z.minLength(1), z.maxLength(2048), z.regex(/^\//, 'must start with "/"')),
  referrer: z.optional(z.string().check(z.maxLength(2048))),
  seconds: z.optional(z.number().check(z.int(), z.gte(0), z.lte(MAX_SECONDS, `must be at most ${MAX_SECONDS}`))),
});

/**
 * Validates a beacon and drops the query string and fragment of `path` and `referrer` before
 * anything else sees them. `seconds` belongs to an engagement and to nothing else. The referrer is
 * validated and then not kept: SPEC §3's list of what is kept does not name it.
 */
export function parseBeacon(body: unknown): BeaconEvent {
  const input = validate(beaconSchema, body);
  const path = withoutQuery(input.path);
  if (path === '' || Buffer.byteLength(path) > MAX_PATH_BYTES) {
    throw new ValidationError([{ path: 'path', message: `must be at most ${MAX_PATH_BYTES} bytes without its query string` }]);
  }
  if (input.type === 'engagement') {
    if (input.seconds === undefined) throw new ValidationError([{ path: 'seconds', message: 'is required for an engagement' }]);
    return { type: 'engagement', path, seconds: input.seconds };
  }
  if (input.seconds !== undefined) throw new ValidationError([{ path: 'seconds', message: 'is only for an engagement' }]);
  return { type: 'pageview', path };
}
