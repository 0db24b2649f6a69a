import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { OutgoingSms, ProviderReceipt } from '../../domain/messages.js';
import type { SmsSender } from '../../ports/sms-sender.js';
import type { RecipientId } from '../../recipients.js';

/** The one SNS client of a process; locally `AWS_ENDPOINT_URL_SNS` points it at the SMS outbox. */
// Pure: a bundle whose code never texts drops the client entirely.
export const snsClient = /* @__PURE__ */ new SNSClient({});

/** Sends each SMS as a transactional SNS publish to the phone number. */
export class SnsSmsSender implements SmsSender {
  /** Who receives what this adapter sends (`shared/recipients.ts`). */
  static readonly recipient: RecipientId = 'aws_sns';

  constructor(
    private readonly originationNumber: string | undefined,
    private readonly client: SNSClient = snsClient,
  ) {}

  async sendSms(sms: OutgoingSms): Promise<ProviderReceipt> {
    const result = await this.client.send(
      new PublishCommand({
        PhoneNumber: sms.to,
        Message: sms.body,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          ...(this.originationNumber
            ? { 'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: this.originationNumber } }
            : {}),
        },
      }),
    );
    if (!result.MessageId) throw new Error('SNS accepted the SMS without a MessageId');
    return { providerMessageId: result.MessageId };
  }
}
