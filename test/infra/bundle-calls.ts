/**
 * What a minified Lambda bundle can ask of AWS, read from the bundle itself.
 *
 * AWS SDK v3 clients build every command class with the client's command builder:
 * `makeBuilder(params, "DynamoDB_20120810", "DynamoDBClient", ...)` once per client, then
 * `class GetItemCommand extends command(ep, mw, "GetItem", schema) {}` once per command. esbuild
 * renames the identifiers but keeps the string literals, so a bundle holds
 * `var Ie=Jn(qx,"DynamoDB_20120810","DynamoDBClient",li)` and `class extends Ie(or,Ae,"GetItem",wE){}`.
 * Each command module is its own side-effect-free file, so a command the code never imports is
 * not in the bundle: the commands found are the calls the bundle can make.
 */

/** A client's command builder: `<id>=<fn>(<params>,"<service target>","<Name>Client",<fn>)`. */
const BUILDER = /([\w$]+)=[\w$]+\([\w$]+,"[\w.]+","(\w+)Client",[\w$]+\)/g;
/** A command class built by one of those builders: `extends <id>(<ep>,<mw>,"<Operation>",<schema>)`. */
const COMMAND = /extends ([\w$]+)\([\w$]+,[\w$]+,"(\w+)",[\w$]+\)/g;
/** A client's name as its builder and its config write it, e.g. `"DynamoDBClient"` (a check on BUILDER). */
const CLIENT_NAME = /"(DynamoDB|SESv2|SNS|SQS|SecretsManager|KMS|STS)Client"/g;

/**
 * A call of the lite DynamoDB client (`shared/adapters/dynamodb/lite-client.ts`), which writes
 * each operation as its full `X-Amz-Target` literal, e.g. `"DynamoDB_20120810.UpdateItem"`.
 */
const LITE_TARGET = /"DynamoDB_20120810\.(\w+)"/g;
/** A call of the lite SQS sender (`shared/adapters/sqs/lite-sqs.ts`), e.g. `"AmazonSQS.SendMessageBatch"`. */
const LITE_SQS_TARGET = /"AmazonSQS\.(\w+)"/g;

/** One SDK call a bundle can make: the client (as in `DynamoDBClient`, without `Client`) and the operation. */
export interface SdkCall {
  client: string;
  operation: string;
}

/**
 * Every SDK command a bundle carries. Throws when the bundle names an SDK client but no builder
 * or command is recognised: the SDK changed shape and this reader must follow it.
 */
export function sdkCalls(source: string): SdkCall[] {
  const builders = new Map<string, string>();
  for (const match of source.matchAll(BUILDER)) builders.set(match[1] as string, match[2] as string);
  const calls: SdkCall[] = [];
  for (const match of source.matchAll(COMMAND)) {
    const client = builders.get(match[1] as string);
    if (client) calls.push({ client, operation: match[2] as string });
  }
  for (const match of source.matchAll(LITE_TARGET)) calls.push({ client: 'DynamoDB', operation: match[1] as string });
  for (const match of source.matchAll(LITE_SQS_TARGET)) calls.push({ client: 'SQS', operation: match[1] as string });
  const unrecognised = new Set([...source.matchAll(CLIENT_NAME)].map((match) => match[1] as string));
  for (const client of builders.values()) unrecognised.delete(client);
  if (unrecognised.size > 0) {
    throw new Error(`SDK clients ${[...unrecognised].join(', ')} are bundled but their command builder was not recognised`);
  }
  const clientsWithoutCommands = [...builders.values()].filter((client) => !calls.some((call) => call.client === client));
  if (clientsWithoutCommands.length > 0) {
    throw new Error(`SDK clients ${clientsWithoutCommands.join(', ')} are bundled but none of their commands was recognised`);
  }
  return calls;
}

/** `{Put:`, `{Update:`, … : the item kinds the code's TransactWriteItems calls build (property names survive minifying). */
const TRANSACT_ITEM = /[{,](Put|Update|Delete|ConditionCheck):[{\w$]/g;

/** The kinds of item a bundle's transactions write, each authorised by IAM as its own action. */
export function transactItemKinds(source: string): Set<'Put' | 'Update' | 'Delete' | 'ConditionCheck'> {
  return new Set([...source.matchAll(TRANSACT_ITEM)].map((match) => match[1] as 'Put' | 'Update' | 'Delete' | 'ConditionCheck'));
}

/**
 * True when the bundle reads a secret through the Parameters and Secrets Lambda extension's local
 * HTTP API (no SDK client: the extension calls GetSecretValue with the function's credentials).
 */
export function readsSecretThroughExtension(source: string): boolean {
  return source.includes('/secretsmanager/get');
}
