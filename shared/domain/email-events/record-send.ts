import type { ProviderSendOutcome, SendLedger } from '../../ports/send-ledger.js';
import { SEND_TAG_NAME, sendRefOf } from '../sending/send-tag.js';

/** An SES `Send` event reduced to what reconciliation needs: the provider's id and the message's tags. */
export interface ProviderSendEvent {
  providerMessageId: string;
  /** The message tags as SES publishes them: each name with its values. */
  tags: Record<string, readonly string[]>;
  at: string;
}

/**
 * Records the provider's own record of an accepted email against its send record, found by the
 * send tag the gate put on it: the record is marked sent with the provider's message id, so that
 * a sender killed between the provider's acceptance and its own "sent" write is not followed by a
 * second send. `untagged`: the email carried no send tag (sent before tagging, or too long a key).
 * `duplicate` means the message went out twice, and is worth an alarm.
 */
export async function recordProviderSend(
  deps: { ledger: Pick<SendLedger, 'recordProviderSend'> },
  event: ProviderSendEvent,
): Promise<ProviderSendOutcome | 'untagged'> {
  const tag = event.tags[SEND_TAG_NAME]?.[0];
  const ref = tag ? sendRefOf(tag) : undefined;
  if (!ref) return 'untagged';
  return deps.ledger.recordProviderSend(ref, event.providerMessageId, event.at);
}
