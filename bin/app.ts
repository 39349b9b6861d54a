#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { ConfigError, loadConfig } from '../lib/config';

// The app's edge: configuration comes from CDK context (cdk.json, then -c key=value) and nowhere else.
const app = new App();
try {
  buildApp(app, loadConfig((key) => app.node.tryGetContext(key)));
} catch (e: unknown) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
app.synth();
