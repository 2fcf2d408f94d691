import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_MASTER_KEY, type TestDatabase } from '@tia/db/testing';

const here = path.dirname(fileURLToPath(import.meta.url));
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
});
afterAll(async () => db?.drop());

const run = (env: Record<string, string>) => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'main.ts')], {
    cwd: path.resolve(here, '..'),
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  child.stdout.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(Boolean)));
  child.stderr.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(Boolean)));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, lines, exit };
};

describe('worker process', () => {
  it('refuses to start with a clear message when its environment is invalid', async () => {
    const w = run({ DATABASE_URL: 'not-a-url', MASTER_KEY: 'short' });
    expect(await w.exit).not.toBe(0);
    const out = w.lines.join('\n');
    expect(out).toMatch(/DATABASE_URL/);
    expect(out).toMatch(/MASTER_KEY must be exactly 32 random bytes/);
  });

  it('migrates, runs (embedded transport), and stops cleanly on SIGTERM', async () => {
    const w = run({
      DATABASE_URL: db.url,
      MASTER_KEY: TEST_MASTER_KEY.toString('base64'),
      LOG_LEVEL: 'info',
    });
    const end = Date.now() + 30_000;
    while (!w.lines.some((l) => l.includes('worker started'))) {
      if (Date.now() > end || w.child.exitCode !== null)
        throw new Error(`worker did not start:\n${w.lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const started = JSON.parse(w.lines.find((l) => l.includes('worker started'))!) as Record<string, unknown>;
    expect(started).toMatchObject({ level: 'info', service: 'worker', transport: 'embedded' });
    expect(await db.sql`select name from schema_migrations`).not.toHaveLength(0);
    w.child.kill('SIGTERM');
    expect(await w.exit).toBe(0);
    expect(w.lines.some((l) => l.includes('"worker stopped"'))).toBe(true);
  });

  it('refuses to start with a clear message when no speech engine is configured or reachable', async () => {
    const base = { DATABASE_URL: db.url, MASTER_KEY: TEST_MASTER_KEY.toString('base64') };
    const unset = run({ ...base, TRANSCRIPTION_ENGINE: 'whisper-http' });
    expect(await unset.exit).not.toBe(0);
    expect(unset.lines.join('\n')).toMatch(/WHISPER_URL/);
    const down = run({ ...base, TRANSCRIPTION_ENGINE: 'whisper-http', WHISPER_URL: 'http://127.0.0.1:9' });
    expect(await down.exit).not.toBe(0);
    expect(down.lines.join('\n')).toMatch(/not ready.*127\.0\.0\.1:9/s);
  });

  it('with SPEECH_ENGINE_MISSING=degrade starts without an engine, records transcription as unavailable, and notices when it comes up', async () => {
    // a free port, closed again: nothing answers there until the "engine" below starts
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));

    const w = run({
      DATABASE_URL: db.url,
      MASTER_KEY: TEST_MASTER_KEY.toString('base64'),
      TRANSCRIPTION_ENGINE: 'whisper-http',
      WHISPER_URL: `http://127.0.0.1:${port}`,
      SPEECH_ENGINE_MISSING: 'degrade',
      SPEECH_RECHECK_SECONDS: '1',
    });
    const capability = async () =>
      (
        await db.sql<{ available: boolean; reason: string | null; install_hint: string | null }[]>`
          select available, reason, install_hint from service_capabilities where capability = 'transcription'`
      )[0];
    const waitFor = async (what: string, ok: () => Promise<boolean> | boolean) => {
      const end = Date.now() + 45_000;
      while (!(await ok())) {
        if (Date.now() > end || w.child.exitCode !== null) throw new Error(`${what}:\n${w.lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const engine = createServer((_req, res) => res.writeHead(404).end());
    try {
      await waitFor('worker did not start', () => w.lines.some((l) => l.includes('worker started')));
      const warned = w.lines.find((l) => l.includes('transcription unavailable'));
      expect(warned, 'the operator is told what is missing and how to get it').toBeDefined();
      expect(warned).toMatch(/WHISPER_URL/);
      const down = await capability();
      expect(down).toMatchObject({ available: false });
      expect(down?.reason).toMatch(/not reachable/);
      expect(down?.install_hint).toMatch(/Whisper-compatible server/);

      await new Promise<void>((r) => engine.listen(port, '127.0.0.1', r));
      await waitFor(
        'transcription never became available',
        async () => (await capability())?.available === true,
      );
      expect(await capability()).toMatchObject({ available: true, reason: null, install_hint: null });
      expect(w.lines.some((l) => l.includes('transcription available again'))).toBe(true);
    } finally {
      w.child.kill('SIGTERM');
      await w.exit;
      await new Promise<void>((r) => engine.close(() => r()));
    }
  });
});
