/**
 * Paces sends to a rate (SES's maximum send rate, shared between the concurrent senders): each
 * call waits until its emails fit, so that over any stretch the rate holds.
 */
export function createPacer(
  emailsPerSecond: number,
  now: () => number = Date.now,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): (emails: number) => Promise<void> {
  let nextFreeAt = 0;
  return async (emails) => {
    const start = Math.max(now(), nextFreeAt);
    nextFreeAt = start + (emails / emailsPerSecond) * 1000;
    const wait = start - now();
    if (wait > 0) await sleep(wait);
  };
}
