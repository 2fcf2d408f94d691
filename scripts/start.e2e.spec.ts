/**
 * `npm start` on a bare machine: embedded PostgreSQL, migrations, worker and web app up with a green health
 * endpoint; Ctrl-C (SIGINT to the whole process group, as a terminal sends it) stops everything cleanly.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '@tia/db';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => (s.end(), resolve(true)));
    s.on('error', () => resolve(false));
  });

const dataDir = mkdtempSync(path.join(tmpdir(), 'tia-start-'));
chmodSync(dataDir, 0o755); // the embedded server runs as the `postgres` user when we are root
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm start', () => {
  it('brings the whole product up on embedded PostgreSQL and stops cleanly on Ctrl-C', async () => {
    const [port, pgPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(pgPort),
      DATA_DIR: dataDir,
    };
    delete env.DATABASE_URL;
    delete env.KAFKA_BROKERS;
    delete env.MASTER_KEY;
    delete env.AUDIT_SIGNING_KEY;
    delete env.AUDIT_ANCHOR_DIR;
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: ROOT,
      env,
      detached: true, // its own process group, like a terminal's foreground job
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: string[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b.toString()));
    child.stderr.on('data', (b: Buffer) => out.push(b.toString()));
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const end = Date.now() + 400_000;
      while (!out.join('').includes('TrueInterviewAI is up')) {
        if (Date.now() > end || child.exitCode !== null)
          throw new Error(`not up:\n${out.join('').slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const r = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(r.status).toBe(200);
      const health = (await r.json()) as {
        ok: boolean;
        database: { ok: boolean; migrationsApplied: number };
        transport: { mode: string; consumers: { name: string }[] };
      };
      expect(health.ok).toBe(true);
      const migrations = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).length;
      expect(health.database).toMatchObject({ ok: true, migrationsApplied: migrations });
      expect(health.transport.mode).toBe('embedded');
      expect(health.transport.consumers.map((c) => c.name)).toEqual(
        expect.arrayContaining(['handler:diagnostics', 'projection:activity_daily']),
      );
      const home = await fetch(`http://127.0.0.1:${port}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toMatch(/TrueInterview/);
      // The worker signs the audit log with the dev key and publishes to the anchor directory.
      const anchors = path.join(dataDir, 'anchors');
      const anchorEnd = Date.now() + 60_000;
      while (!(await readdir(anchors).catch(() => [] as string[])).some((f) => f.startsWith('checkpoint-'))) {
        if (Date.now() > anchorEnd) throw new Error(`no audit checkpoint:\n${out.join('').slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(await readdir(anchors)).toContain('public-key.pem');
      expect(await readdir(dataDir)).toContain('audit-signing.key');

      // The README's command-line tools work right after `npm start`, with no variable set.
      const cliEnv: NodeJS.ProcessEnv = { ...env };
      delete cliEnv.AUTH_SECRET;
      const cli = (args: string[]) =>
        spawnSync('npm', ['run', '--silent', ...args], {
          cwd: ROOT,
          env: cliEnv,
          encoding: 'utf8',
          timeout: 120_000,
        });
      const verify = cli(['db:verify']);
      expect(verify.status, `${verify.stdout}\n${verify.stderr}`).toBe(0);
      expect(verify.stdout).toMatch(/hash chain verified/);
      const admin = cli(['admin:bootstrap', '--', '--email', 'ops@example.org', '--name', 'Ops Admin']);
      expect(admin.status, `${admin.stdout}\n${admin.stderr}`).toBe(0);
      expect(admin.stdout).toMatch(/Admin account created for ops@example\.org/);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch {
        // already gone (it failed to start): let the original error speak
      }
    }
    expect(await exit).toBe(0);
    const logs = out.join('');
    expect(logs).toMatch(/"msg":"worker stopped"/);
    expect(logs).not.toMatch(/"level":"error"/);
    expect(await listening(port)).toBe(false);
    expect(await listening(pgPort)).toBe(false);
    // Stopped: the tools say what to do instead of guessing a database.
    expect(await readdir(dataDir)).not.toContain('database.url');
    const after = spawnSync('npm', ['run', '--silent', 'db:verify'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(after.status).not.toBe(0);
    expect(after.stderr + after.stdout).toMatch(/DATABASE_URL is not set and no `npm start` is running here/);
  });
});
