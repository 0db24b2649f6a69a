import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Lambda always hands a function its role's credentials in the environment, so Lambda bundles
 * alias the SDK's default credential chain (`@aws-sdk/credential-provider-node`: SSO, STS, INI,
 * IMDS and more, about 95 KB) to this. Only bundles use it; local runs keep the full chain.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
