import { createHash, randomBytes } from 'node:crypto';
import { PostgresJsAdapter } from '@lucia-auth/adapter-postgresql';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { Lucia, type Adapter, type DatabaseSession } from 'lucia';
import type { Sql } from 'postgres';

/**
 * Sessions — the only module that imports `lucia` (so it can be swapped). The cookie carries a random
 * 256-bit token (base32); the database keeps only SHA-256(token) as the session id, so a leaked table
 * cannot be replayed as cookies. Each session has an idle expiry that slides on use (7 days for candidates,
 * 12 hours for staff) and an absolute expiry (30 days) that never moves. lucia stores and deletes sessions;
 * validation is ours because lucia v3 has no absolute cap and one idle period for everyone.
 */
export interface SessionInfo {
  sessionId: string;
  userId: string;
  mfaPassed: boolean;
  expiresAt: Date;
}

export interface Sessions {
  create(
    userId: string,
    opts: { mfaPassed: boolean; staff?: boolean },
  ): Promise<{ token: string; info: SessionInfo }>;
  /**
   * Idle-extends; null when expired or unknown. `isStaff` (asked on every call) picks the idle limit of the
   * account's current role, so a policy or role change applies to sessions already open.
   */
  validate(token: string, isStaff?: (userId: string) => Promise<boolean>): Promise<SessionInfo | null>;
  markMfaPassed(sessionId: string): Promise<void>;
  /**
   * The second factor was passed: replaces the session by a new one (new token, MFA passed, same idle policy and
   * absolute expiry) in one transaction and returns the new token; null when the session is gone.
   */
  rotatePassingMfa(sessionId: string): Promise<string | null>;
  invalidate(sessionId: string): Promise<void>;
  invalidateAllFor(userId: string): Promise<void>;
  /** '__Host-tia_session' on HTTPS, 'tia_session' otherwise (for this instance's default `secure`). */
  cookieName: string;
  /** HttpOnly; SameSite=Lax; Path=/; Max-Age; Secure when HTTPS. */
  cookieAttributes(secure: boolean): string;
}

export interface SessionPolicy {
  candidateIdleSeconds: number;
  staffIdleSeconds: number;
  absoluteSeconds: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  candidateIdleSeconds: 7 * 24 * 3600,
  staffIdleSeconds: 12 * 3600,
  absoluteSeconds: 30 * 24 * 3600,
};

export const sessionCookieName = (secure: boolean): string => (secure ? '__Host-tia_session' : 'tia_session');

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

const TOKEN = /^[a-z2-7]{52}$/;

export const newSessionToken = (): string => encodeBase32LowerCaseNoPadding(new Uint8Array(randomBytes(32)));

declare module 'lucia' {
  interface Register {
    DatabaseSessionAttributes: {
      absolute_expires_at: Date;
      idle_seconds: number;
      mfa_passed: boolean;
      created_at: Date;
    };
  }
}

/** Takes the idle expiry from our clock (lucia would use the wall clock and a single period). */
class ClockedAdapter implements Adapter {
  constructor(
    private readonly inner: Adapter,
    private readonly clock: () => Date,
  ) {}
  getSessionAndUser(id: string) {
    return this.inner.getSessionAndUser(id);
  }
  getUserSessions(userId: string) {
    return this.inner.getUserSessions(userId);
  }
  setSession(s: DatabaseSession) {
    const idle = s.attributes.idle_seconds * 1000;
    const expiresAt = new Date(
      Math.min(this.clock().getTime() + idle, s.attributes.absolute_expires_at.getTime()),
    );
    return this.inner.setSession({ ...s, expiresAt });
  }
  updateSessionExpiration(id: string, expiresAt: Date) {
    return this.inner.updateSessionExpiration(id, expiresAt);
  }
  deleteSession(id: string) {
    return this.inner.deleteSession(id);
  }
  deleteUserSessions(userId: string) {
    return this.inner.deleteUserSessions(userId);
  }
  deleteExpiredSessions() {
    return this.inner.deleteExpiredSessions();
  }
}

