import type { StaffRole } from './domain/staff.js';

/**
 * A DynamoDB action a function's code calls on the table. A TransactWriteItems call has no IAM
 * action of its own: IAM authorises each of its items as PutItem, UpdateItem, DeleteItem or
 * ConditionCheckItem, so a function that writes transactions lists the item kinds it writes.
 */
export type TableAction =
  'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem' | 'ConditionCheckItem';

/** The campaign queues: planning, email batches, SMS batches. */
export type CampaignQueue = 'plan' | 'email' | 'sms';
/** Every work queue: the campaign queues and the analytics queue (the beacon's counts). */
export type QueueName = CampaignQueue | 'analytics';

/**
 * Every AWS call a function's code makes, declared once beside its entry: the CDK grants exactly
 * this (and what its trigger needs), and `test/infra/least-privilege.test.ts` checks it against
 * the calls the function's bundle can issue.
 */
export interface AwsAccess {
  /** DynamoDB actions on the table (reads also on its indexes); the data key is granted to match. */
  table?: readonly TableAction[];
  /** Reads the app secret through the Parameters and Secrets extension (and decrypts it with the data key). */
  secret?: true;
  /** SES v2 calls, from the configured identity through the configured configuration set. */
  email?: readonly ('SendEmail' | 'SendBulkEmail')[];
  /** SNS calls: Publish straight to phone numbers (never to a topic), and reading the opted-out list. */
  sms?: readonly ('Publish' | 'ListPhoneNumbersOptedOut')[];
  /** The work queues it sends to. */
  sendsTo?: readonly QueueName[];
}

/**
 * A file built from the repository and shipped beside a function's bundle, which the code reads at
 * run time (`new URL('./<name>', import.meta.url)`). The CDK runs `build` after bundling and copies
 * the file into the asset; the local stack does the same into its bundle directory.
 */
export interface ShippedFile {
  /** Where `build` writes it, relative to the repository root. */
  path: string;
  /**
   * A script that builds the file when it is missing or stale: run as `tsx <build> --ensure <path>`
   * by the CDK's bundling hook, imported and its `ensure(path)` called by the local stack.
   */
  build: string;
}

/** A function's entry file and its AWS access, spread into each route it serves. */
export interface FunctionDeclaration {
  /** The function's entry file, relative to the repository root. */
  entry: string;
  aws: AwsAccess;
  /** Files shipped beside the bundle. */
  files?: readonly ShippedFile[];
}

/** The offline IP-to-network database the analytics beacon reads (`scripts/build-network-asset.ts`). */
export const NETWORK_ASSET: ShippedFile = { path: 'assets/networks.bin', build: 'scripts/build-network-asset.ts' };

/** Reads and writes of the contact model with the link-token secret: the public consent pages' access. */
const CONSENT_PAGE_ACCESS: AwsAccess = {
  table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
  secret: true,
};

const INQUIRIES_SUBMIT: FunctionDeclaration = {
  entry: 'functions/inquiries/submit.ts',
  aws: { table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'], secret: true },
};
const PREFERENCES_PAGE: FunctionDeclaration = { entry: 'functions/preferences/page.ts', aws: CONSENT_PAGE_ACCESS };
/** A short link only checks its MAC and redirects: no table. */
const PREFERENCES_SHORT_LINK: FunctionDeclaration = { entry: 'functions/preferences/short-link.ts', aws: { secret: true } };
const SUBSCRIPTIONS_REQUEST: FunctionDeclaration = {
  entry: 'functions/subscriptions/request.ts',
  aws: { table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], secret: true },
};
const SUBSCRIPTIONS_CONFIRM: FunctionDeclaration = {
  entry: 'functions/subscriptions/confirm.ts',
  aws: { table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'], secret: true },
};
/** A read-only route: it reads the policy version in force and nothing else. */
const POLICY_CURRENT: FunctionDeclaration = { entry: 'functions/policy/current.ts', aws: { table: ['Query'] } };
const UNSUBSCRIBE_PAGE: FunctionDeclaration = { entry: 'functions/unsubscribe/page.ts', aws: CONSENT_PAGE_ACCESS };
/** Reads inquiries and writes one audit entry per contact shown (BatchWriteItem). */
const ADMIN_LIST_INQUIRIES: FunctionDeclaration = {
  entry: 'functions/admin/list-inquiries.ts',
  aws: { table: ['Query', 'BatchWriteItem'] },
};
/**
 * The contacts API: reads a contact's partition, its lookups, suppressions and STOP (BatchGetItem),
 * the contacts index and the audit trail (Query); writes audit entries (BatchWriteItem), staff
 * consent (a transaction of an update and ledger puts) and corrections (a transaction that also
 * claims and releases lookups and clears pending confirmations).
 */
const ADMIN_CONTACTS: FunctionDeclaration = {
  entry: 'functions/admin/contacts.ts',
  aws: { table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'], secret: true },
};
/** Reads the audit trail, by contact or by actor (gsi1). */
const ADMIN_AUDIT: FunctionDeclaration = { entry: 'functions/admin/audit.ts', aws: { table: ['Query'] } };
/** Claims the addresses (the address book) and writes the request with its contacts in one transaction. */
const SUPPORT_REQUESTS_SUBMIT: FunctionDeclaration = {
  entry: 'functions/support/submit.ts',
  aws: { table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], secret: true },
};
/** Reads support requests by status and writes one audit entry per contact shown (BatchWriteItem). */
const ADMIN_LIST_SUPPORT_REQUESTS: FunctionDeclaration = {
  entry: 'functions/admin/list-support-requests.ts',
  aws: { table: ['Query', 'BatchWriteItem'] },
};
const ADMIN_CAMPAIGNS: FunctionDeclaration = {
  entry: 'functions/admin/campaigns.ts',
  aws: { table: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] },
};
const ADMIN_POLICY_VERSIONS: FunctionDeclaration = {
  entry: 'functions/admin/policy-versions.ts',
  aws: { table: ['Query', 'PutItem'] },
};
/**
 * Erases one contact: reads its partition (Query), writes the erasure record, rewrites and
 * tombstones (PutItem), deletes items and lookups (DeleteItem), removes one address's fields
 * (UpdateItem), and writes the audit entry and audience removals (BatchWriteItem); the address
 * salt comes from the app secret.
 */
