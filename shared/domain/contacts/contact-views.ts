import { CHANNELS, TOPICS } from '../consent.js';
import type { Channel, Topic } from '../consent.js';
import type {
  ContactFile,
  ContactProfile,
  InquiryEntry,
  LedgerEntry,
  MessageEntry,
  SupportRequestEntry,
} from '../../ports/contact-records.js';
import type { SubmittedDetails } from '../../ports/staff-reads.js';
import type { MaskingLens } from './masking-policy.js';

/**
 * The shapes the contacts routes answer with, each built only through a masking lens: no value of
 * a personal field reaches a response but through `lens.disclose`.
 */

/** Leaves out the keys whose value is undefined, so that a hidden field is absent, not null. */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/** A contact as a list or a search shows it. */
export interface ContactView {
  id: string;
  name?: string;
  email?: string;
  phone?: string;
  companyName?: string;
  dealershipType?: string;
  createdAt?: string;
  updatedAt?: string;
}

export function contactView(profile: ContactProfile, lens: MaskingLens): ContactView {
  return defined({
    id: profile.contactId,
    name: lens.disclose('name', profile.name),
    email: lens.disclose('email', profile.email),
    phone: lens.disclose('phone', profile.phone),
    companyName: lens.disclose('companyName', profile.companyName),
    dealershipType: profile.dealershipType,
    createdAt: profile.createdAt,
    updatedAt: profile.updatedAt,
  });
}

/** What an inquiry or a support request carried, through the lens. */
export function submittedView(submitted: SubmittedDetails, lens: MaskingLens): SubmittedDetails {
  return defined({
    name: lens.disclose('name', submitted.name),
    email: lens.disclose('email', submitted.email),
    phone: lens.disclose('phone', submitted.phone),
    companyName: lens.disclose('companyName', submitted.companyName),
    dealershipType: submitted.dealershipType,
  });
}

/** The current preferences of one address: what it receives, and what holds for it whoever holds it. */
export interface AddressPreferencesView {
  address?: string;
  topics: Record<Topic, boolean>;
  suppressed: boolean;
  /** Email only: unsubscribed from all email, service notices included. */
  optedOutOfAllEmail?: boolean;
  /** SMS only: the number texted STOP. */
  stopped?: boolean;
}

export function preferencesView(file: ContactFile, lens: MaskingLens): Partial<Record<Channel, AddressPreferencesView>> {
  const views: Partial<Record<Channel, AddressPreferencesView>> = {};
  for (const channel of CHANNELS) {
    const address = channel === 'email' ? file.profile.email : file.profile.phone;
    if (address === undefined) continue;
    const status = file.addressStatus[channel] ?? { suppressed: false, stopped: false };
    views[channel] = defined({
      address: lens.disclose(channel === 'email' ? 'email' : 'phone', address),
      topics: Object.fromEntries(
        TOPICS.map((topic) => [topic, file.consent.preferences[`${channel}:${topic}`] === true]),
      ) as Record<Topic, boolean>,
      suppressed: status.suppressed,
      ...(channel === 'email' ? { optedOutOfAllEmail: file.consent.emailOptOutAll } : { stopped: status.stopped }),
    });
  }
  return views;
}

export function ledgerView(entry: LedgerEntry, lens: MaskingLens): Record<string, unknown> {
  return defined({
    channel: entry.channel,
    topics: entry.topics,
    action: entry.action,
    allOfChannel: entry.allOfChannel,
    source: entry.source,
    at: entry.at,
    ip: lens.disclose('network', entry.ip),
    userAgent: lens.disclose('network', entry.userAgent),
    pageUrl: lens.disclose('freeText', entry.pageUrl),
    policyVersion: entry.policyVersion,
    wordingHash: entry.wordingHash,
    reason: lens.disclose('freeText', entry.reason),
  });
}

export function inquiryView(inquiry: InquiryEntry, lens: MaskingLens): Record<string, unknown> {
  const { visit } = inquiry;
  return defined({
    inquiryId: inquiry.inquiryId,
    topic: inquiry.topic,
    message: lens.disclose('freeText', inquiry.message),
    pageUrl: lens.disclose('freeText', inquiry.pageUrl),
    submitted: submittedView(inquiry.submitted, lens),
    visit: defined({
      receivedAt: visit.receivedAt,
      ip: lens.disclose('network', visit.ip),
      userAgent: lens.disclose('network', visit.userAgent),
      browser: visit.browser,
      browserVersion: visit.browserVersion,
      os: visit.os,
      language: visit.language,
    }),
  });
}

export function supportRequestView(request: SupportRequestEntry, lens: MaskingLens): Record<string, unknown> {
  return defined({
    ticketId: request.ticketId,
    subject: lens.disclose('freeText', request.subject),
    message: lens.disclose('freeText', request.message),
    submitted: submittedView(request.submitted, lens),
    receivedAt: request.receivedAt,
    status: request.status,
    flags: request.flags,
  });
}

/** The message log holds no address or content: it passes as it is. */
export function messageView(message: MessageEntry): Record<string, unknown> {
  return defined({ ...message });
}

/** One contact, whole, as `GET /admin/contacts/{id}` answers. */
export interface ContactDetailView {
  id: string;
  profile: ContactView;
  preferences: Partial<Record<Channel, AddressPreferencesView>>;
  ledger: Record<string, unknown>[];
  inquiries: Record<string, unknown>[];
  supportRequests: Record<string, unknown>[];
  messages: Record<string, unknown>[];
}

export function contactDetailView(file: ContactFile, lens: MaskingLens): ContactDetailView {
  return {
    id: file.profile.contactId,
    profile: contactView(file.profile, lens),
    preferences: preferencesView(file, lens),
    ledger: file.ledger.map((entry) => ledgerView(entry, lens)),
    inquiries: file.inquiries.map((inquiry) => inquiryView(inquiry, lens)),
    supportRequests: file.supportRequests.map((request) => supportRequestView(request, lens)),
    messages: file.messages.map(messageView),
  };
}
