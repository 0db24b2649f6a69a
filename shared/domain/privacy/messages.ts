import { escapeHtml } from '../html.js';
import type { Brand, EmailBody } from '../messages.js';
import type { ErasureSummary } from '../../ports/subject-data.js';
import type { PrivacyClocks } from './clocks.js';
import type { PrivacyRequestType } from './privacy-request.js';

/**
 * The emails a privacy request sends. Every one is transactional, goes through the send gate to
 * the contact holding the address, and never repeats what the form said (its `details`), so that
 * the form cannot relay anyone's text to anyone.
 */

const WHAT: Record<PrivacyRequestType, string> = {
  access: 'a copy of the personal data we hold under this email address',
  correction: 'a correction of the personal data we hold under this email address',
  deletion: 'the deletion of the personal data we hold under this email address',
};

const NEXT: Record<PrivacyRequestType, string> = {
  access: 'Once you confirm, we email you a link to a download of your data. The link works for 7 days.',
  correction: 'Once you confirm, our staff make the correction and email you when it is done.',
  deletion:
    'Once you confirm, we erase the data and email you a receipt. We then keep only a coded marker so that we never email this address again.',
};

/** A due date as a person reads it, in the deployment's zone: "Thursday, December 10, 2026". */
export function humanDate(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(
    new Date(instant),
  );
}

function email(subject: string, paragraphs: string[], link?: { url: string; label: string }): EmailBody {
  const text = paragraphs.flatMap((paragraph, index) =>
    index === 1 && link ? [`${link.label}: ${link.url}`, '', paragraph, ''] : [paragraph, ''],
  );
  const html = paragraphs
    .map((paragraph, index) =>
      index === 1 && link
        ? `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p><p>${escapeHtml(paragraph)}</p>`
        : `<p>${escapeHtml(paragraph)}</p>`,
    )
    .join('');
  return { subject, text: text.join('\n').trimEnd(), html };
}

/** One request an acknowledgement lists: its type, its clocks and its own confirm link. */
export interface AcknowledgedRequest {
  type: PrivacyRequestType;
  clocks: PrivacyClocks;
  confirmUrl: string;
}

/** The most requests one acknowledgement lists; the rest wait for the next one. */
export const MAX_ACKNOWLEDGED_TOGETHER = 25;

const answerBy = (clocks: PrivacyClocks, timeZone: string) =>
  `We will answer by ${humanDate(clocks.respondBy, timeZone)} at the latest (45 days from receipt); this email is our acknowledgement, due by ${humanDate(clocks.acknowledgeBy, timeZone)}.`;

/**
 * The acknowledgement: received, what happens next and by when, and the link that verifies the
 * request. One email covers every request of the address still waiting for one (a stranger's
 * decoy cannot hide the person's own request), each with its type, dates and own confirm link.
 */
export function acknowledgementEmail(brand: Brand, requests: readonly AcknowledgedRequest[], timeZone: string): EmailBody {
  const questions = `If you did not ask for this, ignore this email: nothing happens without your confirmation. Questions: ${brand.supportEmail} or ${brand.supportPhone}.`;
  const [only] = requests;
  if (requests.length === 1 && only)
    return email(
      `We received your privacy request - ${brand.brandName}`,
      [
        `We received a request for ${WHAT[only.type]} on ${humanDate(only.clocks.receivedAt, timeZone)}. To make sure it came from you, please confirm it with the link below. The link works for 7 days.`,
        NEXT[only.type],
        answerBy(only.clocks, timeZone),
        questions,
      ],
      { url: only.confirmUrl, label: 'Confirm my request' },
    );
  const intro = `We received ${requests.length} requests about the personal data we hold under this email address. Each needs its own confirmation: please confirm the ones you made with their links below, and only those. The links work for 7 days.`;
  const items = requests.map((request, index) => ({
    heading: `${index + 1}. A request for ${WHAT[request.type]}, received on ${humanDate(request.clocks.receivedAt, timeZone)}.`,
    label: `Confirm request ${index + 1}`,
    url: request.confirmUrl,
    lines: [NEXT[request.type], answerBy(request.clocks, timeZone)],
  }));
  const text = [
    intro,
    '',
    ...items.flatMap((item) => [item.heading, `${item.label}: ${item.url}`, ...item.lines, '']),
    questions,
  ].join('\n');
  const html =
    `<p>${escapeHtml(intro)}</p><ol>` +
    items
      .map(
        (item) =>
          `<li><p>${escapeHtml(item.heading.replace(/^\d+\. /, ''))}</p>` +
          `<p><a href="${escapeHtml(item.url)}">${escapeHtml(item.label)}</a></p>` +
          item.lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('') +
          '</li>',
      )
      .join('') +
    `</ol><p>${escapeHtml(questions)}</p>`;
  return { subject: `We received your privacy requests - ${brand.brandName}`, text, html };
}

/** The answer to an access request: a signed link to the export, valid 7 days. */
export function exportLinkEmail(brand: Brand, exportUrl: string): EmailBody {
  return email(
    `Your data from ${brand.brandName}`,
    [
      'You confirmed your request for a copy of the personal data we hold under this email address. Download it from the link below.',
      'The link works for 7 days and shows the data of this address only; please do not forward it.',
    ],
    { url: exportUrl, label: 'Download my data (JSON)' },
  );
}

/** The receipt of a deletion: what is erased, what is kept and why, when backups roll off. */
export function deletionReceiptEmail(brand: Brand, summary: ErasureSummary): EmailBody {
  const erased = summary.erased.map((item) => `- ${item}`);
  const kept = summary.kept.map((item) => `- ${item.what}: ${item.why}`);
  const text = [
    'You confirmed your request to delete the personal data we hold under this email address. This is your receipt.',
    '',
    'Erased:',
    ...erased,
    '',
    'Kept, and why:',
    ...kept,
    '',
    `Backups: the erased data leaves our backups ${summary.backupsRollOffBy}.`,
    '',
    'This is the last email we send to this address unless you contact us again.',
  ].join('\n');
  const list = (items: string[]) => `<ul>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
  const html =
    `<p>${escapeHtml('You confirmed your request to delete the personal data we hold under this email address. This is your receipt.')}</p>` +
    `<p>Erased:</p>${list(summary.erased)}` +
    `<p>Kept, and why:</p>${list(summary.kept.map((item) => `${item.what}: ${item.why}`))}` +
    `<p>${escapeHtml(`Backups: the erased data leaves our backups ${summary.backupsRollOffBy}.`)}</p>` +
    '<p>This is the last email we send to this address unless you contact us again.</p>';
  return { subject: `Your data has been deleted - ${brand.brandName}`, text, html };
}

/** Tells the person their request was carried out (a correction, or a request staff completed). */
export function completionEmail(brand: Brand, type: PrivacyRequestType, note: string | undefined): EmailBody {
  return email(`Your privacy request is done - ${brand.brandName}`, [
    `We have completed your request for ${WHAT[type]}.`,
    ...(note ? [`Our note: ${note}`] : []),
    `Questions: ${brand.supportEmail} or ${brand.supportPhone}.`,
  ]);
}

/** The notice of an extension: the new answer date and why (11 CCR §7021(b)). */
export function extensionEmail(brand: Brand, respondBy: string, reason: string, timeZone: string): EmailBody {
  return email(`We need more time for your privacy request - ${brand.brandName}`, [
    `We need more time to answer your privacy request. We will answer by ${humanDate(respondBy, timeZone)} at the latest.`,
    `Why: ${reason}`,
    `Questions: ${brand.supportEmail} or ${brand.supportPhone}.`,
  ]);
}