const ADMIN_ERASE_CONTACT: FunctionDeclaration = {
  entry: 'functions/admin/erase-contact.ts',
  aws: { table: ['Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'], secret: true },
};
/** Lists the recipients registry, which is code: no AWS access. */
const ADMIN_RECIPIENTS: FunctionDeclaration = { entry: 'functions/admin/recipients.ts', aws: {} };

/**
 * The analytics beacon: the day's salt is read or created once per instance per day (GetItem,
 * conditional PutItem); each beacon's counts go on the analytics queue, which
 * `functions/analytics/aggregate.ts` adds to the table. Its bundle budget is 150 KB.
 */
const ANALYTICS_BEACON: FunctionDeclaration = {
  entry: 'functions/analytics/beacon.ts',
  aws: { table: ['GetItem', 'PutItem'], sendsTo: ['analytics'] },
  files: [NETWORK_ASSET],
};
/** The tracking script and the GPC statement: static answers, no AWS access. */
const ANALYTICS_STATIC: FunctionDeclaration = { entry: 'functions/analytics/static.ts', aws: {} };
/** The analytics report: reads the day aggregates only. */
const ADMIN_ANALYTICS: FunctionDeclaration = { entry: 'functions/admin/analytics.ts', aws: { table: ['Query'] } };

/**
 * A privacy request: one lookup read and one transaction that stores the record and queues its
 * acknowledgement (the address book and the request store bring the rest of their calls along).
 */
