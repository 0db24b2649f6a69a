import { ListPhoneNumbersOptedOutCommand } from '@aws-sdk/client-sns';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SmsOptOutList } from '../../ports/sms-opt-out-list.js';
import { snsClient } from './sms-sender.js';

/** Pages through SNS's opted-out numbers. */
export class SnsOptOutList implements SmsOptOutList {
  constructor(private readonly client: SNSClient = snsClient) {}

  async *optedOutNumbers(): AsyncIterable<string> {
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new ListPhoneNumbersOptedOutCommand(nextToken ? { nextToken } : {}));
      yield* page.phoneNumbers ?? [];
      nextToken = page.nextToken;
    } while (nextToken);
  }
}
