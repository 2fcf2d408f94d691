import { randomUUID } from 'node:crypto';
import { TEST_MASTER_KEY } from '@tia/db/testing';
import type { Sql } from '@tia/db';
import { memoryCookies, type Context, type Session } from '../context.js';
import { runAccountCommand } from '../accounts/common.js';
import { createAuthServices, type AuthServices } from '../services.js';
import { rolesFor } from '../sessions/roles.js';
import { silentLogger } from '../log.js';

export const TEST_AUTH_SECRET = Buffer.alloc(32, 9);

/** A settable clock for tests. */
export const testClock = (start = new Date('2026-06-01T12:00:10.000Z')) => {
  let now = start;
  const clock = () => now;
  clock.set = (d: Date) => void (now = d);
  clock.advance = (ms: number) => void (now = new Date(now.getTime() + ms));
  return clock;
};

export const testAuthServices = (sql: Sql, clock: () => Date): AuthServices =>
  createAuthServices({
    sql,
    masterKey: TEST_MASTER_KEY,
    authSecret: TEST_AUTH_SECRET,
    mailer: { send: () => Promise.resolve() },
    secureCookies: false,
    clock,
  });

/** A verified password-less account (auth user + AccountRegistered + EmailVerified), for tests. */
export const createTestAccount = async (
  a: AuthServices,
  opts: { name?: string; email?: string } = {},
): Promise<string> => {
  const userId = randomUUID();
  const now = a.clock();
  await a.sql.begin(async (tx) => {
    await tx`insert into auth_users (id, created_at) values (${userId}, ${now})`;
    await runAccountCommand(a, tx, { requestId: 'test' }, userId, [
      {
        type: 'Register',
        userId,
        name: opts.name ?? 'Test Person',
        email: opts.email ?? `${userId}@example.org`,
        signupMethod: 'password',
        now: now.toISOString(),
      },
      { type: 'VerifyEmail', trialAnswers: 0, now: now.toISOString() },
    ]);
  });
  return userId;
};

/** A real session row and the Context a request with its cookie would get. */
export const sessionContext = async (
  a: AuthServices,
  userId: string,
  opts: { mfaPassed?: boolean } = {},
): Promise<Context & { session: Session }> => {
  const { info } = await a.sessions.create(userId, { mfaPassed: opts.mfaPassed ?? false });
  return {
    sql: a.sql,
    requestId: `req-${randomUUID()}`,
    session: {
      sessionId: info.sessionId,
      userId,
      roles: await rolesFor(a.sql, userId),
      mfaPassed: info.mfaPassed,
    },
    ip: '203.0.113.7',
    userAgent: 'vitest',
    log: silentLogger,
    cookies: memoryCookies(),
    auth: a,
  };
};
