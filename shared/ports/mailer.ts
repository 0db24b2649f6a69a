import type { OutgoingEmail, ProviderReceipt } from '../domain/messages.js';

/** Sends one rendered email. Only the send gate calls it. */
export interface Mailer {
  sendEmail(email: OutgoingEmail): Promise<ProviderReceipt>;
}
