import * as z from 'zod/mini';
import { policyVersions } from '../../shared/adapters/dynamodb/policy-versions.js';
import { ulid } from 'ulid';
import { brandOf, runtimeConfig } from '../../shared/config.js';
import { storePolicyVersion } from '../../shared/domain/policy/announce-policy.js';
import { DEFAULT_NOTICE_DAYS } from '../../shared/domain/disclosures/advance-notice.js';
import { assertEffectiveLateEnough, assertOwnershipNoticeRuns } from '../../shared/domain/policy/policy-version.js';
import { systemClock } from '../../shared/ports/clock.js';
import { httpHandler } from '../../shared/http/handler.js';
import { json } from '../../shared/http/responses.js';
import type { StaffEvent } from '../../shared/http/staff-auth.js';
import { validate } from '../../shared/http/validate.js';

const config = runtimeConfig();
const deps = {
  policy: policyVersions(config),
  clock: systemClock,
  brand: brandOf(config),
  newId: ulid,
};
const noticeDays = config.NOTICE_PERIOD_DAYS ?? DEFAULT_NOTICE_DAYS;

/** `POST /admin/policy-versions` (SPEC §4). */
const policyVersionSchema = z.strictObject({
  version: z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(40, 'must be at most 40 characters'),
      z.regex(/^[\w.-]+$/, 'must be letters, digits, ".", "_" or "-"'),
    ),
  effectiveAt: z.iso.datetime({ error: 'must be an ISO 8601 date-time such as 2027-01-01T00:00:00Z' }),
  summary: z.string().check(z.minLength(1), z.maxLength(2000, 'must be at most 2000 characters')),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  significant: z.boolean(),
  ownershipTransfer: z.optional(z.boolean()),
});

/**
 * Stores a new privacy-policy version (admin only), effective no sooner than the functions' policy
 * cache lifetime from now (`POLICY_CACHE_SECONDS`). From its effective time it is what
 * `GET /policy` returns and what every new consent record names. A significant change also
 * schedules the service notice that tells every reachable contact, in the same write. A version
 * marked `ownershipTransfer` takes effect no sooner than the notice period from now, and its
 * legal notice goes out at once to every held address, those unsubscribed from all email too.
 */
export const handler = httpHandler(
  async (event) => {
    const { staff } = event as StaffEvent;
    const input = validate(policyVersionSchema, event.parsedBody);
    const version = { ...input, effectiveAt: new Date(input.effectiveAt).toISOString() };
    assertEffectiveLateEnough(version.effectiveAt, systemClock.now());
    if (version.ownershipTransfer) assertOwnershipNoticeRuns(version.effectiveAt, systemClock.now(), noticeDays);
    const { notice } = await storePolicyVersion(deps, staff, version);
    return json(201, { ...version, ...(notice ? { noticeCampaignId: notice.campaignId, noticeAt: notice.nextRunAt } : {}) });
  },
  { body: ['json'] },
);
