import { randomBytes } from 'node:crypto';
import type { Sql } from '@tia/db';
import { identity } from '@tia/domain';
import { hashPassword, ONE_TIME_PASSWORD_HOURS } from '../accounts/password-hashing.js';
import { changeStaffAccess } from './grants.js';
import { TotpFactors } from '../second-factor/totp.js';
import { Conflict } from '../errors.js';
import { findAccountByEmail, runAccountCommand } from '../accounts/common.js';
import { createAuthServices } from '../services.js';

/**
 * The first admin: an account with a strong random one-time password (returned once, stored only as an
 * argon2id hash, valid for ONE_TIME_PASSWORD_HOURS), the admin role granted by `bootstrap`, and TOTP enrolment required. Refused when an
 * admin already exists (serialised with every other staff-access change).
 */
export const bootstrapAdmin = async (
  sql: Sql,
  keys: { masterKey: Buffer; authSecret: Buffer },
  input: { email: string; name: string },
): Promise<{ userId: string; password: string }> => {
  const a = createAuthServices({
    sql,
    ...keys,
    mailer: { send: () => Promise.resolve() },
    secureCookies: true,
  });
  const email = identity.normaliseEmail(input.email);
  if (!identity.looksLikeEmail(email)) throw new Error('--email is not a valid email address');
  const name = input.name.trim();
  if (!name || name.length > 200) throw new Error('--name must be 1–200 characters');
  // 144 random bits, URL-safe: strong, and easy to paste once.
  const password = randomBytes(18).toString('base64url');
  const passwordHash = await hashPassword(password);
  const userId = a.newId();
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('tia:staff-access'))`;
    const admins = await tx`select 1 from rm_role_grants where role = 'admin' limit 1`;
    if (admins.length > 0) throw new Conflict('An admin already exists; ask them to grant access instead.');
    if (await findAccountByEmail(a, email, tx))
      throw new Conflict('An account with this email already exists.');
    const now = a.clock();
    const iso = now.toISOString();
    await tx`insert into auth_users (id, created_at) values (${userId}, ${now})`;
    // A one-time password: the first sign-in must change it before anything else.
    await tx`insert into credentials (user_id, password_hash, updated_at, change_required, one_time_expires_at)
             values (${userId}, ${passwordHash}, ${now}, true,
                     ${new Date(now.getTime() + ONE_TIME_PASSWORD_HOURS * 3600_000)})`;
    await runAccountCommand(a, tx, { requestId: 'admin:bootstrap' }, userId, [
      { type: 'Register', userId, name, email, signupMethod: 'password', now: iso },
      // The operator vouches for the address.
      { type: 'VerifyEmail', trialAnswers: 0, now: iso },
    ]);
    await changeStaffAccess(a, { type: 'BootstrapAdmin', userId, now: iso }, { tx });
    await new TotpFactors(sql, a.keys).requireEnrolment(tx, userId, 'bootstrap');
  });
  return { userId, password };
};
