import type { OutgoingEmail, ProviderReceipt } from '../domain/messages.js';

/** One recipient of a bulk send: the values for the template's placeholders and their own headers. */
export interface BulkEntry {
  to: string;
  data: Record<string, string>;
  headers: { name: string; value: string }[];
}

/** Sends rendered email. Only the send gate calls it. */
export interface Mailer {
  sendEmail(email: OutgoingEmail): Promise<ProviderReceipt>;
  /**
   * One provider call for up to 50 recipients of the same template (`{{name}}` placeholders);
   * one result per entry, in order.
   */
  sendBulk(
    template: { subject: string; text: string; html: string },
    entries: readonly BulkEntry[],
  ): Promise<(ProviderReceipt | { error: string })[]>;
}
