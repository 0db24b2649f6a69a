import { Agent, request } from 'node:http';

/** An answer as the load reads it. */
export interface LoadAnswer {
  status: number;
  body: string;
}

/**
 * The HTTP client of the bench's loads: node's own, with keep-alive connections, one per request
 * in flight, as a load generator such as autocannon keeps them. It shares the machine (and the
 * process) with the gateway it measures; `fetch` there cost about 0.3 ms of CPU more per request,
 * a third of what the gateway itself spends on a static route.
 */
export function loadClient(concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const send = (
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<LoadAnswer> =>
    new Promise((resolve, reject) => {
      const outgoing = request(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      outgoing.on('error', reject);
      outgoing.end(init.body);
    });
  return { send, close: () => agent.destroy() };
}
