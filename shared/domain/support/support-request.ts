import { randomBytes } from 'node:crypto';
import type { Channel } from '../consent.js';

/** A validated support request as the visitor gave it (SPEC §3 `POST /support-requests`). */
export interface SupportRequestInput {
  name: string;
  email?: string;
  phone?: string;
  subject: string;
  message: string;
}

/** What a request plainly asks for that the law gives deadlines to (11 CCR §7020(e)): staff see it at once. */
export const SUPPORT_FLAGS = ['privacy_access', 'privacy_correction', 'privacy_deletion', 'opt_out'] as const;
export type SupportFlag = (typeof SUPPORT_FLAGS)[number];

export const SUPPORT_STATUSES = ['open', 'closed'] as const;
export type SupportStatus = (typeof SUPPORT_STATUSES)[number];

/** The contacts that hold the request's addresses, by channel, as on an inquiry. */
export type SupportHolders = Partial<Record<Channel, string>>;

/**
 * Everything one support request writes, in one transaction. The item is its own outbox: its
 * insert on the table's stream is what the outbox consumers act on.
 */
export interface SupportRequestRecord {
  ticketId: string;
  /** The contact it is filed under: the holder of its email, else of its phone. */
  contactId: string;
  holders: SupportHolders;
  /** A contact this request created for addresses no one held; only it takes the form's name. */
  newContactId?: string;
  subject: string;
  message: string;
  /** What the form carried; it never rewrites a stored contact (SPEC §2). */
  submitted: { name: string; email?: string; phone?: string };
  receivedAt: string;
  status: SupportStatus;
  flags: SupportFlag[];
  /** A hash of the client address (`clientKey`), for the per-IP cap on acknowledgements; never the address itself. */
  clientKey?: string;
}

/** What `POST /support-requests` answers: the ticket id and nothing that tells whether an address was known. */
export interface SupportReceipt {
  ticketId: string;
}

/** Crockford's base32: no I, L, O or U, so a ticket id read out over the phone is not misheard. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 15 random bytes: 120 bits, 24 characters. */
const TICKET_BYTES = 15;

/** A ticket id: `SR-` and 24 Crockford base32 characters. */
export const TICKET_ID_PATTERN = /^SR-[0-9A-HJKMNP-TV-Z]{24}$/;

/**
 * A new ticket id: 120 random bits, so that ids can be neither guessed nor enumerated (SPEC §3);
 * the `SR-` prefix tells a person and a support desk what it is.
 */
export function newTicketId(random: (size: number) => Uint8Array = randomBytes): string {
  const bytes = random(TICKET_BYTES);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += CROCKFORD[(value << (5 - bits)) & 31];
  return `SR-${out}`;
}
