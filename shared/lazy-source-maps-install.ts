/**
 * Injected at the top of every Lambda bundle (esbuild `inject`): the bundle's stack traces are
 * mapped to the TypeScript source when they are formatted, from the map beside the bundle.
 */
import { installLazySourceMaps } from './lazy-source-maps.js';

installLazySourceMaps(import.meta.url);
