import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BundledFunction, handlerLocation } from '../local/harness/bundled-function';
import { findDecisionFunction } from '../local/harness/decision-function';
import { median, round } from './stats';

/** The decision function's bundle in cdk.out, synthesizing first when it is missing. */
export function decisionFunctionAsset(root: string): BundledFunction {
  const assembly = path.join(root, 'cdk.out');
  try {
    return findDecisionFunction(assembly);
  } catch {
    const synth = spawnSync('npx', ['cdk', 'synth', '--quiet'], { cwd: root, stdio: 'inherit' });
    if (synth.status !== 0) throw new Error('cdk synth failed');
    return findDecisionFunction(assembly);
  }
}

export interface AssetSize {
  readonly handlerBytes: number;
  readonly sourceMapBytes: number;
  readonly files: number;
}

export function assetSize(fn: BundledFunction): AssetSize {
  const { modulePath } = handlerLocation(fn);
  const mapPath = `${modulePath}.map`;
  return {
    handlerBytes: fs.statSync(modulePath).size,
    sourceMapBytes: fs.existsSync(mapPath) ? fs.statSync(mapPath).size : 0,
    files: fs.readdirSync(fn.assetDir).length,
  };
}

export interface ColdInit {
  readonly runs: number;
  readonly bareNodeMedianMs: number;
  readonly assetMedianMs: number;
  readonly ratio: number;
}

/**
 * Cold init: wall time of a fresh `node` that loads the bundle (module scope: clients, logger, config),
 * against a bare `node -e ''`, interleaved so that machine noise hits both alike.
 */
export function coldInit(fn: BundledFunction, environment: Record<string, string>, runs = 21): ColdInit {
  const { modulePath } = handlerLocation(fn);
  const env = { PATH: process.env.PATH ?? '', ...environment };
  const time = (args: string[]) => {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr.toString()}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const bare: number[] = [];
  const asset: number[] = [];
  time(['-e', '']);
  for (let i = 0; i < runs; i++) {
    bare.push(time(['-e', '']));
    asset.push(time(['-e', `require(${JSON.stringify(modulePath)})`]));
  }
  const bareNodeMedianMs = median(bare);
  const assetMedianMs = median(asset);
  return { runs, bareNodeMedianMs: round(bareNodeMedianMs), assetMedianMs: round(assetMedianMs), ratio: round(assetMedianMs / bareNodeMedianMs, 2) };
}
