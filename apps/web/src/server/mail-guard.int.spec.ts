/**
 * The web server refuses to start in production without SMTP_URL (the dev mailbox keeps names, addresses and
 * codes as plaintext files): it exits with a message saying what to set, before listening.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const runServer = (env: Record<string, string>) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const base = { ...process.env };
    for (const k of ['SMTP_URL', 'ALLOW_DEV_MAILBOX', 'NODE_ENV']) delete base[k];
    const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts', '-p', '0', '-H', '127.0.0.1'], {
      cwd: WEB_DIR,
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });

describe('server.ts and the dev mailbox', () => {
  it('exits 1 with NODE_ENV=production and no SMTP_URL, saying what to set', async () => {
    const r = await runServer({ NODE_ENV: 'production' });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/SMTP_URL is not set while NODE_ENV=production: refusing to start/);
    expect(r.output).not.toMatch(/listening/);
  });

  it('also when NODE_ENV is unset (it defaults to production)', async () => {
    const r = await runServer({});
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/refusing to start/);
  });
});
