import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { median } from './cold-load.js';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Times `iterations` calls of each handler on the same event, interleaved; returns medians in µs. */
export async function measureWarm(
  handlers: Record<string, Handler>,
  event: () => APIGatewayProxyEvent,
  context: Context,
  iterations: number,
): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(handlers).map((name) => [name, []]));
  // Warm-up: JIT and first-call caches (config, secrets) are not part of the steady state.
  for (let i = 0; i < 500; i += 1) for (const handler of Object.values(handlers)) await handler(event(), context);
  for (let i = 0; i < iterations; i += 1) {
    for (const [name, handler] of Object.entries(handlers)) {
      const input = event();
      const started = process.hrtime.bigint();
      const result = await handler(input, context);
      samples[name]?.push(Number(process.hrtime.bigint() - started) / 1000);
      if (result.statusCode !== 201) throw new Error(`${name} answered ${result.statusCode}: ${result.body}`);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}
