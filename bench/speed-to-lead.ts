import { median } from './cold-load.js';
import { inFlight, percentile } from './throughput.js';

/** One email as aws-ses-v2-local's store gives it (the fields the bench reads). */
interface StoredEmail {
  destination: { to: string[] };
  body: { text?: string };
}

/** Speed to lead at one concurrency: from each 201 to its acknowledgement and to its sales notification. */
export interface SpeedToLead {
  inquiries: number;
  concurrency: number;
  /** Inquiries accepted per second while they were being sent. */
  acceptedPerSecond: number;
  /**
   * Whether the follow-ups keep up, over one window: from the 201 of the first quarter's last
   * inquiry (once the pipeline has filled) to the last 201. In that window, inquiries accepted per
   * second, and follow-up emails (acknowledgements and sales notifications, two owed per
   * inquiry) that reached the mail store per second: a consumer that keeps up sends twice the
   * accepted rate, and its backlog stays as it was.
   */
  window: { seconds: number; acceptedPerSecond: number; followUpsPerSecond: number };
  /** Follow-ups owed and not yet in the mail store at the window's start and at its end. */
  backlog: { atStart: number; atEnd: number };
  acknowledgement: { p50Ms: number; p99Ms: number };
  salesNotification: { p50Ms: number; p99Ms: number };
  /** Follow-ups that never arrived within the wait. */
  missing: number;
}

const POLL_MS = 5;

/**
 * The local mail store (aws-ses-v2-local's, in the bench's own process): read in place, because
 * fetching the whole store over HTTP every few milliseconds would load the very process that
 * sends the mail.
 */
export interface MailStore {
  emails(): readonly StoredEmail[];
  clear(): void;
}

/**
 * Sends `total` inquiries through the local gateway with `concurrency` in flight, each from its
 * own client address (so the per-IP caps hold nothing back) and with its own mailbox, and watches
 * the local mail store: the time from each 201 to the first sight of its acknowledgement (to the
 * inquirer) and of its new-lead email (to the sales address, which names the inquiry id).
 */
export async function measureSpeedToLead(
  urls: { api: string },
  mail: MailStore,
  options: { total: number; concurrency: number; run: string; salesAddress: string; waitMs?: number },
): Promise<SpeedToLead> {
  const { total, concurrency, run, salesAddress } = options;
  mail.clear();
  const acceptedAt = new Map<number, number>();
  const inquiryIds = new Map<string, number>();
  const ackAt = new Map<number, number>();
  const salesAt = new Map<number, number>();
  const mailboxOf = (index: number) => `lead.${run}.${index}@example.com`;
  const indexByMailbox = new Map(Array.from({ length: total }, (_, index) => [mailboxOf(index), index]));
  let sending = true;
  let seen = 0;

  const look = () => {
    const emails = mail.emails();
    const now = performance.now();
    for (const email of emails.slice(seen)) {
      const to = email.destination.to.map((address) => address.replace(/^.*</, '').replace(/>.*$/, ''));
      const acknowledged = to.map((address) => indexByMailbox.get(address)).find((index) => index !== undefined);
      if (acknowledged !== undefined && !ackAt.has(acknowledged)) ackAt.set(acknowledged, now);
      if (to.includes(salesAddress)) {
        const id = /Inquiry id: (\S+)/.exec(email.body.text ?? '')?.[1];
        const index = id ? inquiryIds.get(id) : undefined;
        if (index !== undefined && !salesAt.has(index)) salesAt.set(index, now);
      }
    }
    seen = emails.length;
  };
  const watcher = (async () => {
    const deadline = () => performance.now() + (options.waitMs ?? 30_000);
    let giveUpAt = Number.POSITIVE_INFINITY;
    while (sending || (ackAt.size + salesAt.size < 2 * acceptedAt.size && performance.now() < giveUpAt)) {
      if (!sending && giveUpAt === Number.POSITIVE_INFINITY) giveUpAt = deadline();
      look();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();

  const started = performance.now();
  await inFlight(total, concurrency, async (index) => {
    const response = await fetch(`${urls.api}/inquiries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${run.length % 250}.${index >> 8}.${index & 255}` },
      body: JSON.stringify({ name: `Lead ${index}`, email: mailboxOf(index), topic: 'demo', message: 'Speed to lead' }),
    });
    const body = (await response.json()) as { inquiryId?: string };
    if (response.status === 201 && body.inquiryId) {
      acceptedAt.set(index, performance.now());
      inquiryIds.set(body.inquiryId, index);
    }
  });
  const accepted = [...acceptedAt.values()].sort((a, b) => a - b);
  const lastAccepted = accepted.at(-1) ?? started;
  const acceptedSeconds = (lastAccepted - started) / 1000;
  sending = false;
  await watcher;
  const arrivals = [...ackAt.values(), ...salesAt.values()];
  const windowStart = accepted[Math.floor(accepted.length / 4)] ?? started;
  const windowSeconds = (lastAccepted - windowStart) / 1000;
  const count = (times: number[], from: number, to: number) => times.filter((at) => at > from && at <= to).length;
  const owedBy = (at: number) => 2 * count(accepted, -Infinity, at) - count(arrivals, -Infinity, at);
  const delays = (arrivals: Map<number, number>) =>
    [...arrivals].map(([index, at]) => at - (acceptedAt.get(index) ?? at)).filter((ms) => ms >= 0);
  const ack = delays(ackAt);
  const sales = delays(salesAt);
  return {
    inquiries: acceptedAt.size,
    concurrency,
    acceptedPerSecond: acceptedAt.size / acceptedSeconds,
    window: {
      seconds: windowSeconds,
      acceptedPerSecond: count(accepted, windowStart, lastAccepted) / windowSeconds,
      followUpsPerSecond: count(arrivals, windowStart, lastAccepted) / windowSeconds,
    },
    backlog: { atStart: owedBy(windowStart), atEnd: owedBy(lastAccepted) },
    acknowledgement: { p50Ms: median(ack), p99Ms: percentile(ack, 99) },
    salesNotification: { p50Ms: median(sales), p99Ms: percentile(sales, 99) },
    missing: 2 * acceptedAt.size - ackAt.size - salesAt.size,
  };
}
