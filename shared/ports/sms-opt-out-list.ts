/** The SMS channel's own list of numbers that replied STOP to it (SNS `ListPhoneNumbersOptedOut`). */
export interface SmsOptOutList {
  optedOutNumbers(): AsyncIterable<string>;
}
