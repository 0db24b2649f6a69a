/**
 * jest 30, in ESM mode (middy 5+ is ESM-only), with @swc/jest compiling TypeScript.
 *
 * Four projects, one command (`npm test`, which runs them in two passes):
 * - unit: pure logic and adapters with in-memory ports or aws-sdk-client-mock, no network;
 * - infra: CDK Template assertions and cdk-nag on a real synth;
 * - integration: real HTTP against the real local stack, started once by the global setup, and
 *   a real browser (Debian's Chromium through playwright-core) against the same stack. Its files
 *   share that stack, so they run one after another (`--runInBand`, the second pass): "nothing
 *   stored" checks only hold when no other file writes meanwhile.
 *
 * @type {import('jest').Config}
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript' },
      target: 'es2022',
      // `import metadata from './x.json' with { type: 'json' }` must reach Node as written.
      experimental: { keepImportAttributes: true, emitAssertForImportAttributes: false },
    },
    module: { type: 'es6' },
  },
];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  // Sources import './x.js' as Node's ESM resolution wants; the files on disk are './x.ts'.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/quiet-logs.ts'],
};

export default {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      setupFiles: [...shared.setupFiles, '<rootDir>/test/unit/setup-env.ts'],
    },
    { ...shared, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/e2e/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
};
