/**
 * How Lambda bundles are built, in one place: the CDK functions and `npm run bench` both use it,
 * so the bench measures exactly what is deployed.
 */

/** Node target of the bundles: the oldest Lambda runtime the code supports. */
export const BUNDLE_TARGET = 'node22';

/**
 * Module aliases applied to every Lambda bundle (see `shared/adapters/lambda-credentials.ts`,
 * `shared/adapters/lru-cache.ts`, `shared/adapters/no-event-streams.ts` and
 * `shared/adapters/no-web-streams.ts`).
 */
export const BUNDLE_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': './shared/adapters/lambda-credentials.ts',
  'mnemonist/lru-cache': './shared/adapters/lru-cache.ts',
  '@smithy/core/event-streams': './shared/adapters/no-event-streams.ts',
  'node:stream/web': './shared/adapters/no-web-streams.ts',
};

/** Lets bundled CommonJS dependencies call `require` inside an ES module bundle. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * Injected at the top of every Lambda bundle: maps stack traces through the bundle's source map
 * when one is formatted, so that no function pays for source maps at cold start (see the module).
 */
export const BUNDLE_INJECT: readonly string[] = ['shared/lazy-source-maps-install.ts'];
