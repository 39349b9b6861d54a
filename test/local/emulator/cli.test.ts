import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const cli = path.join(root, 'local/emulator/cli.ts');

describe('emulator CLI', () => {
  it.each([
    [['--bogus'], /bogus/],
    [['--port', 'abc'], /--port must be/],
    [['--host', '0.0.0.0'], /non-loopback/],
  ])('rejects %j with exit code 2 and a message', (args, message) => {
    const r = spawnSync(tsx, [cli, ...args], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('prints its URL, serves, and stops on SIGTERM', async () => {
    const child = spawn(tsx, [cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
        if (m) resolve(m[0]);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const health = (await (await fetch(`${url}/_control/health`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
