import { createHmac } from 'node:crypto';
import type { Channel } from './consent.js';

/**
 * A salted hash of an address (normalised email or E.164 phone). Lookup and suppression items are
 * keyed by it, so the table's keys never hold a raw address and a suppression outlives erasure.
 */
export function addressKey(salt: string, channel: Channel, address: string): string {
  return createHmac('sha256', salt).update(`${channel}:${address}`).digest('base64url');
}
