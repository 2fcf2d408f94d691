import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DependencyAuditUnreadable, recordDependencyAudit } from '@tia/db';
import { createTestDatabase, type TestDatabase } from '@tia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeStaffAccess } from '../staff/grants.js';
import type { Context } from '../context.js';
import type { AuthServices } from '../services.js';
import { appRouter } from '../root.js';
import { createTestAccount, sessionContext, testAuthServices, testClock } from '../testing/identity.js';
import { createCallerFactory } from '../trpc.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../../..');

let db: TestDatabase;
let a: AuthServices;
let dir: string;
let ctx: Context;
const clock = testClock();
const call = (c: Context) => createCallerFactory(appRouter)(c).dependencies;

/** What `npm audit --json` prints (report version 2), trimmed to two findings. */
const REPORT = JSON.stringify({
  auditReportVersion: 2,
  vulnerabilities: {
    'left-pad': { name: 'left-pad', severity: 'low', via: [], range: '<1.3.0', fixAvailable: true },
    'evil-pkg': {
      name: 'evil-pkg',
      severity: 'critical',
      via: [],
      range: '*',
      fixAvailable: false,
    },
  },
  metadata: {
    vulnerabilities: { info: 0, low: 1, moderate: 0, high: 0, critical: 1, total: 2 },
    dependencies: { prod: 10, dev: 5, total: 15 },
  },
});

beforeAll(async () => {
  db = await createTestDatabase();
  a = testAuthServices(db.sql, clock);
  dir = await mkdtemp(path.join(tmpdir(), 'tia-sbom-'));
  const admin = await createTestAccount(a, { email: 'admin@example.org' });
  await changeStaffAccess(a, { type: 'BootstrapAdmin', userId: admin, now: clock().toISOString() });
  const officer = await createTestAccount(a, { email: 'officer@example.org' });
  await changeStaffAccess(a, {
    type: 'GrantRole',
    actorId: admin,
    userId: officer,
    role: 'compliance_officer',
    now: clock().toISOString(),
  });
  ctx = await sessionContext(a, officer, { mfaPassed: true });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await db?.drop();
});

describe('SBOM and dependency audits (P17)', () => {
  it('`npm run sbom` writes a CycloneDX SBOM from the lock file, offline; the console searches it', async () => {
    const out = path.join(dir, 'sbom.cdx.json');
    await run('npx', ['tsx', 'scripts/sbom.ts', '--out', out], {
      cwd: ROOT,
      env: { ...process.env, npm_config_offline: 'true' },
    });
    const bom = JSON.parse(await readFile(out, 'utf8')) as { bomFormat: string; specVersion: string };
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.5' });

    const missing = await call({ ...ctx, sbomPath: path.join(dir, 'none.json') }).sbom({});
    expect(missing.sbom).toEqual({ status: 'missing' });

    const r = await call({ ...ctx, sbomPath: out }).sbom({ search: 'zod' });
    if (r.sbom.status !== 'ok') throw new Error('expected an SBOM');
    expect(r.sbom.total).toBeGreaterThan(100);
    const zodVersion = (
      JSON.parse(await readFile(path.join(ROOT, 'node_modules/zod/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    expect(r.sbom.components).toContainEqual(expect.objectContaining({ name: 'zod', version: zodVersion }));
    expect(r.sbom.components.every((c) => c.name.toLowerCase().includes('zod'))).toBe(true);
  });

  it('records an npm audit result as an event and shows the latest one', async () => {
    expect((await call(ctx).sbom({})).audit).toBeNull();
    const lockfile = await readFile(path.join(ROOT, 'package-lock.json'));
    await recordDependencyAudit(a.store, { report: REPORT, lockfile, source: 'ci-nightly', now: clock() });
    const audit = (await call(ctx).sbom({})).audit;
    expect(audit).toMatchObject({
      tool: 'npm audit',
      source: 'ci-nightly',
      counts: { low: 1, critical: 1, total: 2 },
      findings: [
        { name: 'evil-pkg', severity: 'critical', fixAvailable: false },
        { name: 'left-pad', severity: 'low', fixAvailable: true },
      ],
    });
    expect(audit?.lockfileSha256).toMatch(/^[0-9a-f]{64}$/);
    await expect(
      recordDependencyAudit(a.store, { report: 'npm ERR! network', lockfile, source: 'x', now: clock() }),
    ).rejects.toThrow(DependencyAuditUnreadable);
    await expect(
      recordDependencyAudit(a.store, {
        report: '{"auditReportVersion":1}',
        lockfile,
        source: 'x',
        now: clock(),
      }),
    ).rejects.toThrow(DependencyAuditUnreadable);
  });
});
