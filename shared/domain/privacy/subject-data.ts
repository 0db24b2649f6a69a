import type { ErasureStore } from '../../ports/erasure-store.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { ErasureSummary, SubjectErasure, SubjectExport } from '../../ports/subject-data.js';
import { buildContactExport } from '../contacts/contact-export.js';
import type { ContactExportDeps } from '../contacts/contact-export.js';
import { eraseContact } from '../contacts/erase-contact.js';
import type { EraseContactDeps } from '../contacts/erase-contact.js';
import { backupsRollOffOn, keptRecords, planErasure, scopeOf } from '../contacts/erasure-plan.js';
import type { ErasedKind, KeptRecord } from '../contacts/erasure-plan.js';
import { NotFoundError } from '../errors.js';

/** How each kind of erased item reads in a receipt, with its count. */
const ERASED_WORDS: Record<ErasedKind, (count: number) => string> = {
  profile: () => 'your contact record (name, company, addresses and preferences)',
  profile_address: () => 'this email address on your contact record',
  inquiry: (n) => `${n} ${n === 1 ? 'inquiry' : 'inquiries'} you sent us`,
  inquiry_address: (n) => `this email address on ${n} ${n === 1 ? 'inquiry' : 'inquiries'}`,
  consent_record: (n) => `${n} ${n === 1 ? 'record' : 'records'} of your communication choices`,
  message_recipient: (n) => `the recipient details of ${n} ${n === 1 ? 'message' : 'messages'} we sent`,
  subscription_pending: () => 'a pending newsletter confirmation',
  sms_pending: () => 'a pending text-message confirmation',
  outbox_message: (n) => `${n} queued ${n === 1 ? 'message' : 'messages'}`,
  support_request: (n) => `${n} support ${n === 1 ? 'request' : 'requests'}`,
  support_request_address: (n) => `this email address on ${n} support ${n === 1 ? 'request' : 'requests'}`,
  other: (n) => `${n} other ${n === 1 ? 'item' : 'items'}`,
  address_lookup: (n) => `${n} address ${n === 1 ? 'index entry' : 'index entries'}`,
  audience_membership: (n) => `${n} mailing-list ${n === 1 ? 'membership' : 'memberships'}`,
};

const KEPT_WORDS: Record<KeptRecord['what'], string> = {
  suppression_tombstone: 'a coded marker (salted hash) of your email address',
  erasure_record: 'one record that the erasure happened',
  message_log: 'when our messages to you were sent, without your address',
  audit_entries: 'when our staff read or changed your record',
  privacy_request_record: 'the record of this request, with your address masked',
  disclosure_record: 'which of our own mailboxes received your details, and when, so that we can tell them of this erasure',
};

/** An erasure's counts and kept records, in the words of the person's receipt. */
export function erasureSummary(
  erased: Partial<Record<ErasedKind, number>>,
  kept: readonly KeptRecord[],
  rollOffDay: string,
): ErasureSummary {
  return {
    erased: Object.entries(erased).flatMap(([kind, count]) =>
      count && count > 0 ? [ERASED_WORDS[kind as ErasedKind](count)] : [],
    ),
    kept: kept.map((record) => ({ what: KEPT_WORDS[record.what], why: record.why })),
    backupsRollOffBy: `by ${rollOffDay}, when our point-in-time backups roll off`,
  };
}

/** The access export over the contacts capability: `buildContactExport` scoped to the email address, other addresses masked. */
export function contactExport(deps: ContactExportDeps): SubjectExport {
  return {
    async exportFor(contactId) {
      const document = await buildContactExport(deps, contactId, { channel: 'email' });
      if (!document) throw new NotFoundError('We hold no data for this link any more.');
      return document;
    },
  };
}

/**
 * The erasure over the contacts capability: `eraseContact` of the email address (the whole
 * contact when it holds nothing else), its receipt previewed from the same plan before anything
 * is erased.
 */
export function contactErasure(
  deps: EraseContactDeps & { erasures: Pick<ErasureStore, 'partition'>; secrets: SecretsSource },
): SubjectErasure {
  return {
    async previewErasure(contactId, requestId) {
      const items = await deps.erasures.partition(contactId);
      const scope = scopeOf(
        items.find((item) => item.sk === 'PROFILE'),
        'email',
      );
      const { addressSalt } = await deps.secrets.getSecrets();
      const plan = planErasure(items, scope, addressSalt);
      const at = deps.clock.now().toISOString();
      return erasureSummary(plan.erased, keptRecords(plan, { kind: 'privacy_request', requestId }), backupsRollOffOn(at));
    },
    async eraseFor(contactId, requestId) {
      const receipt = await eraseContact(deps, contactId, { by: { kind: 'privacy_request', requestId }, channel: 'email' });
      return erasureSummary(receipt.erased, receipt.kept, receipt.backupsRollOffOn);
    },
  };
}
