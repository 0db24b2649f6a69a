import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { localDynamoDbClient } from '../../local/dynamodb-local.js';
import type { LocalEmail } from '../../local/ses-local.js';
import type { LocalSms } from '../../local/aws-stand-ins.js';
import { LOCAL_TABLE_NAME } from '../../local/stack.js';
import { liteDynamoDb } from '../../shared/adapters/dynamodb/lite-client.js';
import { LOCAL_STACK_ENV } from './global-setup.js';

/** Where the global setup started the stack; throws when the suite runs without it. */
function localStackEnv(name: keyof typeof LOCAL_STACK_ENV): string {
  const value = process.env[LOCAL_STACK_ENV[name]];
  if (!value) throw new Error(`${LOCAL_STACK_ENV[name]} is not set: run this suite through jest's integration project`);
  return value;
}

/** Helpers that talk to the running local stack the way a user or another tool would: over HTTP. */

export const apiUrl = () => localStackEnv('apiUrl');

export const dynamoDb = () => localDynamoDbClient(localStackEnv('dynamoDbEndpoint'));
/** The lite DynamoDB client (the analytics beacon's and aggregator's) against the stack's DynamoDB Local. */
export const liteLocalDynamoDb = () =>
  liteDynamoDb({
    ...process.env,
    AWS_ENDPOINT_URL_DYNAMODB: localStackEnv('dynamoDbEndpoint'),
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });

/** A day long past (within about eight years of `fromYear`), chosen at random, so that no other test counts on it. */
export function pastDay(fromYear = 1990): string {
  return new Date(Date.UTC(fromYear, 0, 1) + Math.floor(Math.random() * 3000) * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A client address of its own per request (from 10.0.0.0/8), so that the per-IP caps on what a visitor
 * can make us send never hold one test back because of another's requests. A test that acts as
 * one client sends its own `x-forwarded-for`; an empty one means the socket's address.
 */
export function randomClientIp(): string {
  const octet = () => Math.floor(Math.random() * 256);
  return `10.${octet()}.${octet()}.${1 + Math.floor(Math.random() * 254)}`;
}

export async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${apiUrl()}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-forwarded-for': randomClientIp(), ...headers },
    redirect: 'manual',
  });
}

export async function postJson(path: string, value: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return post(path, JSON.stringify(value), headers);
}

/** Waits until the stream runner has delivered every record written so far. */
export async function drainOutbox(): Promise<{ deadLetters: unknown[] }> {
  const response = await fetch(`${apiUrl()}/_local/outbox/drain`, { method: 'POST' });
  return (await response.json()) as { deadLetters: unknown[] };
}

export async function mail(): Promise<LocalEmail[]> {
  const response = await fetch(`${apiUrl()}/_local/mail`);
  return ((await response.json()) as { emails: LocalEmail[] }).emails;
}

export async function sms(): Promise<LocalSms[]> {
  return (await (await fetch(`${apiUrl()}/_local/sms`)).json()) as LocalSms[];
}

export async function staffToken(groups: string[], sub = `staff-${groups.join('-')}`): Promise<string> {
  const response = await fetch(`${apiUrl()}/_local/tokens`, {
    method: 'POST',
    body: JSON.stringify({ sub, email: `${sub}@acme.test`, groups }),
  });
  return ((await response.json()) as { token: string }).token;
}

/** Every item in the local table. */
export async function tableItems(): Promise<Record<string, unknown>[]> {
  const client = dynamoDb();
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: LOCAL_TABLE_NAME, ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  client.destroy();
  return items;
}

/** A snapshot of everything stored and sent, to prove a request changed nothing. */
export async function footprint(): Promise<{ items: number; emails: number; sms: number }> {
  await drainOutbox();
  const [items, emails, texts] = await Promise.all([tableItems(), mail(), sms()]);
  return { items: items.length, emails: emails.length, sms: texts.length };
}

/** A unique address per test, so tests never see each other's contacts. */
export function uniqueEmail(label: string): string {
  return `${label}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** A random valid US number per test, so that no two tests share a contact by phone. */
export function uniquePhone(): string {
  const exchange = 200 + Math.floor(Math.random() * 700);
  const line = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  return `(202) ${exchange === 555 ? 556 : exchange}-${line}`;
}

/** The privacy-policy version in force, as `GET /policy` answers. */
export async function policyInForce(): Promise<string> {
  return ((await (await fetch(`${apiUrl()}/policy`)).json()) as { version: string }).version;
}

/** The contact an inquiry was filed under, read from the table (the API never tells a visitor). */
export async function contactIdOfInquiry(inquiryId: string): Promise<string> {
  const item = (await tableItems()).find((entry) => entry.entity === 'inquiry' && entry.inquiryId === inquiryId);
  if (!item) throw new Error(`No inquiry ${inquiryId} is stored`);
  return String(item.contactId);
}

/** The contact that holds an address, read from the table's salted lookup through its stored value. */
export async function contactIdHolding(channel: 'email' | 'sms', address: string): Promise<string | undefined> {
  const field = channel === 'email' ? 'email' : 'phone';
  const item = (await tableItems()).find((entry) => entry.entity === 'contact' && entry[field] === address);
  return item ? String(item.contactId) : undefined;
}

/**
 * Confirms a pending email opt-in as its owner would: follows the newest confirm link sent to the
 * address and presses Confirm. Returns the POST's status.
 */
export async function confirmEmailOptIn(email: string): Promise<number> {
  await drainOutbox();
  const sent = (await mail()).filter((message) => message.destination.to.includes(email));
  const link = sent
    .map((message) => /\/subscriptions\/confirm\?token=([\w.-]+)/.exec(message.body.text ?? '')?.[1])
    .filter((token): token is string => token !== undefined)
    .at(-1);
  if (!link) throw new Error('No confirmation link was sent to this address');
  const response = await fetch(`${apiUrl()}/subscriptions/confirm?token=${link}`, { method: 'POST' });
  await drainOutbox();
  return response.status;
}

/** Delivers an inbound text from a number, as the SMS channel would (`YES`, `STOP`, …). */
export async function textFrom(from: string, body: string): Promise<number> {
  const response = await postJson('/_local/sms/inbound', { from, body });
  await drainOutbox();
  return response.status;
}
