/**
 * Lambda bundles alias `@smithy/core/event-streams` to this (`infra/bundling.ts`). The SDK's
 * `HttpProtocol` loads event streams with a dynamic `import()` for the few operations that stream
 * (none of DynamoDB, SES v2, SNS or SQS calls we make do): esbuild inlines that module lazily, and
 * wrapping it makes every module it reaches (endpoints, config, serde) lazy too, which turns off
 * their tree shaking. About 20 KB of every bundle and some of its cold start, for code never run.
 * Should an operation ever stream, this says so instead of failing obscurely.
 */
const unsupported = (): never => {
  throw new Error('Event streams are not bundled in Lambda functions (see shared/adapters/no-event-streams.ts)');
};

export class EventStreamSerde {
  constructor() {
    unsupported();
  }
}

export const eventStreamSerdeProvider = unsupported;
