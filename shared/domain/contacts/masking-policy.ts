import type { Channel } from '../consent.js';
import { normaliseEmail } from '../contact.js';
import { maskEmail, maskPhone } from '../masking.js';
import type { StaffRole } from '../staff.js';

/**
 * The kinds of personal data a contacts response can carry. Every value a contacts route sends
 * passes through `disclose` under one of these names, so the table below is the whole policy:
 * - `name`, `companyName`: a person's or a company's name, wherever it appears (the profile, what
 *   an inquiry or a support request carried);
 * - `email`, `phone`: an address, the contact's own or another one an inquiry carried;
 * - `freeText`: what a person typed (an inquiry's message, a support request's subject and
 *   message, a staff reason): it can hold anything, so it cannot be masked, only shown or hidden;
 * - `network`: an IP address or a user agent, from a visit or a consent record.
 */
export const PERSONAL_FIELDS = ['name', 'email', 'phone', 'companyName', 'freeText', 'network'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** What a reader gets of a field: the value, its mask, or nothing at all. */
export type Disclosure = 'full' | 'masked' | 'hidden';

/**
 * SPEC §4, role by role. Sales, support and privacy read contacts in full; marketing reads them
 * with email and phone masked, and here with names masked and typed text and network data
 * hidden too, because a campaign needs none of them (the policy's "only the personal data it
 * needs"). An analyst reads analytics only: nothing personal. Admin may do everything.
 */
export const MASKING_POLICY: Readonly<Record<StaffRole, Readonly<Record<PersonalField, Disclosure>>>> = {
  admin: { name: 'full', email: 'full', phone: 'full', companyName: 'full', freeText: 'full', network: 'full' },
  sales: { name: 'full', email: 'full', phone: 'full', companyName: 'full', freeText: 'full', network: 'full' },
  support: { name: 'full', email: 'full', phone: 'full', companyName: 'full', freeText: 'full', network: 'full' },
  privacy: { name: 'full', email: 'full', phone: 'full', companyName: 'full', freeText: 'full', network: 'full' },
  marketing: {
    name: 'masked',
    email: 'masked',
    phone: 'masked',
    companyName: 'masked',
    freeText: 'hidden',
    network: 'hidden',
  },
  analyst: {
    name: 'hidden',
    email: 'hidden',
    phone: 'hidden',
    companyName: 'hidden',
    freeText: 'hidden',
    network: 'hidden',
  },
};

/** `Jane Doe` → `J***`: the first character only, enough to tell two records apart. */
export function maskName(name: string): string {
  const first = Array.from(name.trim())[0];
  return first === undefined ? '***' : `${first}***`;
}

/** The mask of a value of a field, as a masked reader (and every audit entry) sees it. */
export function maskOf(field: PersonalField, value: string): string | undefined {
  switch (field) {
    case 'email':
      return maskEmail(value);
    case 'phone':
      return maskPhone(value);
    case 'name':
    case 'companyName':
      return maskName(value);
    case 'freeText':
    case 'network':
      // Typed text and network data have no mask that keeps them harmless: a masked reader gets nothing.
      return undefined;
  }
}

/**
 * Who reads a contact: staff in their roles, or the person themself through a verified address
 * (a privacy access request), who sees that address and its record in full and every other
 * address on the contact masked, since an address proves only itself (SPEC §2, §3 "Access").
 */
export type Reader = { staff: readonly StaffRole[] } | { subject: { channel: Channel; address: string } };

const RANK: Record<Disclosure, number> = { hidden: 0, masked: 1, full: 2 };

/** What a reader gets of a field's value; `value` matters only for a subject reading an address. */
export function disclosureFor(reader: Reader, field: PersonalField, value?: string): Disclosure {
  if ('staff' in reader) {
    // A member of several roles reads as the most open of them.
    return reader.staff.reduce<Disclosure>((best, role) => {
      const granted = MASKING_POLICY[role][field];
      return RANK[granted] > RANK[best] ? granted : best;
    }, 'hidden');
  }
  if (field !== 'email' && field !== 'phone') return 'full';
  const { channel, address } = reader.subject;
  const own =
    value !== undefined &&
    (field === 'email'
      ? channel === 'email' && normaliseEmail(value) === normaliseEmail(address)
      : channel === 'sms' && value === address);
  return own ? 'full' : 'masked';
}

/**
 * The one function every contacts output goes through: a reader's view of values, which also
 * keeps the names of the fields it showed unmasked, for the audit entry written before the
 * response leaves (SPEC §4: a response that shows unmasked personal data is audited first).
 */
export interface MaskingLens {
  readonly reader: Reader;
  /** The value as this reader may see it: itself, its mask, or undefined (hidden, or absent). */
  disclose(field: PersonalField, value: string | undefined): string | undefined;
  /** The fields shown unmasked so far, in the policy's order. */
  unmaskedFields(): PersonalField[];
}

/** A fresh lens for one response. */
export function maskingLens(reader: Reader): MaskingLens {
  const shown = new Set<PersonalField>();
  return {
    reader,
    disclose(field, value) {
      if (value === undefined || value === '') return value === '' ? '' : undefined;
      const disclosure = disclosureFor(reader, field, value);
      if (disclosure === 'hidden') return undefined;
      if (disclosure === 'masked') return maskOf(field, value);
      shown.add(field);
      return value;
    },
    unmaskedFields: () => PERSONAL_FIELDS.filter((field) => shown.has(field)),
  };
}

/** True when a value is, or looks like, a mask this policy produces: it must never be stored. */
export function looksMasked(value: string): boolean {
  return value.includes('***');
}
