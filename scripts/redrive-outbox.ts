/**
 * Re-drives the outbox: sends again what inquiries still owe, read from the inquiry items the
 * table keeps (the outbox DLQ holds only batch metadata, and stream records expire after 24 h).
 *
 *   npx tsx scripts/redrive-outbox.ts --from 2026-05-01 --to 2026-05-02 [--dry-run]
 *
 * Run it with the outbox functions' environment (TABLE_NAME, APP_SECRET_ARN, SENDER_ADDRESS…, as
 * in the outbox-email function's configuration) and credentials allowed what those functions may
 * do. For each inquiry received on those UTC days (both inclusive), each follow-up it owes whose
 * send record is missing or unsettled (failed, or a claim that was never marked sent) goes back
 * through the same use case as the outbox consumers. Every send is keyed, so a run twice, or a
 * run beside a stream that recovered, sends nothing twice; the send gate checks consent,
 * suppression and quiet hours again.
 */
import { pathToFileURL } from 'node:url';
import type { Channel } from '../shared/domain/consent.js';
import type { FollowUp } from '../shared/domain/inquiries/inquiry.js';
import { FOLLOW_UP_CHANNEL } from '../shared/domain/inquiries/send-follow-ups.js';
import type { OutboxInquiry } from '../shared/domain/inquiries/send-follow-ups.js';

/** Send-record statuses that settle a follow-up: sent, or a decision not to send. */
const SETTLED = /^(sent|skipped_|deferred_)/;

export interface RedriveDeps {
  /** The inquiries received on one UTC day (`YYYY-MM-DD`). */
  inquiriesOn(day: string): AsyncIterable<OutboxInquiry>;
  /** The status of one send record, or undefined when there is none. */
  sendStatus(contactId: string, dedupeKey: string): Promise<string | undefined>;
  /** Sends an inquiry's follow-ups on one channel, as that channel's outbox consumer does. */
  sendFollowUps(channel: Channel, inquiry: OutboxInquiry): Promise<unknown>;
}

export interface RedriveReport {
  inquiries: number;
  redriven: { inquiryId: string; followUps: FollowUp[] }[];
  failed: { inquiryId: string; error: string }[];
}

/** The UTC days from `from` to `to`, both inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = new Date(`${from}T00:00:00Z`); day <= new Date(`${to}T00:00:00Z`); day.setUTCDate(day.getUTCDate() + 1)) {
    days.push(day.toISOString().slice(0, 10));
  }
  return days;
}

/** The contact whose message record keeps a follow-up's send. */
function recordHolder(inquiry: OutboxInquiry, followUp: FollowUp): string | undefined {
  if (followUp === 'acknowledgement') return inquiry.holders.email;
  if (followUp === 'sms_opt_in_confirmation') return inquiry.holders.sms;
  return inquiry.contactId;
}

/** Finds the follow-ups not yet settled in the range and sends them again, channel by channel. */
export async function redriveOutbox(
  deps: RedriveDeps,
  range: { from: string; to: string; dryRun?: boolean },
): Promise<RedriveReport> {
  const report: RedriveReport = { inquiries: 0, redriven: [], failed: [] };
  for (const day of daysBetween(range.from, range.to)) {
    for await (const inquiry of deps.inquiriesOn(day)) {
      report.inquiries += 1;
      const owed: FollowUp[] = [];
      for (const followUp of inquiry.followUps) {
        const holder = recordHolder(inquiry, followUp);
        const status = holder ? await deps.sendStatus(holder, `inquiry#${inquiry.inquiryId}#${followUp}`) : 'skipped_no_address';
        if (!status || !SETTLED.test(status)) owed.push(followUp);
      }
      if (owed.length === 0) continue;
      report.redriven.push({ inquiryId: inquiry.inquiryId, followUps: owed });
      if (range.dryRun) continue;
      for (const channel of new Set(owed.map((followUp) => FOLLOW_UP_CHANNEL[followUp]))) {
        try {
          await deps.sendFollowUps(channel, { ...inquiry, followUps: owed.filter((f) => FOLLOW_UP_CHANNEL[f] === channel) });
        } catch (error) {
          report.failed.push({ inquiryId: inquiry.inquiryId, error: error instanceof Error ? error.name : 'UnknownError' });
        }
      }
    }
  }
  return report;
}

/** The script: the table's inquiries by day (the gsi1 day index) and the outbox consumers' own wiring. */
async function main(argv: readonly string[]): Promise<void> {
  const option = (name: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const from = option('from');
  const to = option('to') ?? from;
  if (!from || !to || !/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) {
    throw new Error('Usage: redrive-outbox --from YYYY-MM-DD [--to YYYY-MM-DD] [--dry-run]');
  }
  const { GetItemCommand, QueryCommand } = await import('@aws-sdk/client-dynamodb');
  const { marshall, unmarshall } = await import('@aws-sdk/util-dynamodb');
  const { dynamoDbClient } = await import('../shared/adapters/dynamodb/client.js');
  const { keys } = await import('../shared/adapters/dynamodb/keys.js');
  const { outboxInquiryOfItem } = await import('../shared/adapters/dynamodb/inquiry-store.js');
  const { runtimeConfig } = await import('../shared/config.js');
  const { sendInquiryFollowUps } = await import('../shared/domain/inquiries/send-follow-ups.js');
  const { emailGate, followUpDeps, smsGate } = await import('../shared/wiring.js');
  const config = runtimeConfig();
  const followUps = {
    email: followUpDeps(config, ['email'], emailGate(config)),
    sms: followUpDeps(config, ['sms'], smsGate(config)),
  };
  const report = await redriveOutbox(
    {
      async *inquiriesOn(day) {
        let startKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
        do {
          const page = await dynamoDbClient.send(
            new QueryCommand({
              TableName: config.TABLE_NAME,
              IndexName: 'gsi1',
              KeyConditionExpression: 'gsi1pk = :day',
              ExpressionAttributeValues: marshall({ ':day': keys.inquiriesByDay(day) }),
              ExclusiveStartKey: startKey,
            }),
          );
          for (const item of page.Items ?? []) yield outboxInquiryOfItem(unmarshall(item));
          startKey = page.LastEvaluatedKey;
        } while (startKey);
      },
      async sendStatus(contactId, dedupeKey) {
        const result = await dynamoDbClient.send(
          new GetItemCommand({
            TableName: config.TABLE_NAME,
            Key: marshall(keys.message(contactId, dedupeKey)),
            ConsistentRead: true,
          }),
        );
        const status = result.Item ? unmarshall(result.Item).status : undefined;
        return typeof status === 'string' ? status : undefined;
      },
      sendFollowUps: (channel, inquiry) => sendInquiryFollowUps(followUps[channel === 'sms' ? 'sms' : 'email'], inquiry),
    },
    { from, to, dryRun: argv.includes('--dry-run') },
  );
  // Ids and counts only: no address leaves the script.
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (report.failed.length > 0) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
