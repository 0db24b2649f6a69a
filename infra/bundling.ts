/**
 * How Lambda bundles are built, in one place: the CDK functions and `npm run bench` both use it,
 * so the bench measures exactly what is deployed.
 */

/** Node target of the bundles: the oldest Lambda runtime the code supports. */
export const BUNDLE_TARGET = 'node22';

/** Module aliases applied to every Lambda bundle (see `shared/adapters/lambda-credentials.ts`). */
export const BUNDLE_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': './shared/adapters/lambda-credentials.ts',
};

/** Lets bundled CommonJS dependencies call `require` inside an ES module bundle. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";
