/**
 * Accounts for browser tests (staff, or with `role: null` a verified candidate): a real account (sign-up, email verification), made admin by the
 * bootstrap rule and granted a staff role; then, in the browser, the first sign-in with TOTP enrolment.
 */
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
import type { StaffRole } from '@tia/domain';
import { TEST_MASTER_KEY, type TestDatabase } from '@tia/db/testing';
import type { Page } from 'playwright-core';
import { TEST_SERVER_SECRETS } from './harness';

export async function createStaffAccount(
  db: TestDatabase,
  p: {
    name: string;
    email: string;
    password: string;
    role: StaffRole | null;
    /** An admin's user id: grants the role as that admin (no bootstrap: only the first staff member is). */
    grantedBy?: string;
  },
): Promise<string> {
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
    services: a,
  };
  const { userId } = await signUp(ctx, {
    name: p.name,
    email: p.email,
    password: p.password,
    dateOfBirth: '1985-02-02',
    consents: { recordingFeedback: true, productImprovement: false, marketingEmail: false },
    policyVersion: POLICY_VERSION,
  });
  await verifyEmail(ctx, { email: p.email, code: codes.get(p.email)! });
  if (p.role === null) return userId; // a candidate: signed up and verified, no staff role
  const now = new Date().toISOString();
  if (!p.grantedBy) await changeStaffAccess({ store: a.store }, { type: 'BootstrapAdmin', userId, now });
  await changeStaffAccess(
    { store: a.store },
    { type: 'GrantRole', actorId: p.grantedBy ?? userId, userId, role: p.role, now },
  );
  return userId;
}

/** On the sign-in page: signs in and turns on two-factor authentication, as a staff member's first visit. */
export async function signInEnrollingTotp(
  page: Page,
  email: string,
  password: string,
  /** Called on the enrolment page before set-up and again with the secret and QR code shown (e.g. to run axe). */
  onStep?: (step: 'enrol' | 'secret') => Promise<void>,
): Promise<void> {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/mfa\/enrol/, { timeout: 20_000 });
  await onStep?.('enrol');
  await page.getByRole('button', { name: 'Start set-up' }).click();
  await page.getByTestId('totp-secret').waitFor({ timeout: 15_000 });
  await onStep?.('secret');
  const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
  await page
    .getByLabel('Enter the 6-digit code your app now shows')
    .fill(totpCode(decodeBase32IgnorePadding(secret), stepAt(new Date())));
  await page.getByRole('button', { name: 'Turn on two-factor' }).click();
  await page.getByText('Two-factor authentication is on.').waitFor({ timeout: 15_000 });
}
