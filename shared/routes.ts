import type { StaffRole } from './domain/staff.js';

/** One HTTP route: the CDK stack and the local gateway both build the API from this table. */
export interface HttpRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** API Gateway resource path, with `{param}` segments. */
  path: string;
  /** The function that serves it: its entry file, relative to the repository root. */
  entry: string;
  /** Public routes are open and rate-limited by WAF; staff routes need a Cognito token. */
  access: 'public' | 'staff';
  /** For staff routes: the roles the handler allows (the handler enforces them too). */
  roles?: readonly StaffRole[];
}

/** Every route of the public and admin API. */
export const HTTP_ROUTES: readonly HttpRoute[] = [
  { method: 'POST', path: '/inquiries', entry: 'functions/inquiries/submit.ts', access: 'public' },
  { method: 'GET', path: '/preferences', entry: 'functions/preferences/page.ts', access: 'public' },
  { method: 'POST', path: '/preferences', entry: 'functions/preferences/page.ts', access: 'public' },
  { method: 'GET', path: '/p/{code}', entry: 'functions/preferences/short-link.ts', access: 'public' },
  { method: 'POST', path: '/subscriptions', entry: 'functions/subscriptions/request.ts', access: 'public' },
  { method: 'GET', path: '/subscriptions/confirm', entry: 'functions/subscriptions/confirm.ts', access: 'public' },
  { method: 'POST', path: '/subscriptions/confirm', entry: 'functions/subscriptions/confirm.ts', access: 'public' },
  { method: 'GET', path: '/policy', entry: 'functions/policy/current.ts', access: 'public' },
  { method: 'GET', path: '/unsubscribe', entry: 'functions/unsubscribe/page.ts', access: 'public' },
  { method: 'POST', path: '/unsubscribe', entry: 'functions/unsubscribe/page.ts', access: 'public' },
  {
    method: 'GET',
    path: '/admin/inquiries',
    entry: 'functions/admin/list-inquiries.ts',
    access: 'staff',
    roles: ['admin', 'sales'],
  },
  {
    method: 'POST',
    path: '/admin/campaigns',
    entry: 'functions/admin/campaigns.ts',
    access: 'staff',
    roles: ['marketing', 'admin'],
  },
  {
    method: 'GET',
    path: '/admin/campaigns/{id}',
    entry: 'functions/admin/campaigns.ts',
    access: 'staff',
    roles: ['marketing', 'admin'],
  },
  {
    method: 'POST',
    path: '/admin/campaigns/{id}/cancel',
    entry: 'functions/admin/campaigns.ts',
    access: 'staff',
    roles: ['marketing', 'admin'],
  },
  {
    method: 'POST',
    path: '/admin/policy-versions',
    entry: 'functions/admin/policy-versions.ts',
    access: 'staff',
    roles: ['admin'],
  },
];

/** What a non-HTTP function may do beyond reading and writing the table. */
export type Capability = 'send_email' | 'send_sms' | 'read_sms_opt_outs' | 'queue_campaign_work';

/** Which stream records a consumer takes: the entity is read from the new image, or the old one for REMOVE. */
export interface StreamFilter {
  events: readonly ('INSERT' | 'MODIFY' | 'REMOVE')[];
  entities: readonly string[];
}

/** True when a stream record passes a consumer's filter; the local stream runner applies it as Lambda would. */
export function passesStreamFilter(
  filter: StreamFilter,
  record: { eventName?: string; newEntity?: string; oldEntity?: string },
): boolean {
  const name = record.eventName as StreamFilter['events'][number] | undefined;
  if (!name || !filter.events.includes(name)) return false;
  const entity = name === 'REMOVE' ? record.oldEntity : record.newEntity;
  return entity !== undefined && filter.entities.includes(entity);
}

/** A function fed by a DynamoDB stream rather than by HTTP. */
export interface StreamConsumer {
  name: string;
  entry: string;
  capabilities: readonly Capability[];
  /** The records it receives (a Lambda event filter in AWS): these stream events of these entities. */
  filter: StreamFilter;
}

/** The stream consumers: the outbox, one per channel, and the campaign audience index. */
export const STREAM_CONSUMERS: readonly StreamConsumer[] = [
  {
    name: 'outbox-email',
    entry: 'functions/outbox/email.ts',
    filter: { events: ['INSERT'], entities: ['inquiry', 'outbox_message'] },
    capabilities: ['send_email'],
  },
  {
    name: 'outbox-sms',
    entry: 'functions/outbox/sms.ts',
    filter: { events: ['INSERT'], entities: ['inquiry'] },
    capabilities: ['send_sms'],
  },
  {
    name: 'audience',
    entry: 'functions/audience/index-contacts.ts',
    filter: { events: ['INSERT', 'MODIFY', 'REMOVE'], entities: ['contact'] },
    capabilities: [],
  },
];

/** A stable function name from its entry file: `functions/inquiries/submit.ts` → `InquiriesSubmit`. */
export function functionName(entry: string): string {
  return entry
    .replace(/^functions\//, '')
    .replace(/\.ts$/, '')
    .split(/[/-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** An SNS topic the stack creates, and the function subscribed to it. */
export interface TopicSubscriber {
  name: string;
  entry: string;
  /** What publishes to the topic in AWS. */
  publisher: 'sms_inbound' | 'ses_events';
  capabilities: readonly Capability[];
}

/** Functions fed by SNS: two-way SMS replies and SES bounce and complaint events. */
export const TOPIC_SUBSCRIBERS: readonly TopicSubscriber[] = [
  { name: 'sms-inbound', entry: 'functions/sms/inbound.ts', publisher: 'sms_inbound', capabilities: ['send_sms'] },
  { name: 'ses-events', entry: 'functions/email-events/ses-events.ts', publisher: 'ses_events', capabilities: [] },
];

/** A job run on a schedule (EventBridge in AWS; `POST /_local/jobs/{name}` locally). */
export interface ScheduledJob {
  name: string;
  entry: string;
  /** An EventBridge schedule expression. */
  schedule: string;
  capabilities: readonly Capability[];
}

/** The scheduled jobs. */
export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    name: 'sms-opt-out-sync',
    entry: 'functions/sms/opt-out-sync.ts',
    schedule: 'rate(1 hour)',
    capabilities: ['read_sms_opt_outs'],
  },
  {
    name: 'campaign-dispatch',
    entry: 'functions/campaigns/dispatch.ts',
    schedule: 'rate(1 minute)',
    capabilities: ['queue_campaign_work'],
  },
];

/** A function fed by one of the campaign queues. */
export interface QueueConsumer {
  name: string;
  entry: string;
  queue: 'plan' | 'email' | 'sms';
  capabilities: readonly Capability[];
}

/** The campaign queues' consumers: the planner and the two senders. */
export const QUEUE_CONSUMERS: readonly QueueConsumer[] = [
  { name: 'campaign-plan', entry: 'functions/campaigns/plan.ts', queue: 'plan', capabilities: ['queue_campaign_work'] },
  {
    name: 'campaign-email',
    entry: 'functions/campaigns/send-email.ts',
    queue: 'email',
    capabilities: ['send_email'],
  },
  {
    name: 'campaign-sms',
    entry: 'functions/campaigns/send-sms.ts',
    queue: 'sms',
    capabilities: ['send_sms', 'queue_campaign_work'],
  },
];
