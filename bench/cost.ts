/**
 * Published AWS list prices (us-east-1, on-demand, checked for this bench; free tiers ignored).
 * Sources: the pricing pages of API Gateway, Lambda, DynamoDB, SES, SNS and WAF.
 */
export const PRICES = {
  apiGatewayRestPerMillion: 3.5,
  wafPerMillionRequests: 0.6,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  dynamoDbPerMillionWriteUnits: 0.625,
  dynamoDbPerMillionReadUnits: 0.125,
  sesPerThousandEmails: 0.1,
  /** US SMS base price per message part; carrier fees are extra and vary by route. */
  snsUsSmsPerMessage: 0.00581,
  sqsPerMillionRequests: 0.4,
} as const;

export interface InquiryCostInputs {
  writeUnitsPerInquiry: number;
  /** Message log and send records: claim + mark-sent per message. */
  writeUnitsPerMessage: number;
  readUnitsPerInquiry: number;
  emailsPerInquiry: number;
  smsShare: number;
  submitLambdaMs: number;
  consumerLambdaMs: number;
  memoryGb: number;
}

/** The cost of 1 000 inquiries, itemised, in US dollars. */
export function costPerThousandInquiries(inputs: InquiryCostInputs): Record<string, number> {
  const n = 1000;
  const messages = inputs.emailsPerInquiry + inputs.smsShare;
  const items = {
    apiGateway: (n / 1e6) * PRICES.apiGatewayRestPerMillion,
    waf: (n / 1e6) * PRICES.wafPerMillionRequests,
    lambda:
      ((2 * n) / 1e6) * PRICES.lambdaPerMillionRequests +
      n * ((inputs.submitLambdaMs + inputs.consumerLambdaMs) / 1000) * inputs.memoryGb * PRICES.lambdaArmPerGbSecond,
    dynamoDbWrites:
      ((n * (inputs.writeUnitsPerInquiry + messages * inputs.writeUnitsPerMessage)) / 1e6) * PRICES.dynamoDbPerMillionWriteUnits,
    dynamoDbReads: ((n * inputs.readUnitsPerInquiry) / 1e6) * PRICES.dynamoDbPerMillionReadUnits,
    ses: ((n * inputs.emailsPerInquiry) / 1000) * PRICES.sesPerThousandEmails,
    sms: n * inputs.smsShare * PRICES.snsUsSmsPerMessage,
  };
  return { ...items, total: Object.values(items).reduce((sum, value) => sum + value, 0) };
}

/**
 * The cost of 1 000 000 campaign emails, itemised: SES, the send record per email (claim and mark
 * sent: 2 write units; recipient and suppression reads: 2 read units), SQS (send, receive, delete
 * per batch of 50) and the sender's Lambda time.
 */
export function costPerMillionCampaignEmails(senderMsPerBatch: number, memoryGb: number): Record<string, number> {
  const emails = 1_000_000;
  const batches = Math.ceil(emails / 50);
  const items = {
    ses: (emails / 1000) * PRICES.sesPerThousandEmails,
    dynamoDbWrites: ((emails * 2) / 1e6) * PRICES.dynamoDbPerMillionWriteUnits,
    dynamoDbReads: ((emails * 2) / 1e6) * PRICES.dynamoDbPerMillionReadUnits,
    sqs: ((batches * 3) / 1e6) * PRICES.sqsPerMillionRequests,
    lambda:
      (batches / 1e6) * PRICES.lambdaPerMillionRequests +
      batches * (senderMsPerBatch / 1000) * memoryGb * PRICES.lambdaArmPerGbSecond,
  };
  return { ...items, total: Object.values(items).reduce((sum, value) => sum + value, 0) };
}
