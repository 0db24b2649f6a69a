import type { Clock } from '../../ports/clock.js';
import { AddressTakenError, ContactChangedError } from '../../ports/contact-records.js';
import type { ContactRecords, ProfileFields } from '../../ports/contact-records.js';
import type { PolicyVersions } from '../../ports/policy-versions.js';
import type { AuditedChange, AuditedRequest } from '../audit.js';
import { planConsentChange, TOPICS } from '../consent.js';
import type { Channel, ConsentEvent, ConsentState } from '../consent.js';
import { normaliseEmail } from '../contact.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { StaffIdentity } from '../staff.js';
import { looksMasked, maskOf } from './masking-policy.js';
import type { PersonalField } from './masking-policy.js';
import { auditEntry } from './staff-contacts.js';

/** The fields staff may correct, in the order an audit entry names them (SPEC §4). */
export const CORRECTABLE_FIELDS = ['name', 'companyName', 'dealershipType', 'email', 'phone'] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

/** The masking-policy kind of each correctable field; a dealership type is not personal data. */
const KIND: Record<CorrectableField, PersonalField | undefined> = {
  name: 'name',
  companyName: 'companyName',
  dealershipType: undefined,
  email: 'email',
  phone: 'phone',
};

/** The reason a correction's consent withdrawal carries in the ledger. */
export const ADDRESS_CORRECTED = 'address corrected';

/** What the ledger's wording hash stands for on the withdrawal a moved address leaves behind. */
export const ADDRESS_CORRECTED_WORDING =
  'Staff corrected this address. Consent belongs to an address, so the corrected address starts with none on this channel.';

export interface CorrectContactDeps {
  records: Pick<ContactRecords, 'profile' | 'correct'>;
  policy: Pick<PolicyVersions, 'inForce'>;
  clock: Clock;
}

/** A value as an audit entry keeps it: masked, as the most restricted staff reader would see it. */
function audited(field: CorrectableField, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const kind = KIND[field];
  return kind ? maskOf(kind, value) : value;
}

/**
 * `PATCH /admin/contacts/{id}`: corrects profile fields (already validated by the inquiry's
 * rules). A masked value sent back never overwrites the real one (400 naming the field). Moving
 * an address moves its lookup, refused with 409 when another contact holds the new one; since
 * consent belongs to the address, the channel's topic opt-ins are withdrawn in the ledger
 * (source `staff`, reason "address corrected"), and the audit entry names each changed field
 * from and to, masked: all in one write, so a refusal stores nothing.
 */
export async function correctContact(
  deps: CorrectContactDeps,
  staff: StaffIdentity,
  contactId: string,
  fields: ProfileFields,
  request: AuditedRequest,
): Promise<{ id: string; changed: CorrectableField[] }> {
  const before = await deps.records.profile(contactId);
  if (!before) throw new NotFoundError('No such contact.');

  const masked = CORRECTABLE_FIELDS.filter((field) => {
    const value = fields[field];
    if (value === undefined) return false;
    const kind = KIND[field];
    const stored = before[field];
    return looksMasked(value) || (kind !== undefined && stored !== undefined && value === maskOf(kind, stored));
  });
  if (masked.length > 0)
    throw new ValidationError(
      masked.map((path) => ({ path, message: 'is a masked value: send the full corrected value, or leave the field out' })),
    );

  const wanted: ProfileFields = { ...fields, ...(fields.email !== undefined ? { email: normaliseEmail(fields.email) } : {}) };
  const changed = CORRECTABLE_FIELDS.filter((field) => wanted[field] !== undefined && wanted[field] !== before[field]);
  if (changed.length === 0) return { id: contactId, changed: [] };

  const now = deps.clock.now();
  const at = now.toISOString();
  const moves: { channel: Channel; from?: string; to: string }[] = [];
  if (changed.includes('email'))
    moves.push({ channel: 'email', ...(before.email ? { from: before.email } : {}), to: wanted.email as string });
  if (changed.includes('phone'))
    moves.push({ channel: 'sms', ...(before.phone ? { from: before.phone } : {}), to: wanted.phone as string });

  let withdrawals: ConsentEvent[] = [];
  let next: ConsentState = before.consent;
  if (moves.length > 0) {
    const planned = planConsentChange(
      before.consent,
      moves.map((move) => ({ channel: move.channel, topics: TOPICS, action: 'withdraw' as const })),
      {
        source: 'staff',
        at,
        policyVersion: (await deps.policy.inForce(now)).version,
        wording: ADDRESS_CORRECTED_WORDING,
        reason: ADDRESS_CORRECTED,
      },
    );
    withdrawals = planned.events;
    next = planned.next;
  }

  const set: ProfileFields = Object.fromEntries(changed.map((field) => [field, wanted[field]]));
  const changes: AuditedChange[] = changed.map((field) => {
    const from = audited(field, before[field]);
    const to = audited(field, wanted[field]);
    return { field, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
  });
  try {
    await deps.records.correct({
      contactId,
      before,
      set,
      moves,
      withdrawals,
      next,
      audit: { ...auditEntry(staff, contactId, 'update', changed, request, at), changes },
    });
  } catch (error) {
    if (error instanceof AddressTakenError)
      throw new ConflictError(
        `That ${error.channel === 'email' ? 'email address' : 'phone number'} belongs to another contact; nothing was changed.`,
      );
    if (error instanceof ContactChangedError)
      throw new ConflictError('The contact changed while this correction was made; read it again and retry.');
    throw error;
  }
  return { id: contactId, changed };
}
