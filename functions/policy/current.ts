import { policyVersions } from '../../shared/adapters/dynamodb/policy-versions.js';
import { runtimeConfig } from '../../shared/config.js';
import { POLICY_CACHE_SECONDS } from '../../shared/domain/policy/policy-version.js';
import { httpHandler } from '../../shared/http/handler.js';
import { json } from '../../shared/http/responses.js';

const config = runtimeConfig();
const policy = policyVersions(config);

/** `GET /policy`: the privacy-policy version in force, cached no longer than a function caches it. */
export const handler = httpHandler(async () => {
  const { version, effectiveAt, summary, url } = await policy.inForce(new Date());
  return json(200, { version, effectiveAt, summary, url }, { 'Cache-Control': `public, max-age=${POLICY_CACHE_SECONDS}` });
});
