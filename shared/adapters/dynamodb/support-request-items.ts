import type { OutboxSupportRequest } from '../../domain/support/send-support-effects.js';
import { SUPPORT_FLAGS } from '../../domain/support/support-request.js';
import type { SupportFlag } from '../../domain/support/support-request.js';

/*
 * How a support request item reads back, apart from the store's SDK calls: the outbox consumers
 * decode stream images with these and so bundle no table command they are not granted.
 */

/** A string attribute, or undefined. */
export const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The `submitted` map: the name, email and phone the form gave, and nothing else. */
export function submittedOf(value: unknown): { name?: string; email?: string; phone?: string } {
  const submitted = (value ?? {}) as Record<string, unknown>;
  const name = text(submitted.name);
  const email = text(submitted.email);
  const phone = text(submitted.phone);
  return { ...(name ? { name } : {}), ...(email ? { email } : {}), ...(phone ? { phone } : {}) };
}

/** The `flags` list, keeping only known flags. */
export function flagsOf(value: unknown): SupportFlag[] {
  return Array.isArray(value) ? SUPPORT_FLAGS.filter((flag) => value.includes(flag)) : [];
}

/** Reads back what the outbox needs from a support request item that `supportRequestPut` wrote (the stream's new image). */
export function outboxSupportRequestOfItem(item: Record<string, unknown>): OutboxSupportRequest {
  const clientKey = text(item.clientKey);
  return {
    ticketId: String(item.ticketId),
    contactId: String(item.contactId),
    holders: (item.holders as OutboxSupportRequest['holders'] | undefined) ?? {},
    subject: text(item.subject) ?? '',
    message: text(item.message) ?? '',
    submitted: { name: '', ...submittedOf(item.submitted) },
    receivedAt: text(item.receivedAt) ?? '',
    flags: flagsOf(item.flags),
    ...(clientKey ? { clientKey } : {}),
  };
}
