import type { AudienceIndex } from '../../ports/audience-index.js';
import type { AuditLog } from '../../ports/audit-log.js';
import type { Clock } from '../../ports/clock.js';
import type { ErasureStore, PartitionItem } from '../../ports/erasure-store.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { SuppressionStore } from '../../ports/suppression-store.js';
import { auditBeforeRelease } from '../audit.js';
import type { AuditEntry } from '../audit.js';
import type { Channel } from '../consent.js';
import { NotFoundError } from '../errors.js';
import type { StaffIdentity } from '../staff.js';
import { backupsRollOffOn, erasureRecordSk, keptRecords, planErasure, scopeOf } from './erasure-plan.js';
import type { ErasedAddress, ErasureReceipt, ErasureRecord, ErasureRequester, ErasureScope } from './erasure-plan.js';

export type { ErasureReceipt, ErasureRequester } from './erasure-plan.js';

/** The ports an erasure runs over. */
export interface EraseContactDeps {
  erasures: ErasureStore;
  suppressions: Pick<SuppressionStore, 'suppress'>;
  audiences: Pick<AudienceIndex, 'update'>;
  secrets: SecretsSource;
  clock: Clock;
}

/** What to erase: the whole contact, or (with `channel`) only what is held under that address. */
export interface ErasureRequest {
  by: ErasureRequester;
  channel?: Channel;
}

function erasureRecordOf(item: PartitionItem): ErasureRecord | undefined {
  if (item.source !== 'erasure' || !item.sk.startsWith('CONSENT#')) return undefined;
  return item as unknown as ErasureRecord;
}

/**
 * Erases a contact's personal data (SPEC §4 "Erasure"), or only what is held under one of its
 * addresses (SPEC §3 Deletion); an address erasure of a contact that holds nothing else erases the
 * whole contact. Items are found by the key design (the contact's partition, its address lookups,
 * its audience shard), never by a scan.
 *
 * Crash-safe: the erasure record, written first, holds the plan's addresses (as salted hashes)
 * and its receipt; every later step is idempotent, and the profile, whose removal ends the
 * contact, goes last. A retry after a crash at any point resumes the record in progress and
 * converges. A repeat after completion answers the same receipt; an unknown id is a 404.
 */
export async function eraseContact(deps: EraseContactDeps, contactId: string, request: ErasureRequest): Promise<ErasureReceipt> {
  const items = await deps.erasures.partition(contactId);
  if (items.length === 0) throw new NotFoundError('No such contact.');
  const profile = items.find((item) => item.sk === 'PROFILE');
  const scope = scopeOf(profile, request.channel);
  const records = items.flatMap((item) => erasureRecordOf(item) ?? []);
  const { addressSalt } = await deps.secrets.getSecrets();

  const active = records.find((record) => record.scope === scope && record.state === 'in_progress');
  const finished = records
    .filter((record) => record.scope === scope && record.state === 'complete')
    .sort((a, b) => b.at.localeCompare(a.at))[0];
  const plan = planErasure(items, scope, addressSalt, (active ?? finished)?.sk);
  if (!active && plan.done) {
    // Nothing personal is left: the erasure happened already, and its receipt is the answer again.
    if (finished) return finished.receipt;
    throw new NotFoundError('No such contact.');
  }

  const record = active ? withAddresses(active, plan.addresses) : newRecord(contactId, scope, request.by, deps.clock, plan);
  // The record first: it keeps the addresses after the items that named them are gone.
  await deps.erasures.put(contactId, record as unknown as PartitionItem);

  for (const address of record.addresses.filter((entry) => entry.tombstone))
    await deps.suppressions.suppress(address.channel, address.addressKey, 'erasure', record.at);
  for (const address of record.addresses) await deps.erasures.deleteLookup(address.channel, address.addressKey, contactId);
  await deps.audiences.update(contactId, [], plan.audiences);

  // The profile last: while it exists, a retry still finds what the contact holds.
  const ordered = [
    ...plan.fates.filter((fate) => fate.kind !== 'profile'),
    ...plan.fates.filter((fate) => fate.kind === 'profile'),
  ];
  for (const fate of ordered) {
    if (fate.fate === 'delete') await deps.erasures.delete(contactId, fate.sk);
    else if (fate.fate === 'rewrite') await deps.erasures.put(contactId, fate.item);
    else if (fate.fate === 'remove_address') await deps.erasures.removeAttributes(contactId, fate.sk, fate.attributes);
  }

  const complete: ErasureRecord = { ...record, state: 'complete' };
  await deps.erasures.put(contactId, complete as unknown as PartitionItem);
  return complete.receipt;
}

function newRecord(
  contactId: string,
  scope: ErasureScope,
  by: ErasureRequester,
  clock: Clock,
  plan: ReturnType<typeof planErasure>,
): ErasureRecord {
  const at = clock.now().toISOString();
  return {
    sk: erasureRecordSk(at, scope),
    entity: 'consent',
    source: 'erasure',
    action: 'withdraw',
    allOfChannel: true,
    topics: [],
    channels: scope === 'contact' ? ['email', 'sms'] : [scope],
    scope,
    at,
    state: 'in_progress',
    addresses: plan.addresses,
    receipt: {
      contactId,
      scope,
      erasedAt: at,
      by,
      erased: plan.erased,
      kept: keptRecords(plan, by),
      backupsRollOffOn: backupsRollOffOn(at),
    },
  };
}

/** The record in progress with any address the plan found since (one that arrived during the erasure). */
function withAddresses(record: ErasureRecord, found: readonly ErasedAddress[]): ErasureRecord {
  const known = new Set(record.addresses.map((address) => `${address.channel}:${address.addressKey}`));
  const added = found.filter((address) => !known.has(`${address.channel}:${address.addressKey}`));
  return added.length === 0 ? record : { ...record, addresses: [...record.addresses, ...added] };
}

/** What a staff erasure needs beyond the erasure itself: the audit trail. */
export interface StaffErasureDeps extends EraseContactDeps {
  audit: AuditLog;
}

/** The personal fields an erasure removes, as its audit entry names them. */
const ERASED_FIELDS = ['name', 'email', 'phone', 'companyName', 'dealershipType', 'inquiries', 'consent', 'messages'];

/**
 * `DELETE /admin/contacts/{id}`: audits the erasure (action `erase`) before anything is erased,
 * so that no erasure happens without its entry, then erases the whole contact.
 */
export async function eraseContactForStaff(
  deps: StaffErasureDeps,
  staff: StaffIdentity,
  contactId: string,
  request: { requestId: string; reason?: string },
): Promise<ErasureReceipt> {
  const entry: AuditEntry = {
    contactId,
    actor: staff.sub,
    roles: staff.roles,
    action: 'erase',
    fields: ERASED_FIELDS,
    requestId: request.requestId,
    at: deps.clock.now().toISOString(),
    ...(request.reason ? { reason: request.reason } : {}),
  };
  await auditBeforeRelease(deps.audit, [entry]);
  return eraseContact(deps, contactId, { by: { kind: 'staff', actor: staff.sub } });
}
