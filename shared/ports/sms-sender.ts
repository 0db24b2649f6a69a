import type { OutgoingSms, ProviderReceipt } from '../domain/messages.js';

/** Sends one rendered SMS. Only the send gate calls it. */
export interface SmsSender {
  sendSms(sms: OutgoingSms): Promise<ProviderReceipt>;
}
