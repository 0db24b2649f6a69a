import { fileURLToPath } from 'node:url';
import type { TruncatedIp } from '../../domain/analytics/ip.js';
import type { NetworkLookup } from '../../domain/analytics/record-beacon.js';
import { logger } from '../../logger.js';
import { NetworkAsset } from './network-asset.js';
import type { NetworkFacts } from './network-asset.js';

/** The asset's file name: the CDK and the local stack copy it beside the beacon's bundle. */
export const NETWORK_ASSET_FILE = 'networks.bin';

/**
 * The network asset beside the running bundle, read on the first lookup (once per cold start, not
 * at module load) and kept for the life of the instance. When it cannot be read the beacon still
 * counts views, without country or organisation, and says so once in the log.
 */
export function lazyNetworks(path: string = fileURLToPath(new URL(`./${NETWORK_ASSET_FILE}`, import.meta.url))): NetworkLookup {
  let asset: NetworkAsset | null | undefined;
  return {
    lookup(ip: TruncatedIp): NetworkFacts {
      if (asset === undefined) {
        try {
          asset = NetworkAsset.load(path);
        } catch (error) {
          asset = null;
          logger.error('The network asset could not be read: no countries or organisations are counted', {
            path,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      return asset ? asset.lookup(ip) : {};
    },
  };
}