export const createSessions = (
  sql: Sql,
  opts: { secure: boolean; clock?: () => Date; policy?: Partial<SessionPolicy> },
): Sessions => {
  const clock = opts.clock ?? (() => new Date());
  const policy = { ...DEFAULT_SESSION_POLICY, ...opts.policy };
  const lucia = new Lucia(
    new ClockedAdapter(new PostgresJsAdapter(sql, { user: 'auth_users', session: 'auth_sessions' }), clock),
    { sessionCookie: { name: sessionCookieName(opts.secure) } },
  );
  return {
    cookieName: sessionCookieName(opts.secure),
    cookieAttributes: (secure) =>
      `HttpOnly; SameSite=Lax; Path=/; Max-Age=${policy.absoluteSeconds}${secure ? '; Secure' : ''}`,

    async create(userId, { mfaPassed, staff = false }) {
      const token = newSessionToken();
      const now = clock();
      const idle = staff ? policy.staffIdleSeconds : policy.candidateIdleSeconds;
      const s = await lucia.createSession(
        userId,
        {
          absolute_expires_at: new Date(now.getTime() + policy.absoluteSeconds * 1000),
          idle_seconds: idle,
          mfa_passed: mfaPassed,
          created_at: now,
        },
        { sessionId: hashToken(token) },
      );
      const expiresAt = new Date(
        Math.min(now.getTime() + idle * 1000, now.getTime() + policy.absoluteSeconds * 1000),
      );
      return { token, info: { sessionId: s.id, userId, mfaPassed, expiresAt } };
    },

    async validate(token, isStaff) {
      if (!TOKEN.test(token)) return null;
      const id = hashToken(token);
      const rows = await sql<
        {
          user_id: string;
          expires_at: Date;
          absolute_expires_at: Date;
          idle_seconds: number;
          mfa_passed: boolean;
        }[]
      >`select user_id, expires_at, absolute_expires_at, idle_seconds, mfa_passed from auth_sessions where id = ${id}`;
      const r = rows[0];
      if (!r) return null;
      const now = clock().getTime();
      if (now >= r.expires_at.getTime() || now >= r.absolute_expires_at.getTime()) {
        await lucia.invalidateSession(id);
        return null;
      }
      let expiresAt = r.expires_at;
      let idleSeconds = r.idle_seconds;
      if (isStaff) {
        idleSeconds = (await isStaff(r.user_id)) ? policy.staffIdleSeconds : policy.candidateIdleSeconds;
        // Last use (within the minute the slide is written at most) plus the current limit.
        const lastUse = r.expires_at.getTime() - r.idle_seconds * 1000;
        if (now >= lastUse + idleSeconds * 1000) {
          await lucia.invalidateSession(id);
          return null;
        }
        if (idleSeconds !== r.idle_seconds) {
          expiresAt = new Date(Math.min(lastUse + idleSeconds * 1000, r.absolute_expires_at.getTime()));
          await sql`update auth_sessions set idle_seconds = ${idleSeconds}, expires_at = ${expiresAt} where id = ${id}`;
        }
      }
      const slid = Math.min(now + idleSeconds * 1000, r.absolute_expires_at.getTime());
      // Slide, writing at most about once a minute per session.
      if (slid - expiresAt.getTime() > 60_000) {
        expiresAt = new Date(slid);
        await sql`update auth_sessions set expires_at = ${expiresAt} where id = ${id}`;
      }
      return { sessionId: id, userId: r.user_id, mfaPassed: r.mfa_passed, expiresAt };
    },

    async markMfaPassed(sessionId) {
      await sql`update auth_sessions set mfa_passed = true where id = ${sessionId}`;
    },
    async rotatePassingMfa(sessionId) {
      const token = newSessionToken();
      const moved = await sql.begin(async (tx) => {
        const rows = await tx`
          insert into auth_sessions (id, user_id, expires_at, absolute_expires_at, idle_seconds, mfa_passed, created_at)
          select ${hashToken(token)}, user_id, expires_at, absolute_expires_at, idle_seconds, true, created_at
            from auth_sessions where id = ${sessionId}
          returning id`;
        await tx`delete from auth_sessions where id = ${sessionId}`;
        return rows.length > 0;
      });
      return moved ? token : null;
    },
    invalidate: (sessionId) => lucia.invalidateSession(sessionId),
    invalidateAllFor: (userId) => lucia.invalidateUserSessions(userId),
  };
};
