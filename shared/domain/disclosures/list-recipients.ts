import { RECIPIENTS } from '../../recipients.js';
import type { DataCategory, Recipient, RecipientRole } from '../../recipients.js';
import { DEFAULT_NOTICE_DAYS, usableFrom } from './advance-notice.js';

/** One recipient as `GET /admin/recipients` shows it. */
export interface RecipientView {
  id: string;
  name: string;
  role: RecipientRole;
  purpose: string;
  data: readonly DataCategory[];
  since: string;
  /** A third party: when its notice went out and from when it may receive data (absent: never announced). */
  noticeSentAt?: string;
  usableFrom?: string;
}

/** The registry as staff read it: what each recipient gets and why, without the wiring internals. */
export function listRecipients(
  registry: readonly Recipient[] = RECIPIENTS,
  noticeDays: number = DEFAULT_NOTICE_DAYS,
): RecipientView[] {
  return registry.map((recipient) => {
    const from = recipient.role === 'third_party' ? usableFrom(recipient, noticeDays) : undefined;
    return {
      id: recipient.id,
      name: recipient.name,
      role: recipient.role,
      purpose: recipient.purpose,
      data: recipient.data,
      since: recipient.since,
      ...(recipient.noticeSentAt ? { noticeSentAt: recipient.noticeSentAt } : {}),
      ...(from ? { usableFrom: from.toISOString() } : {}),
    };
  });
}

const ROLE_LABELS: Record<RecipientRole, string> = {
  processor: 'processor (on our instructions)',
  internal: 'internal mailbox',
  third_party: 'third party (after advance notice)',
};

/** The markers around the README's recipients table, which `scripts/readme-recipients.ts` rewrites. */
export const README_RECIPIENTS_MARKERS = ['<!-- recipients:start -->', '<!-- recipients:end -->'] as const;

/** The registry as the README's Markdown table; a unit test fails when the README's differs. */
export function recipientsMarkdownTable(registry: readonly Recipient[] = RECIPIENTS): string {
  const cell = (value: string) => value.replace(/\|/g, '\\|');
  return [
    '| id | recipient | role | purpose | data it receives | since |',
    '|---|---|---|---|---|---|',
    ...registry.map((recipient) =>
      [
        `\`${recipient.id}\``,
        cell(recipient.name),
        ROLE_LABELS[recipient.role],
        cell(recipient.purpose),
        recipient.data.map((category) => category.replace(/_/g, ' ')).join(', '),
        recipient.since,
      ]
        .join(' | ')
        .replace(/^/, '| ')
        .replace(/$/, ' |'),
    ),
  ].join('\n');
}
