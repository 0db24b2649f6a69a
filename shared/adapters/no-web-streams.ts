/**
 * Lambda bundles alias `node:stream/web` to this (`infra/bundling.ts`). middy imports Node's web
 * `ReadableStream` at load for streamed responses (`streamifyResponse`), which no function here
 * uses; loading Node's web streams costs every cold start about 2.5 ms of CPU. Nothing is an
 * instance of this class, so middy's `instanceof` check is false, as it is for any non-streamed
 * response; should anything ever construct one, this says why it fails.
 */
export class ReadableStream {
  constructor() {
    throw new Error('Web streams are not bundled in Lambda functions (see shared/adapters/no-web-streams.ts)');
  }
}
