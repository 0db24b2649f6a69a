import type { OutgoingEmail, ProviderReceipt } from '../domain/messages.js';

/** One recipient of a bulk send: the values for the template's placeholders and their own headers. */
export interface BulkEntry {
  to: string;
  data: Record<string, string>;
  headers: { name: string; value: string }[];
  /** The send's tag (see `sendTag`), published back with the provider's `Send` event. */
  sendTag?: string;
}

/** What travels with one email besides its content. */
export interface EmailOptions {
  /** The send's tag (see `sendTag`), published back with the provider's `Send` event. */
  sendTag?: string;
}

/** Sends rendered email. Only the send gate calls it. */
export interface Mailer {
  sendEmail(email: OutgoingEmail, options?: EmailOptions): Promise<ProviderReceipt>;
  /**
   * One provider call for up to 50 recipients of the same template (`{{name}}` placeholders);
   * one result per entry, in order.
   */
  sendBulk(
    template: { subject: string; text: string; html: string },
    entries: readonly BulkEntry[],
  ): Promise<(ProviderReceipt | { error: string })[]>;
}
