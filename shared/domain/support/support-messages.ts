import { escapeHtml } from '../html.js';
import { firstName } from '../inquiries/follow-up-messages.js';
import type { Brand, EmailBody, SmsBody } from '../messages.js';
import { FLAG_LABELS } from './privacy-flags.js';
import type { SupportFlag } from './support-request.js';

/**
 * The acknowledgement email to the person who sent a support request. It names the ticket and
 * repeats nothing from the form but the first name, never the subject or the message: anyone can
 * type anyone's address into the form, and this email must not carry their words to it.
 */
export function supportAcknowledgementEmail(brand: Brand, name: string | undefined, ticketId: string): EmailBody {
  const first = firstName(name);
  const greeting = first ? `Hi ${first},` : 'Hello,';
  const lines = [
    `Thank you for contacting ${brand.brandName} support. We have your request, and its ticket number is ${ticketId}.`,
    'Someone from our support team will reply within one business day. Please quote the ticket number if you write to us about it.',
    `If you need us sooner, write to ${brand.supportEmail} or call ${brand.supportPhone}.`,
    'If you did not send this request, you can ignore this email.',
  ];
  return {
    subject: `We received your support request ${ticketId} - ${brand.brandName}`,
    text: [greeting, '', ...lines].join('\n'),
    html: `<p>${escapeHtml(greeting)}</p>${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('')}`,
  };
}

/** The acknowledgement text: the ticket number only, nothing from the form (the gate adds brand and STOP wording). */
export function supportAcknowledgementSms(brand: Brand, ticketId: string): SmsBody {
  return { text: `${brand.brandName}: We received your support request, ticket ${ticketId}. Our team will reply soon.` };
}

/** What the support team needs from one request. */
export interface SupportDetails {
  ticketId: string;
  name?: string;
  email?: string;
  phone?: string;
  subject: string;
  message: string;
  receivedAt: string;
  flags: readonly SupportFlag[];
}

// Controls, format characters and line separators: a header must be one line of visible text.
const NOT_IN_A_HEADER = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]+/gu;

/** Text made safe for a header: one line, no control or invisible characters, at most `max` code points. */
export function headerText(value: string, max = 200): string {
  return Array.from(value.replace(NOT_IN_A_HEADER, ' ').replace(/\s+/g, ' ').trim()).slice(0, max).join('');
}

/**
 * The request as it reaches the configured support mailbox: the flags first in the subject, so a
 * request that starts a legal clock is seen, then what the person wrote, HTML-escaped.
 */
export function supportForwardEmail(request: SupportDetails): EmailBody {
  const flagged = request.flags.map((flag) => `[${FLAG_LABELS[flag]}] `).join('');
  const rows: [string, string | undefined][] = [
    ['Ticket', request.ticketId],
    ['Name', request.name],
    ['Email', request.email],
    ['Phone', request.phone],
    ['Received', request.receivedAt],
    ['Flags', request.flags.length > 0 ? request.flags.join(', ') : undefined],
    ['Subject', request.subject],
  ];
  const present = rows.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '');
  const notice =
    request.flags.length > 0
      ? 'This request looks like a privacy request or an opt-out: its legal clock runs from the received time above.'
      : undefined;
  return {
    subject: headerText(`${flagged}[${request.ticketId}] ${request.subject}`, 300),
    text: [...(notice ? [notice, ''] : []), ...present.map(([label, value]) => `${label}: ${value}`), '', request.message].join(
      '\n',
    ),
    html:
      (notice ? `<p><strong>${escapeHtml(notice)}</strong></p>` : '') +
      `<table>${present.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>` +
      `<p style="white-space:pre-wrap">${escapeHtml(request.message)}</p>`,
  };
}
