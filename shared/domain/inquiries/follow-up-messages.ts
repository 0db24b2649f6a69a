import { escapeHtml } from '../html.js';
import type { Brand, EmailBody, SmsBody } from '../messages.js';
import type { Recipient } from '../../ports/recipient-directory.js';
import type { InquiryTopic } from './inquiry.js';

const TOPIC_LABELS: Record<InquiryTopic, string> = {
  demo: 'a demo',
  pricing: 'pricing',
  support: 'support',
  general: 'your question',
};

/** The acknowledgement to the person who sent an inquiry. */
export function acknowledgementEmail(brand: Brand, name: string | undefined, topic: InquiryTopic): EmailBody {
  const greeting = name ? `Hi ${name},` : 'Hello,';
  const lines = [
    `Thank you for contacting ${brand.brandName} about ${TOPIC_LABELS[topic]}. We have your inquiry and someone from our team will reply within one business day.`,
    `If you need us sooner, write to ${brand.supportEmail} or call ${brand.supportPhone}.`,
  ];
  return {
    subject: `We received your inquiry - ${brand.brandName}`,
    text: [greeting, '', ...lines].join('\n'),
    html: `<p>${escapeHtml(greeting)}</p>${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('')}`,
  };
}

/**
 * The SMS opt-in confirmation (CTIA): brand, what and how often, rates, HELP and STOP. The gate
 * adds nothing that this text already says.
 */
export function smsOptInConfirmation(brand: Brand, messagesPerMonth: number): SmsBody {
  return {
    text:
      `${brand.brandName}: You're subscribed to texts with updates and offers. Up to ${messagesPerMonth} msgs/mo. ` +
      'Msg & data rates may apply. Reply HELP for help, STOP to opt out.',
  };
}

/** What the sales team needs to follow up a lead. */
export interface LeadDetails {
  inquiryId: string;
  topic: InquiryTopic;
  message?: string;
  pageUrl?: string;
  companyName?: string;
  dealershipType?: string;
  receivedAt: string;
}

/** The new-lead notification to the configured sales mailbox. */
export function salesNotificationEmail(brand: Brand, contact: Recipient | undefined, lead: LeadDetails): EmailBody {
  const rows: [string, string | undefined][] = [
    ['Name', contact?.name],
    ['Email', contact?.email],
    ['Phone', contact?.phone],
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
