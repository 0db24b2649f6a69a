import { describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { confirmEmailOptIn, drainOutbox, postJson, uniqueEmail } from './local-stack.js';

/**
 * SPEC §2: nothing a visitor gets back tells them whether an address is known, "not its timing".
 * `POST /subscriptions` is timed for four classes of address, interleaved round by round in a
 * shuffled order so that drift in the machine's load falls on every class alike:
 * - new: a fresh address each sample;
 * - known: signed up before (its confirmation is pending);
 * - opted in: signed up and confirmed by its link;
 * - suppressed: signed up, then hard-bounced.
 *
 * The test fails when a class's median differs from the new class's median by more than
 *
 *   TOLERANCE_MS + 3 × noise,   noise = 1.4826 × 1.2533 × √(MAD_new² + MAD_class²) / √n
 *
 * where MAD is a class's median absolute deviation (median of |sample − the class's median|) and
 * n the samples per class. 1.4826 × MAD estimates a sample's standard deviation, 1.2533 × σ/√n is
 * the standard error of a median, and the root of the sum of squares is that of a difference of
 * two medians: `noise` is how far apart two medians of equal work wander, and three of it plus
 * 10 ms is the allowance. (Three MADs of single requests would allow 50 ms or more on a loaded
 * machine, wider than the 40 ms an opted-in address used to save.)
 */

const SAMPLES = 25;
const WARM_UP = 3;
const TOLERANCE_MS = 10;

type AddressClass = 'new' | 'known' | 'opted_in' | 'suppressed';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const mad = (values: number[]) => {
  const centre = median(values);
  return median(values.map((value) => Math.abs(value - centre)));
};

const shuffled = <T>(values: T[]): T[] => {
  const copy = [...values];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
};

async function subscribe(email: string): Promise<number> {
  const response = await postJson('/subscriptions', { email, topics: ['newsletter'] });
  await response.text();
  expect(response.status).toBe(202);
  return response.status;
}

async function timedSubscribe(email: string): Promise<number> {
  const started = performance.now();
  const response = await postJson('/subscriptions', { email, topics: ['newsletter'] });
  const body = (await response.json()) as unknown;
  const elapsed = performance.now() - started;
  expect(response.status).toBe(202);
  expect(body).toEqual({ status: 'pending_confirmation' });
  return elapsed;
}

describe('POST /subscriptions takes the same time whatever the address', () => {
  it('answers new, known, opted-in and suppressed addresses within noise of each other', async () => {
    // Arrange: one address of each class but new, which is fresh each sample
    const known = uniqueEmail('timing-known');
    const optedIn = uniqueEmail('timing-opted-in');
    const suppressed = uniqueEmail('timing-suppressed');
    for (const email of [known, optedIn, suppressed]) await subscribe(email);
    expect(await confirmEmailOptIn(optedIn)).toBe(200);
    const bounce = await postJson('/_local/ses/events', { type: 'bounce', bounceType: 'Permanent', email: suppressed });
    expect(bounce.status).toBe(200);
    await drainOutbox();
    const addressOf: Record<AddressClass, () => string> = {
      new: () => uniqueEmail('timing-new'),
      known: () => known,
      opted_in: () => optedIn,
      suppressed: () => suppressed,
    };
    const classes = Object.keys(addressOf) as AddressClass[];
    for (let round = 0; round < WARM_UP; round += 1) for (const name of classes) await timedSubscribe(addressOf[name]());
    await drainOutbox();

    // Act: interleaved rounds; the outbox is drained between rounds, outside the timings
    const samples: Record<AddressClass, number[]> = { new: [], known: [], opted_in: [], suppressed: [] };
    for (let round = 0; round < SAMPLES; round += 1) {
      for (const name of shuffled(classes)) {
        samples[name].push(await timedSubscribe(addressOf[name]()));
        // Only a new address queues a confirmation here; it is sent before the next timing starts.
        if (name === 'new') await drainOutbox();
      }
    }

    // Assert
    const baseline = median(samples.new);
    const report = classes.map((name) => {
      const noise = (1.4826 * 1.2533 * Math.hypot(mad(samples.new), mad(samples[name]))) / Math.sqrt(samples[name].length);
      return {
        name,
        median: Math.round(median(samples[name]) * 10) / 10,
        difference: Math.round((median(samples[name]) - baseline) * 10) / 10,
        allowed: Math.round((TOLERANCE_MS + 3 * noise) * 10) / 10,
      };
    });
    for (const row of report)
      expect({ ...row, within: Math.abs(row.difference) <= row.allowed }).toEqual({ ...row, within: true });
  }, 60_000);
});