const PRIVACY_REQUEST: FunctionDeclaration = {
  entry: 'functions/privacy/request.ts',
  aws: { table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'], secret: true },
};
/** The confirm page reads the request and the address lookup; its POST verifies and queues the next task. */
const PRIVACY_CONFIRM: FunctionDeclaration = {
  entry: 'functions/privacy/confirm.ts',
  aws: { table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'], secret: true },
};
/** The access export: checks the link, audits (BatchWriteItem), then reads the contact's partition and audit trail. */
const PRIVACY_EXPORT: FunctionDeclaration = {
  entry: 'functions/privacy/export.ts',
  aws: { table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'], secret: true },
};
/** The privacy team's queue: lists requests (auditing shown details), completes and extends them. */
const ADMIN_PRIVACY_REQUESTS: FunctionDeclaration = {
  entry: 'functions/admin/privacy-requests.ts',
  aws: { table: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'BatchWriteItem'] },
};

/** Who may call a route: anyone (rate-limited by WAF), or staff in at least one of the listed roles. */
export type RouteAccess =
  | { access: 'public'; roles?: never }
  /** A staff route names its roles: a route without roles does not type-check, and `routeRoles` refuses it at synth and start. */
  | { access: 'staff'; roles: readonly [StaffRole, ...StaffRole[]] };

/**
 * What one answer of a route may hold (SPEC §2 "No sale, trade or bulk transfer"): nothing of a
 * contact's personal data; one contact's data (their own page, or one contact for staff, audited);
 * or several contacts' data only when each one shown unmasked is audited before the answer
 * leaves (paged lists). `test/unit/no-bulk-export.test.ts` walks the table, and
 * `test/integration/disclosures.test.ts` checks samples through real HTTP.
 */
export type RouteReturns = 'no_personal_data' | 'one_contact' | 'contacts_audited_per_item';

/** One HTTP route: the CDK stack, the local gateway and the handlers' role check all read it from this table. */
export type HttpRoute = {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** API Gateway resource path, with `{param}` segments. */
  path: string;
  /** The function that serves it: its entry file, relative to the repository root. */
  entry: string;
  /** The function's AWS access: the same declaration on every route the function serves (local-only routes have none). */
  aws?: AwsAccess;
  /** What one answer may hold: no bulk export of personal data (SPEC §2). */
  returns: RouteReturns;
} & RouteAccess;

/** Every route of the public and admin API. */
export const HTTP_ROUTES: readonly (HttpRoute & FunctionDeclaration)[] = [
  { method: 'POST', path: '/inquiries', ...INQUIRIES_SUBMIT, returns: 'no_personal_data', access: 'public' },
  { method: 'GET', path: '/preferences', ...PREFERENCES_PAGE, returns: 'one_contact', access: 'public' },
  { method: 'POST', path: '/preferences', ...PREFERENCES_PAGE, returns: 'one_contact', access: 'public' },
  { method: 'GET', path: '/p/{code}', ...PREFERENCES_SHORT_LINK, returns: 'no_personal_data', access: 'public' },
  { method: 'POST', path: '/subscriptions', ...SUBSCRIPTIONS_REQUEST, returns: 'no_personal_data', access: 'public' },
  { method: 'GET', path: '/subscriptions/confirm', ...SUBSCRIPTIONS_CONFIRM, returns: 'one_contact', access: 'public' },
  { method: 'POST', path: '/subscriptions/confirm', ...SUBSCRIPTIONS_CONFIRM, returns: 'one_contact', access: 'public' },
  { method: 'GET', path: '/policy', ...POLICY_CURRENT, returns: 'no_personal_data', access: 'public' },
  { method: 'GET', path: '/unsubscribe', ...UNSUBSCRIBE_PAGE, returns: 'one_contact', access: 'public' },
  { method: 'POST', path: '/unsubscribe', ...UNSUBSCRIBE_PAGE, returns: 'one_contact', access: 'public' },
  {
    method: 'GET',
    path: '/admin/inquiries',
    ...ADMIN_LIST_INQUIRIES,
    returns: 'contacts_audited_per_item',
    access: 'staff',
    roles: ['admin', 'sales'],
  },
  {
    method: 'POST',
    path: '/admin/campaigns',
    ...ADMIN_CAMPAIGNS,
    returns: 'no_personal_data',
    access: 'staff',
    roles: ['marketing', 'admin'],
  },
  {
    method: 'GET',
    path: '/admin/campaigns/{id}',
    ...ADMIN_CAMPAIGNS,
    returns: 'no_personal_data',
    access: 'staff',
    roles: ['marketing', 'admin'],
  },
  {
    method: 'POST',
    path: '/admin/campaigns/{id}/cancel',
    ...ADMIN_CAMPAIGNS,
    returns: 'no_personal_data',
    access: 'staff',
    roles: ['marketing', 'admin'],
  },
  {
    method: 'POST',
    path: '/admin/policy-versions',
    ...ADMIN_POLICY_VERSIONS,
    returns: 'no_personal_data',
    access: 'staff',
    roles: ['admin'],
  },
  { method: 'POST', path: '/events', ...ANALYTICS_BEACON, returns: 'no_personal_data', access: 'public' },
  { method: 'GET', path: '/forecourt.js', ...ANALYTICS_STATIC, returns: 'no_personal_data', access: 'public' },
  { method: 'GET', path: '/.well-known/gpc.json', ...ANALYTICS_STATIC, returns: 'no_personal_data', access: 'public' },
  {
    method: 'GET',
    path: '/admin/analytics',
    ...ADMIN_ANALYTICS,
    returns: 'no_personal_data',
    access: 'staff',
    roles: ['analyst', 'marketing', 'admin'],
  },
  {
    method: 'GET',
    path: '/admin/contacts',
    ...ADMIN_CONTACTS,
    returns: 'contacts_audited_per_item',
    access: 'staff',
    roles: ['admin', 'sales', 'support', 'marketing', 'privacy'],
  },
  {
    method: 'GET',
    path: '/admin/contacts/{id}',
    ...ADMIN_CONTACTS,
    returns: 'one_contact',
    access: 'staff',
    roles: ['admin', 'sales', 'support', 'marketing', 'privacy'],
  },
  {
    method: 'PATCH',
    path: '/admin/contacts/{id}',
    ...ADMIN_CONTACTS,
    returns: 'one_contact',
    access: 'staff',
    roles: ['admin', 'support', 'privacy'],
  },
  // Support takes the calls the policy's phone line brings ("calling 1-888…"); privacy handles requests.
  {
    method: 'POST',
    path: '/admin/contacts/{id}/consent',
    ...ADMIN_CONTACTS,
    returns: 'one_contact',
    access: 'staff',
    roles: ['admin', 'support', 'privacy'],
  },
  {
    method: 'GET',
    path: '/admin/contacts/{id}/export',
    ...ADMIN_CONTACTS,
    returns: 'one_contact',
    access: 'staff',
    roles: ['admin', 'support', 'privacy'],
  },
  { method: 'GET', path: '/admin/audit', ...ADMIN_AUDIT, returns: 'no_personal_data', access: 'staff', roles: ['admin'] },
  {
    method: 'DELETE',
    path: '/admin/contacts/{id}',
    ...ADMIN_ERASE_CONTACT,
    returns: 'one_contact',
    access: 'staff',
    roles: ['admin', 'privacy'],
  },
  // Privacy answers "who gets my data?" in access requests and owes erased people's recipients a notice.
  {
    method: 'GET',
    path: '/admin/recipients',
    ...ADMIN_RECIPIENTS,
    returns: 'no_personal_data',
    access: 'staff',
    roles: ['admin', 'privacy'],
  },
  { method: 'POST', path: '/support-requests', ...SUPPORT_REQUESTS_SUBMIT, returns: 'no_personal_data', access: 'public' },
  {
    method: 'GET',
    path: '/admin/support-requests',
    ...ADMIN_LIST_SUPPORT_REQUESTS,
    returns: 'contacts_audited_per_item',
    access: 'staff',
    roles: ['support', 'admin'],
  },
  { method: 'POST', path: '/privacy-requests', ...PRIVACY_REQUEST, returns: 'no_personal_data', access: 'public' },
  { method: 'GET', path: '/privacy-requests/confirm', ...PRIVACY_CONFIRM, returns: 'one_contact', access: 'public' },
  { method: 'POST', path: '/privacy-requests/confirm', ...PRIVACY_CONFIRM, returns: 'one_contact', access: 'public' },
  { method: 'GET', path: '/privacy-requests/export', ...PRIVACY_EXPORT, returns: 'one_contact', access: 'public' },
  {
    method: 'GET',
    path: '/admin/privacy-requests',
    ...ADMIN_PRIVACY_REQUESTS,
    returns: 'contacts_audited_per_item',
    access: 'staff',
    roles: ['privacy', 'admin'],
  },
  {
    method: 'POST',
    path: '/admin/privacy-requests/{id}/complete',
    ...ADMIN_PRIVACY_REQUESTS,
    returns: 'no_personal_data',
    access: 'staff',
    roles: ['privacy', 'admin'],
  },
  {
    method: 'POST',
    path: '/admin/privacy-requests/{id}/extend',
    ...ADMIN_PRIVACY_REQUESTS,
    returns: 'no_personal_data',
    access: 'staff',
    roles: ['privacy', 'admin'],
  },
];

/**
 * Routes only the local stack serves: the website's thank-you page, which in AWS is the website's
 * own (config `thankYouUrl`). The CDK app never reads this list.
 */
export const LOCAL_THANK_YOU_ROUTE: HttpRoute = {
  method: 'GET',
  path: '/thank-you',
  entry: 'local/thank-you-page.ts',
  returns: 'no_personal_data',
  access: 'public',
};
export const LOCAL_PAGE_ROUTES: readonly HttpRoute[] = [LOCAL_THANK_YOU_ROUTE];

/** The route a request arrived on, by its method and API Gateway resource path (`event.resource`). */
export function routeOf(method: string, resource: string): HttpRoute | undefined {
  return [...HTTP_ROUTES, ...LOCAL_PAGE_ROUTES].find((route) => route.method === method && route.path === resource);
}

/**
 * The roles a staff route allows, or an error naming the route when it has none: the CDK app and
 * the local gateway call this for every staff route, so such a route cannot be built even where
 * the type was bypassed.
 */
export function routeRoles(route: HttpRoute): readonly StaffRole[] {
  if (route.access !== 'staff') return [];
  if (!Array.isArray(route.roles) || route.roles.length === 0)
    throw new Error(`Staff route ${route.method} ${route.path} declares no roles`);
  return route.roles;
}

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
  aws: AwsAccess;
  /** The records it receives (a Lambda event filter in AWS): these stream events of these entities. */
  filter: StreamFilter;
}

/** The stream consumers: the outbox, one per channel, and the campaign audience index. */
export const STREAM_CONSUMERS: readonly StreamConsumer[] = [
  {
    name: 'outbox-email',
    entry: 'functions/outbox/email.ts',
    filter: { events: ['INSERT'], entities: ['inquiry', 'outbox_message', 'support_request'] },
    aws: { table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], secret: true, email: ['SendEmail'] },
  },
  {
    name: 'outbox-sms',
    entry: 'functions/outbox/sms.ts',
    filter: { events: ['INSERT'], entities: ['inquiry', 'support_request'] },
    aws: { table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], secret: true, sms: ['Publish'] },
  },
  {
    name: 'audience',
    entry: 'functions/audience/index-contacts.ts',
    filter: { events: ['INSERT', 'MODIFY', 'REMOVE'], entities: ['contact'] },
    aws: { table: ['Query', 'BatchWriteItem'] },
  },
  {
    name: 'privacy-outbox',
    entry: 'functions/privacy/outbox.ts',
    filter: { events: ['INSERT'], entities: ['privacy_task'] },
    // Sends through the gate, and runs a verified deletion's erasure (partition Query, audience BatchWriteItem).
    aws: {
      table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
      secret: true,
      email: ['SendEmail'],
    },
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
  aws: AwsAccess;
}

