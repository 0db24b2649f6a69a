import * as z from 'zod/mini';
import { policyVersions } from '../../shared/adapters/dynamodb/policy-versions.js';
import { runtimeConfig } from '../../shared/config.js';
import { ConflictError } from '../../shared/domain/errors.js';
import { httpHandler } from '../../shared/http/handler.js';
import { json } from '../../shared/http/responses.js';
import type { StaffEvent } from '../../shared/http/staff-auth.js';
import { validate } from '../../shared/http/validate.js';

const config = runtimeConfig();
const policy = policyVersions(config);

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
});

/**
 * Stores a new privacy-policy version (admin only). From its effective time it is what
 * `GET /policy` returns and what every new consent record names.
 */
export const handler = httpHandler(
  async (event) => {
    const { staff } = event as StaffEvent;
    const input = validate(policyVersionSchema, event.parsedBody);
    const version = { ...input, effectiveAt: new Date(input.effectiveAt).toISOString() };
    const added = await policy.add({ ...version, createdBy: staff.sub, createdAt: new Date().toISOString() });
    if (!added) throw new ConflictError(`Policy version ${input.version} exists already.`);
    return json(201, version);
  },
  { roles: ['admin'], body: ['json'] },
);
