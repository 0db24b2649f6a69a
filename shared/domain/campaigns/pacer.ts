/**
 * Paces sends to a rate (SES's maximum send rate, shared between the concurrent senders): each
 * call waits until its emails fit, so that over any stretch the rate holds. Given `latestStart`
 * (epoch ms), a call whose turn would come later reserves nothing and answers false at once, so
 * that a sender near its timeout hands the work back instead of waiting past it.
 */
export function createPacer(
  emailsPerSecond: number,
  now: () => number = Date.now,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): (emails: number, latestStart?: number) => Promise<boolean> {
  let nextFreeAt = 0;
  return async (emails, latestStart) => {
    const start = Math.max(now(), nextFreeAt);
    if (latestStart !== undefined && start > latestStart) return false;
    nextFreeAt = start + (emails / emailsPerSecond) * 1000;
    const wait = start - now();
    if (wait > 0) await sleep(wait);
    return true;
  };
}
