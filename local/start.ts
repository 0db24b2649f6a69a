import { join } from 'node:path';
import { REPO_ROOT, startLocalStack } from './stack.js';

/**
 * `npm start`: the whole stack on this machine, data under `.forecourt/`. Ctrl+C stops it all.
 * `FORECOURT_IN_MEMORY=1` keeps nothing on disk; `FORECOURT_DATA_DIR` keeps the data elsewhere;
 * `FORECOURT_CONFIG` points at another config file.
 */
const port = process.env.PORT ? Number(process.env.PORT) : 3000;
const stack = await startLocalStack({
  port,
  ...(process.env.FORECOURT_IN_MEMORY === '1'
    ? {}
    : { dataDir: process.env.FORECOURT_DATA_DIR ?? join(REPO_ROOT, '.forecourt') }),
  ...(process.env.FORECOURT_CONFIG ? { configPath: process.env.FORECOURT_CONFIG } : {}),
  dynamoDbPort: Number(process.env.DYNAMODB_PORT ?? 8000),
  sesPort: Number(process.env.SES_PORT ?? 8005),
  standInsPort: Number(process.env.AWS_STAND_INS_PORT ?? 8006),
});

const { api, sesInbox, dynamoDb, awsStandIns } = stack.urls;
console.log(`Forecourt local stack is up.
  API gateway          ${api}
  Health               ${api}/_local/health
  Emails sent (JSON)   ${api}/_local/mail
  SES inbox (web)      ${sesInbox}
  SMS outbox           ${api}/_local/sms
  Staff token          POST ${api}/_local/tokens {"sub","email","groups":[...]}
  DynamoDB Local       ${dynamoDb}  (table "forecourt")
  SNS/Secrets stand-in ${awsStandIns}
Press Ctrl+C to stop.`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the local stack…');
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
