import { App } from 'aws-cdk-lib';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../infra/build-app.js';
import { EXAMPLE_CONFIG_PATH } from '../infra/config.js';
import { functionName } from '../shared/routes.js';

/** A function as `cdk synth` writes it: its bundle (the asset that deploys) and its environment from the template. */
export interface DeployedFunction {
  entry: string;
  /** The synthesized bundle, `index.mjs` in the function's asset directory. */
  file: string;
  bytes: number;
  /** The bytes of the source map beside the bundle (0 when there is none). */
  mapBytes: number;
  /** The function's `Environment.Variables`, with each CloudFormation reference given a stand-in value. */
  environment: Record<string, string>;
}

interface TemplateResource {
  Type: string;
  Properties: Record<string, unknown>;
  Metadata?: Record<string, string>;
}

/** The context of `cdk.json`: the feature flags `npx cdk synth` runs with. */
function cdkContext(root: string): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
}

/** A resolved value for an environment variable the template fills with a reference (`Ref`, `Fn::GetAtt`, `Fn::Join`). */
function standIn(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (name.endsWith('_URL')) return `https://sqs.us-east-1.amazonaws.com/000000000000/forecourt-${name.toLowerCase()}`;
  if (name.endsWith('_ARN') || name.endsWith('_ID'))
    return `arn:aws:secretsmanager:us-east-1:000000000000:secret:forecourt-${name.toLowerCase()}`;
  return `forecourt-${name.toLowerCase()}`;
}

/**
 * Synthesizes the app as `npx cdk synth` does (the same config, `cdk.json`'s flags, bundles
 * written) into `outdir`, and reads each entry's function from the stateless template: the
 * bundle it deploys and the environment it runs with, `NODE_OPTIONS` included. The bench loads
 * exactly that, so a setting in the template that slows a cold start shows up in the figures.
 */
export function synthesizeDeployedFunctions(root: string, outdir: string, entries: readonly string[]): DeployedFunction[] {
  const app = new App({
    outdir,
    context: { ...cdkContext(root), 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true },
  });
  const { stateless } = buildApp(app, EXAMPLE_CONFIG_PATH);
  const assembly = app.synth();
  const template = assembly.getStackByName(stateless.stackName).template as { Resources: Record<string, TemplateResource> };
  const resources = Object.values(template.Resources);
  return entries.map((entry) => {
    const suffix = `/${functionName(entry)}/Function/Resource`;
    const fn = resources.find((resource) => resource.Metadata?.['aws:cdk:path']?.endsWith(suffix));
    const assetPath = fn?.Metadata?.['aws:asset:path'];
    if (!fn || !assetPath) throw new Error(`No synthesized function with an asset for ${entry}`);
    const variables = (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    const file = join(assembly.directory, assetPath, 'index.mjs');
    let mapBytes = 0;
    try {
      mapBytes = statSync(`${file}.map`).size;
    } catch {
      mapBytes = 0;
    }
    return {
      entry,
      file,
      bytes: statSync(file).size,
      mapBytes,
      environment: Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, standIn(name, value)])),
    };
  });
}
