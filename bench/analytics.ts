import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNetworkAsset } from '../scripts/build-network-asset.js';
import { NetworkAsset } from '../shared/adapters/networks/network-asset.js';
import { truncateIp } from '../shared/domain/analytics/ip.js';
import { trackerScript } from '../shared/domain/analytics/tracker-script.js';
import { LOCAL_TABLE_NAME, REPO_ROOT, startLocalStack } from '../local/stack.js';
import { liteDynamoDb } from '../shared/adapters/dynamodb/lite-client.js';
import { bundleHandler } from './bundles.js';
import { median } from './cold-load.js';
import { loadClient } from './load-client.js';
import { runLoad } from './throughput.js';

/** SPEC §7: the beacon's bundle, the script, and beacons per second through the local gateway. */
export const BEACON_BUNDLE_BUDGET_BYTES = 150 * 1000;
export const SCRIPT_GZIP_BUDGET_BYTES = 2 * 1024;
export const BEACONS_PER_SECOND_BUDGET = 2000;

const BEACONS = Number(process.env.BENCH_BEACONS ?? 10_000);
const BEACON_CONCURRENCY = Number(process.env.BENCH_BEACON_CONCURRENCY ?? 64);

type Check = (label: string, ok: boolean) => string;

/** A visitor of the load: an address in a business, ISP or hosting network, with or without a cookie. */
const SAMPLE_ADDRESSES = ['17.253.144.', '73.1.2.', '8.8.8.', '12.0.0.', '193.0.0.', '144.202.0.'];

/**
 * The analytics figures of `npm run bench`: the beacon bundle size (≤ 150 KB), the script's
 * gzipped size (≤ 2 KB), the network asset's load and lookup times, and beacons per second through
 * the local gateway against DynamoDB Local (≥ 2 000/s, zero 5xx), keep-alive connections with
 * BENCH_BEACON_CONCURRENCY (64) in flight. The load is a mix: a third returning visitors with a
 * cookie, a tenth with GPC, a quarter engagements, spread over six networks and twenty pages.
 */
