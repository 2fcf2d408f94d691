/**
 * End-to-end (issue 11, audit trail): a compliance officer enrols TOTP, opens /compliance/trail at 360 px,
 * filters the event log by type, loads it, and verifies the log (no checkpoint in a fresh anchor directory).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import {
  changeStaffAccess,
  createAuthServices,
  memoryCookies,
  POLICY_VERSION,
  signUp,
  silentLogger,
  stepAt,
  totpCode,
  verifyEmail,
  type MailMessage,
} from '@tia/api';
import { createTestDatabase, TEST_MASTER_KEY } from '@tia/db/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuild,
  launchChromium,
  openWatched,
  SHOT_DIR,
  startApp,
  TEST_SERVER_SECRETS,
  type App,
} from './harness';

let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let app: App | undefined;
let browser: Browser | undefined;
let anchorDir: string | undefined;

const EMAIL = 'officer@example.org';
const PASSWORD = 'who looked at what, and when';

beforeAll(async () => {
  db = await createTestDatabase();
  anchorDir = await mkdtemp(path.join(tmpdir(), 'tia-e2e-anchors-'));
  const codes = new Map<string, string>();
  const a = createAuthServices({
    sql: db.sql,
    masterKey: TEST_MASTER_KEY,
    authSecret: Buffer.from(TEST_SERVER_SECRETS.AUTH_SECRET, 'base64'),
    mailer: {
      send: (m: MailMessage) => {
        const code = /\n\s+(\d{6})\s*\n/.exec(m.text)?.[1];
        if (code) codes.set(m.to, code);
        return Promise.resolve();
      },
    },
    secureCookies: false,
  });
  const ctx = {
    sql: db.sql,
    requestId: 'e2e',
    session: null,
    ip: '192.0.2.10',
    userAgent: 'e2e',
    log: silentLogger,
    cookies: memoryCookies(),
    auth: a,
  };
  const { userId } = await signUp(ctx, {
    name: 'Olivia Officer',
    email: EMAIL,
    password: PASSWORD,
    dateOfBirth: '1985-02-02',
    consents: { recordingFeedback: true, productImprovement: false, marketingEmail: false },
    policyVersion: POLICY_VERSION,
  });
  await verifyEmail(ctx, { email: EMAIL, code: codes.get(EMAIL)! });
  const now = new Date().toISOString();
  await changeStaffAccess({ store: a.store }, { type: 'BootstrapAdmin', userId, now });
  await changeStaffAccess(
    { store: a.store },
    { type: 'GrantRole', actorId: userId, userId, role: 'compliance_officer', now },
  );
  await ensureBuild(['/compliance/trail', '/signin', '/mfa/enrol']);
  app = await startApp({ DATABASE_URL: db.url, AUDIT_ANCHOR_DIR: anchorDir });
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await app?.stop();
  await db?.drop();
  if (anchorDir) await rm(anchorDir, { recursive: true, force: true });
});

describe('audit trail', () => {
  it('an officer with TOTP filters the event log and verifies it, at 360 px', async () => {
    const { page, problems } = await openWatched(browser!, `${app!.base}/signin`, 360, 780);
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/mfa\/enrol/, { timeout: 20_000 });
    await page.getByRole('button', { name: 'Start set-up' }).click();
    const secret = (await page.locator('p.secret code').innerText()).replace(/\s+/g, '');
    await page
      .getByLabel('Enter the 6-digit code your app now shows')
      .fill(totpCode(decodeBase32IgnorePadding(secret), stepAt(new Date())));
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();
    await page.getByText('Two-factor authentication is on.').waitFor({ timeout: 15_000 });

    await page.goto(`${app!.base}/compliance/trail`, { waitUntil: 'load' });
    const table = page.getByTestId('trail-table');
    await table.waitFor({ timeout: 20_000 });
    await page.getByLabel('Event type').selectOption('RoleGranted');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('2 events shown.').waitFor({ timeout: 15_000 });
    const types = await table.locator('tbody tr td[data-label="Type"]').allInnerTexts();
    expect(types.map((t) => t.split(' ')[0])).toEqual(['RoleGranted', 'RoleGranted']);

    await page.getByRole('button', { name: 'Verify the log' }).click();
    await expect(page.getByTestId('verify-result').innerText({ timeout: 30_000 })).resolves.toMatch(
      /No signed checkpoint yet/,
    );

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: `${SHOT_DIR}/audit-trail-360.png`, fullPage: true });

    const looked = await db!.sql<{ action: string }[]>`
      select data->>'action' as action from events where type = 'AuditTrailConsulted'`;
    expect(looked.map((r) => r.action)).toEqual(expect.arrayContaining(['browse', 'verify']));
    const p = await problems();
    expect(p.csp).toEqual([]);
    expect(p.console).toEqual([]);
  }, 180_000);
});
