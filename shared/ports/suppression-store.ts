import type { Channel } from '../domain/consent.js';

/** Why an address must never be contacted again. */
export type SuppressionReason = 'hard_bounce' | 'complaint' | 'soft_bounces' | 'erasure';

/** The suppression list, keyed by salted address hashes so that it outlives erasure. */
export interface SuppressionStore {
  suppress(channel: Channel, addressKey: string, reason: SuppressionReason, at: string): Promise<void>;
  /** Records one soft bounce (once per feedback id) and returns how many fell within the last `windowDays`. */
  recordSoftBounce(addressKey: string, feedbackId: string, at: string, windowDays: number): Promise<number>;
}