export async function benchAnalytics(check: Check, results: Record<string, unknown>): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'forecourt-bench-analytics-'));
  try {
    console.log('\n== Analytics: beacon bundle (budget 150 KB) and script (budget 2 KB gzip) ==');
    const bundle = await bundleHandler(REPO_ROOT, 'functions/analytics/beacon.ts', workDir, { aliases: true });
    const script = trackerScript('https://api.example.com/events');
    const scriptGzip = gzipSync(script, { level: 9 }).byteLength;
    console.log(check(`beacon bundle ${(bundle.bytes / 1000).toFixed(1)} KB`, bundle.bytes <= BEACON_BUNDLE_BUDGET_BYTES));
    console.log(check(`forecourt.js ${script.length} B, ${scriptGzip} B gzip`, scriptGzip <= SCRIPT_GZIP_BUDGET_BYTES));

    console.log('\n== Analytics: network asset load (once per cold start) and lookup ==');
    const assetPath = await ensureNetworkAsset();
    const loadStarted = performance.now();
    const asset = NetworkAsset.load(assetPath);
    const loadMs = performance.now() - loadStarted;
    const networks = Array.from({ length: 100_000 }, (_, index) =>
      truncateIp(`${(index * 2654435761) >>> 24}.${index & 255}.${(index >> 8) & 255}.1`)!,
    );
    const rounds: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      const started = performance.now();
      for (const network of networks) asset.lookup(network);
      rounds.push(((performance.now() - started) * 1000) / networks.length);
    }
    console.log(
      `      load ${loadMs.toFixed(1)} ms; lookup median ${median(rounds).toFixed(2)} µs over ${networks.length} /24 networks`,
    );
    results.analyticsAsset = { loadMs, lookupMicros: median(rounds) };

    console.log(
      `\n== Analytics: ${BEACONS} POST /events through the local gateway, ${BEACON_CONCURRENCY} in flight (budget 2 000/s, zero 5xx) ==`,
    );
    const stack = await startLocalStack({ port: 0, dynamoDbPort: 0, sesPort: 0, standInsPort: 0 });
    const client = loadClient(BEACON_CONCURRENCY);
    try {
      const url = `${stack.urls.api}/events`;
      const cookies = Array.from({ length: 500 }, (_, index) => `fc_vid=${Buffer.alloc(16, index).toString('base64url')}`);
      const beacon = async (index: number) => {
        const engagement = index % 4 === 3;
        const headers: Record<string, string> = {
          'content-type': 'text/plain;charset=UTF-8',
          'x-forwarded-for': `${SAMPLE_ADDRESSES[index % SAMPLE_ADDRESSES.length]}${index % 250}`,
          'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
          'accept-language': 'en-US,en;q=0.9',
          ...(index % 10 === 0 ? { 'sec-gpc': '1' } : {}),
          ...(index % 3 === 0 ? { cookie: cookies[index % cookies.length] ?? '' } : {}),
        };
        const response = await client.send(url, {
          method: 'POST',
          headers,
          body: JSON.stringify(
            engagement
              ? { type: 'engagement', path: `/page/${index % 20}`, seconds: 30 }
              : { type: 'pageview', path: `/page/${index % 20}?utm=x` },
          ),
        });
        return response.status === 204 ? 200 : response.status;
      };
      await runLoad(500, BEACON_CONCURRENCY, beacon); // warm-up: the day's salt, the asset, connections
      await fetch(`${stack.urls.api}/_local/outbox/drain`, { method: 'POST' });
      // What the local gateway and function host alone can do: a static route, same concurrency.
      const gpc = `${stack.urls.api}/.well-known/gpc.json`;
      const trivial = await runLoad(BEACONS, BEACON_CONCURRENCY, async () => (await client.send(gpc)).status);
      const load = await runLoad(BEACONS, BEACON_CONCURRENCY, beacon);
      // The aggregator's side: how long the queued counts take to reach the table once the load stops.
      const drainStarted = performance.now();
      await fetch(`${stack.urls.api}/_local/outbox/drain`, { method: 'POST' });
      const drainSeconds = (performance.now() - drainStarted) / 1000;
      // The baseline of the same run: bare UpdateItem ADDs on the same DynamoDB Local, same concurrency.
      const call = liteDynamoDb({ ...process.env, AWS_ENDPOINT_URL_DYNAMODB: stack.urls.dynamoDb });
      const raw = await runLoad(BEACONS, BEACON_CONCURRENCY, async (index) => {
        await call('DynamoDB_20120810.UpdateItem', {
          TableName: LOCAL_TABLE_NAME,
          Key: { pk: { S: 'BENCH#ANALYTICS' }, sk: { S: `PATH#/page/${index % 20}` } },
          UpdateExpression: 'ADD #views :one',
          ExpressionAttributeNames: { '#views': 'views' },
          ExpressionAttributeValues: { ':one': { N: '1' } },
        });
        return 200;
      });
      console.log(
        `      load average ${loadavg()
          .map((value) => value.toFixed(1))
          .join(' ')} on this machine (others share it)`,
      );
      console.log(
        `      gateway alone (GET /.well-known/gpc.json): ${trivial.perSecond.toFixed(0)}/s, p50 ${trivial.p50Ms.toFixed(1)} ms, p99 ${trivial.p99Ms.toFixed(1)} ms, 5xx ${trivial.errors5xx}`,
      );
      console.log(
        `      ${load.perSecond.toFixed(0)} beacons/s, p50 ${load.p50Ms.toFixed(1)} ms, p99 ${load.p99Ms.toFixed(1)} ms, 5xx ${load.errors5xx}; bundle ${(bundle.bytes / 1000).toFixed(1)} KB; lookup ${median(rounds).toFixed(2)} µs`,
      );
      console.log(
        `      the queue drained into the table ${drainSeconds.toFixed(1)} s after the load stopped (the aggregator adds a batch of up to 500 in a few updates)`,
      );
      console.log(
        `      bare UpdateItem ${raw.perSecond.toFixed(0)}/s on the same DynamoDB Local; ratio beacons/UpdateItem ${(load.perSecond / raw.perSecond).toFixed(2)}`,
      );
      console.log(
        check(
          `beacons/s ${load.perSecond.toFixed(0)} ≥ ${BEACONS_PER_SECOND_BUDGET}`,
          load.perSecond >= BEACONS_PER_SECOND_BUDGET,
        ),
      );
      console.log(
        check(`5xx: ${load.errors5xx}; 204: ${load.accepted}/${BEACONS}`, load.errors5xx === 0 && load.accepted === BEACONS),
      );
      results.analytics = {
        bundleBytes: bundle.bytes,
        scriptGzipBytes: scriptGzip,
        load,
        gatewayAlone: trivial,
        drainSeconds,
        loadAverage: loadavg(),
        rawUpdateItem: raw,
        ratio: load.perSecond / raw.perSecond,
      };
    } finally {
      client.close();
      await stack.stop();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('bench/analytics.ts')) {
  let failures = 0;
  const results: Record<string, unknown> = {};
  await benchAnalytics((label, ok) => {
    if (!ok) failures += 1;
    return `${ok ? 'PASS' : 'FAIL'}  ${label}`;
  }, results);
  console.log(`\nBENCH_ANALYTICS ${JSON.stringify(results)}`);
  process.exit(failures === 0 ? 0 : 1);
}