/** Functions fed by SNS: two-way SMS replies and SES bounce and complaint events. */
export const TOPIC_SUBSCRIBERS: readonly TopicSubscriber[] = [
  {
    name: 'sms-inbound',
    entry: 'functions/sms/inbound.ts',
    publisher: 'sms_inbound',
    aws: { table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'], secret: true, sms: ['Publish'] },
  },
  {
    name: 'ses-events',
    entry: 'functions/email-events/ses-events.ts',
    publisher: 'ses_events',
    aws: { table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'], secret: true },
  },
];

/** A job run on a schedule (EventBridge in AWS; `POST /_local/jobs/{name}` locally). */
export interface ScheduledJob {
  name: string;
  entry: string;
  /** An EventBridge schedule expression. */
  schedule: string;
  aws: AwsAccess;
}

/** The scheduled jobs. */
export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    name: 'sms-opt-out-sync',
    entry: 'functions/sms/opt-out-sync.ts',
    schedule: 'rate(1 hour)',
    aws: {
      table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
      secret: true,
      sms: ['ListPhoneNumbersOptedOut'],
    },
  },
  {
    name: 'campaign-dispatch',
    entry: 'functions/campaigns/dispatch.ts',
    schedule: 'rate(1 minute)',
    aws: { table: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], sendsTo: ['plan'] },
  },
  {
    name: 'privacy-overdue',
    entry: 'functions/privacy/overdue.ts',
    schedule: 'cron(0 14 * * ? *)',
    // Lists open requests (Query) and queues one acknowledgement retry per held-back address (conditional PutItem).
    aws: { table: ['Query', 'PutItem'] },
  },
];

