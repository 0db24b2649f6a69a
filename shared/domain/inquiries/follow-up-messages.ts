import { escapeHtml } from '../html.js';
import type { Brand, EmailBody, SmsBody } from '../messages.js';
import type { InquiryTopic, OptInMode } from './inquiry.js';

const TOPIC_LABELS: Record<InquiryTopic, string> = {
  demo: 'a demo',
  pricing: 'pricing',
  support: 'support',
  general: 'your question',
};

/**
 * The greeting's name: the first word of the name only, so that a form cannot put a sentence of
 * its own choosing at the top of an email we send to someone else's address.
 */
export function firstName(name: string | undefined): string | undefined {
  // By code points, so that the cut never leaves half of a surrogate pair.
  const first = Array.from(name?.trim().split(/\s+/)[0] ?? '')
    .slice(0, 40)
    .join('');
  return first ? first : undefined;
}

/**
 * The acknowledgement to the person who sent an inquiry. It repeats nothing from the form but
 * the first name, and under double opt-in carries the link that confirms the email consent.
 */
export function acknowledgementEmail(
  brand: Brand,
  name: string | undefined,
  topic: InquiryTopic,
  confirmUrl?: string,
): EmailBody {
  const first = firstName(name);
  const greeting = first ? `Hi ${first},` : 'Hello,';
  const lines = [
    `Thank you for contacting ${brand.brandName} about ${TOPIC_LABELS[topic]}. We have your inquiry and someone from our team will reply within one business day.`,
    `If you need us sooner, write to ${brand.supportEmail} or call ${brand.supportPhone}.`,
  ];
  const consent = 'You asked to receive our newsletter, product updates and offers by email. Nothing is sent until you confirm:';
  const ignore = 'If you did not ask for this, ignore this email and you will hear nothing more.';
  return {
    subject: `We received your inquiry - ${brand.brandName}`,
    text: [greeting, '', ...lines, ...(confirmUrl ? ['', consent, confirmUrl, ignore] : [])].join('\n'),
    html:
      `<p>${escapeHtml(greeting)}</p>${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('')}` +
      (confirmUrl
        ? `<p>${escapeHtml(consent)} <a href="${escapeHtml(confirmUrl)}">Confirm my subscription</a></p><p>${escapeHtml(ignore)}</p>`
        : ''),
  };
}

/**
 * The SMS opt-in text (CTIA): brand, what and how often, rates, HELP and STOP. Under double opt-in
 * it asks the number to reply YES, and nothing but that reply grants SMS consent.
 */
export function smsOptInConfirmation(brand: Brand, messagesPerMonth: number, mode: OptInMode = 'double'): SmsBody {
  const what = `texts with updates and offers. Up to ${messagesPerMonth} msgs/mo. Msg & data rates may apply.`;
  return {
    text:
      mode === 'double'
        ? `${brand.brandName}: Reply YES to get ${what} Reply HELP for help, STOP to opt out.`
        : `${brand.brandName}: You're subscribed to ${what} Reply HELP for help, STOP to opt out.`,
  };
}

/** What the sales team needs to follow up a lead. */
export interface LeadDetails {
  inquiryId: string;
  /** What the form said; it may differ from what the contacts holding its addresses say. */
  name?: string;
  email?: string;
  phone?: string;
  topic: InquiryTopic;
  message?: string;
  pageUrl?: string;
  companyName?: string;
  dealershipType?: string;
  receivedAt: string;
}

/** The new-lead notification to the configured sales mailbox, with what the inquiry carried. */
export function salesNotificationEmail(brand: Brand, lead: LeadDetails): EmailBody {
  const rows: [string, string | undefined][] = [
    ['Name', lead.name],
    ['Email', lead.email],
    ['Phone', lead.phone],
    ['Company', lead.companyName],
    ['Dealership type', lead.dealershipType],
    ['Topic', lead.topic],
    ['Page', lead.pageUrl],
    ['Received', lead.receivedAt],
    ['Inquiry id', lead.inquiryId],
  ];
  const present = rows.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '');
  const message = lead.message ?? '(no message)';
  return {
    subject: `New ${lead.topic} inquiry${lead.companyName ? ` from ${lead.companyName}` : ''}`,
    text: [...present.map(([label, value]) => `${label}: ${value}`), '', message].join('\n'),
    html:
      `<table>${present.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>` +
      `<p style="white-space:pre-wrap">${escapeHtml(message)}</p>`,
  };
}
