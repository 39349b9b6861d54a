import * as fs from 'node:fs';
import * as path from 'node:path';

/** The context of cdk.json (configuration defaults and feature flags), as `cdk synth` sees it. */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;
