import { ValidationError } from '../errors.js';

/** One version of the privacy policy (SPEC §4 policy versions; GET /policy). */
export interface PolicyVersion {
  version: string;
  effectiveAt: string;
  summary: string;
  url: string;
  /** A significant change: people are told with a service notice (privacy policy, "Changes to this Policy"). */
  significant?: boolean;
  /**
   * The version is that of a new owner (privacy policy: "In the event of a transfer of ownership …
   * we will provide notice before any personally identifying information is transferred"): its
   * notice is a `legal_notice` that goes out at once to every held address, and the version takes
   * effect no sooner than the notice period after it.
   */
  ownershipTransfer?: boolean;
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

const DAY_MS = 24 * 3600 * 1000;

/**
 * Refuses an ownership-transfer version that would take effect before its notice has run the
 * notice period (config `noticePeriodDays`): the notice goes out now, and no one's data may move
 * under the new owner's policy until the period is over.
 */
export function assertOwnershipNoticeRuns(effectiveAt: string, now: Date, noticeDays: number): void {
  const earliest = now.getTime() + noticeDays * DAY_MS;
  if (Date.parse(effectiveAt) < earliest) {
    throw new ValidationError([
      {
        path: 'effectiveAt',
        message: `a transfer of ownership takes effect at least ${noticeDays} days after its notice goes out: no sooner than ${new Date(earliest).toISOString()}`,
      },
    ]);
  }
}
