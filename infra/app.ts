import { App } from 'aws-cdk-lib';
import { resolve } from 'node:path';
import { buildApp } from './build-app.js';
import { EXAMPLE_CONFIG_PATH } from './config.js';

/** `npx cdk synth|deploy [-c config=path/to/config.json]`: the example config unless one is given. */
const app = new App();
const configPath = app.node.tryGetContext('config') as string | undefined;
buildApp(app, configPath ? resolve(configPath) : EXAMPLE_CONFIG_PATH);
app.synth();