/** A function fed by one of the work queues. */
export interface QueueConsumer {
  name: string;
  entry: string;
  queue: QueueName;
  aws: AwsAccess;
}

/** The work queues' consumers: the campaign planner and senders, and the analytics aggregator. */
export const QUEUE_CONSUMERS: readonly QueueConsumer[] = [
  {
    name: 'campaign-plan',
    entry: 'functions/campaigns/plan.ts',
    queue: 'plan',
    aws: { table: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'BatchWriteItem'], sendsTo: ['email', 'sms'] },
  },
  {
    name: 'campaign-email',
    entry: 'functions/campaigns/send-email.ts',
    queue: 'email',
    aws: {
      table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
      secret: true,
      email: ['SendEmail', 'SendBulkEmail'],
      // A batch whose turn would come after the function's timeout goes back on the queue.
      sendsTo: ['email'],
    },
  },
  {
    name: 'campaign-sms',
    entry: 'functions/campaigns/send-sms.ts',
    queue: 'sms',
    aws: {
      table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
      secret: true,
      sms: ['Publish'],
      // Texts held back by quiet hours go back on their own queue, delayed.
      sendsTo: ['sms'],
    },
  },
  {
    name: 'analytics-aggregate',
    entry: 'functions/analytics/aggregate.ts',
    queue: 'analytics',
    // ADDs to the day aggregates; a conditional no-op update tells whether a path is counted yet.
    aws: { table: ['UpdateItem'] },
  },
];
