import { createHash, randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@tia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessions, DEFAULT_SESSION_POLICY, sessionCookieName, type Sessions } from './sessions.js';

let db: TestDatabase;
let sessions: Sessions;
const clock = { now: new Date('2026-11-30T10:00:00.000Z') };
const advance = (seconds: number) => (clock.now = new Date(clock.now.getTime() + seconds * 1000));
const DAY = 24 * 3600;

const newUser = async () => {
  const id = randomUUID();
  await db.sql`insert into auth_users (id) values (${id})`;
  return id;
};

beforeAll(async () => {
  db = await createTestDatabase();
  sessions = createSessions(db.sql, { secure: false, clock: () => clock.now });
});
afterAll(async () => db?.drop());

describe('sessions (lucia over PostgreSQL)', () => {
  it('stores SHA-256 of a 256-bit token; validates the token, not the id', async () => {
    const userId = await newUser();
    const { token, info } = await sessions.create(userId, { mfaPassed: false });
    expect(token).toMatch(/^[a-z2-7]{52}$/);
    expect(info.sessionId).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(await db.sql`select * from auth_sessions`)).not.toContain(token);
    expect(await sessions.validate(token)).toMatchObject({ userId, mfaPassed: false });
    expect(await sessions.validate(info.sessionId)).toBeNull(); // the stored id is useless as a cookie
    expect(await sessions.validate('garbage')).toBeNull();
  });

  it('candidate idle timeout: 7 days without use ends the session', async () => {
    const { token } = await sessions.create(await newUser(), { mfaPassed: false });
    advance(DEFAULT_SESSION_POLICY.candidateIdleSeconds - 60);
    expect(await sessions.validate(token)).not.toBeNull(); // used: slides
    advance(DEFAULT_SESSION_POLICY.candidateIdleSeconds - 60);
    expect(await sessions.validate(token)).not.toBeNull();
    advance(DEFAULT_SESSION_POLICY.candidateIdleSeconds + 1);
    expect(await sessions.validate(token)).toBeNull();
    expect(
      await db.sql`select 1 from auth_sessions where id = ${createHash('sha256').update(token).digest('hex')}`,
    ).toHaveLength(0);
  });

  it('staff idle timeout is 12 hours', async () => {
    const { token } = await sessions.create(await newUser(), { mfaPassed: false, staff: true });
    advance(11 * 3600);
    expect(await sessions.validate(token)).not.toBeNull();
    advance(12 * 3600 + 1);
    expect(await sessions.validate(token)).toBeNull();
  });

  it('absolute timeout: 30 days, however active', async () => {
    const { token } = await sessions.create(await newUser(), { mfaPassed: false });
    for (let d = 0; d < 29; d++) {
      advance(DAY);
      expect(await sessions.validate(token), `day ${d + 1}`).not.toBeNull();
    }
    advance(DAY);
    expect(await sessions.validate(token)).toBeNull();
  });

  it('marks MFA passed; invalidates one or every session of a user', async () => {
    const userId = await newUser();
    const a = await sessions.create(userId, { mfaPassed: false });
    const b = await sessions.create(userId, { mfaPassed: false });
    await sessions.markMfaPassed(a.info.sessionId);
    expect((await sessions.validate(a.token))?.mfaPassed).toBe(true);
    await sessions.invalidate(a.info.sessionId);
    expect(await sessions.validate(a.token)).toBeNull();
    expect(await sessions.validate(b.token)).not.toBeNull();
    await sessions.create(userId, { mfaPassed: false });
    await sessions.invalidateAllFor(userId);
    expect(await db.sql`select 1 from auth_sessions where user_id = ${userId}`).toHaveLength(0);
  });

  it('cookie name and attributes: __Host- prefix and Secure on HTTPS', () => {
    expect(sessionCookieName(true)).toBe('__Host-tia_session');
    expect(sessionCookieName(false)).toBe('tia_session');
    expect(createSessions(db.sql, { secure: true }).cookieName).toBe('__Host-tia_session');
    expect(sessions.cookieAttributes(true)).toBe(
      `HttpOnly; SameSite=Lax; Path=/; Max-Age=${30 * DAY}; Secure`,
    );
    expect(sessions.cookieAttributes(false)).not.toContain('Secure');
  });
});
