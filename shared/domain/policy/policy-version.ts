import { ValidationError } from '../errors.js';

/** One version of the privacy policy (SPEC §4 policy versions; GET /policy). */
export interface PolicyVersion {
  version: string;
  effectiveAt: string;
  summary: string;
  url: string;
  /** A significant change: people are told with a service notice (privacy policy, "Changes to this Policy"). */
  significant?: boolean;
}

/**
 * How long a function may answer from the version it last read. A new version must take effect
 * no sooner than this after it is stored: every function then sees it before it is in force,
 * whatever it cached, and switches to it at its effective time, not up to this much later.
 */
export const POLICY_CACHE_SECONDS = 15;

/**
 * Refuses a new version whose effective time is sooner than `POLICY_CACHE_SECONDS` after `now`,
 * when it is stored. A past time is refused too: consent records already name the version that
 * was in force then, and the history must not say otherwise.
 */
export function assertEffectiveLateEnough(effectiveAt: string, now: Date): void {
  const earliest = now.getTime() + POLICY_CACHE_SECONDS * 1000;
  if (Date.parse(effectiveAt) < earliest) {
    throw new ValidationError([
      {
        path: 'effectiveAt',
        message: `must be at least ${POLICY_CACHE_SECONDS} seconds from now (${new Date(earliest).toISOString()}): every function has seen the version by then`,
      },
    ]);
  }
}
