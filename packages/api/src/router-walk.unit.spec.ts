import { TRPCError } from '@trpc/server';
import type { AnyRouter } from '@trpc/server';
import type { Sql } from 'postgres';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { Context, Session } from './context.js';
import { memoryCookies } from './context.js';
import { ROLES, STAFF_ROLES } from './context.js';
import { appRouter } from './root.js';
import type { Access } from './trpc.js';
import { AUTHENTICATED, createCallerFactory, PUBLIC, procedure, router } from './trpc.js';
import type { Logger } from './log.js';
import { silentLogger } from './log.js';
import type { AuthServices } from './services.js';

interface ProcedureLike {
  _def: { meta?: { access?: Access }; type?: string };
}

/** Every procedure path of a router (tRPC keeps them flat in `_def.procedures`) with its access rule. */
function walk(r: Pick<AnyRouter, '_def'>): Array<{ path: string; access: Access | undefined }> {
  const def = r._def as unknown as {
    procedures: Record<string, ProcedureLike>;
    lazy: Record<string, unknown>;
  };
  const lazy = Object.keys(def.lazy ?? {});
  if (lazy.length > 0) throw new Error(`lazy routers cannot be walked statically: ${lazy.join(', ')}`);
  return Object.entries(def.procedures).map(([path, p]) => ({ path, access: p._def.meta?.access }));
}

function isValidAccess(a: Access | undefined): boolean {
  if (!a) return false;
  switch (a.kind) {
    case 'public':
    case 'authenticated':
      return true;
    case 'role':
      return a.roles.length > 0 && a.roles.every((r) => ROLES.includes(r)) && typeof a.mfa === 'boolean';
    default:
      return false;
  }
}

describe('appRouter access rules', () => {
  const procedures = walk(appRouter);

  it('has procedures to check', () => {
    expect(procedures.map((p) => p.path)).toEqual(expect.arrayContaining(['system.health', 'system.info']));
  });

  it('every procedure declares a valid access rule', () => {
    const missing = procedures.filter((p) => !isValidAccess(p.access)).map((p) => p.path);
    expect(missing, `procedures without a valid access meta: ${missing.join(', ')}`).toEqual([]);
  });

  it('staff-only role rules require MFA', () => {
    const weak = procedures
      .filter(
        (p) =>
          p.access?.kind === 'role' && p.access.roles.every((r) => STAFF_ROLES.includes(r)) && !p.access.mfa,
      )
      .map((p) => p.path);
    expect(weak).toEqual([]);
  });

  it('the walker itself flags a procedure without meta', () => {
    const fake = {
      _def: {
        procedures: { 'x.ok': { _def: { meta: { access: PUBLIC } } }, 'x.bare': { _def: {} } },
        lazy: {},
      },
    };
    const bad = walk(fake as unknown as AnyRouter).filter((p) => !isValidAccess(p.access));
    expect(bad.map((p) => p.path)).toEqual(['x.bare']);
  });
});

// ---- guard behaviour, with a test-only router built from the same helpers ----

const testRouter = router({
  open: procedure(PUBLIC).query(() => 'open'),
  me: procedure(AUTHENTICATED).query(({ ctx }) => ctx.session.userId),
  review: procedure({ kind: 'role', roles: ['compliance_officer', 'admin'], mfa: true }).query(
    () => 'reviewed',
  ),
  practise: procedure({ kind: 'role', roles: ['candidate'], mfa: false }).mutation(() => 'practised'),
  mixed: procedure({ kind: 'role', roles: ['candidate', 'analyst'], mfa: false }).query(() => 'mixed'),
});

const fakeSql = {} as unknown as Sql;
function ctx(session: Session | null, log: Logger = silentLogger): Context {
  return {
    sql: fakeSql,
    requestId: 'req-test',
    session,
    ip: '127.0.0.1',
    userAgent: 'vitest',
    log,
    cookies: memoryCookies(),
  };
}
const caller = (session: Session | null) => createCallerFactory(testRouter)(ctx(session));

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
}

describe('access guard', () => {
  const candidate: Session = { userId: 'u-cand', roles: ['candidate'], mfaPassed: false };
  const officerNoMfa: Session = { userId: 'u-off', roles: ['compliance_officer'], mfaPassed: false };
  const officer: Session = { ...officerNoMfa, mfaPassed: true };
  const analystNoMfa: Session = { userId: 'u-an', roles: ['analyst'], mfaPassed: false };

  it('public procedures need no session', async () => {
    await expect(caller(null).open()).resolves.toBe('open');
  });

  it('unauthenticated → UNAUTHORIZED for authenticated and role procedures', async () => {
    expect(await codeOf(caller(null).me())).toBe('UNAUTHORIZED');
    expect(await codeOf(caller(null).review())).toBe('UNAUTHORIZED');
    expect(await codeOf(caller(null).practise())).toBe('UNAUTHORIZED');
  });

  it('authenticated procedures get the narrowed session', async () => {
    await expect(caller(candidate).me()).resolves.toBe('u-cand');
  });

  it('missing role → FORBIDDEN', async () => {
    expect(await codeOf(caller(candidate).review())).toBe('FORBIDDEN');
    expect(await codeOf(caller(officer).practise())).toBe('FORBIDDEN');
  });

  it('staff without MFA → FORBIDDEN; with MFA → allowed', async () => {
    expect(await codeOf(caller(officerNoMfa).review())).toBe('FORBIDDEN');
    await expect(caller(officer).review()).resolves.toBe('reviewed');
  });

  it('staff acting only through a staff role need MFA even where the rule does not ask for it', async () => {
    expect(await codeOf(caller(analystNoMfa).mixed())).toBe('FORBIDDEN');
    await expect(caller(candidate).mixed()).resolves.toBe('mixed');
    await expect(caller({ ...analystNoMfa, mfaPassed: true }).mixed()).resolves.toBe('mixed');
  });

  it('candidates pass a role rule without MFA', async () => {
    await expect(caller(candidate).practise()).resolves.toBe('practised');
  });

  it('rejects a role rule with no roles at definition time', () => {
    expect(() => procedure({ kind: 'role', roles: [], mfa: true })).toThrow(/at least one role/);
  });

  it('denies before parsing input (no validation details leak to strangers)', async () => {
    const r = router({
      secret: procedure(AUTHENTICATED)
        .input((v: unknown) => {
          if (typeof v !== 'string') throw new Error('input parsed');
          return v;
        })
        .query(() => 'x'),
    });
    const log = { ...silentLogger, error: vi.fn() };
    expect(await codeOf(createCallerFactory(r)(ctx(null, log)).secret(42 as unknown as string))).toBe(
      'UNAUTHORIZED',
    );
  });
});

// ---- services and actor come from the middleware, never from a lookup in a procedure ----

describe('services middleware', () => {
  const services = { clock: () => new Date('2026-12-07T00:00:00Z') } as unknown as AuthServices;
  const r = router({
    open: procedure(PUBLIC).query(({ ctx }) => {
      expectTypeOf(ctx.services).toEqualTypeOf<AuthServices>();
      return ctx.services === services;
    }),
    mine: procedure(AUTHENTICATED).query(({ ctx }) => ({
      same: ctx.services === services,
      actor: ctx.actor,
    })),
    staff: procedure({ kind: 'role', roles: ['admin'], mfa: true }).query(({ ctx }) =>
      ctx.services.clock().toISOString(),
    ),
  });
  const withAuth = (session: Session | null): Context => ({ ...ctx(session), auth: services });
  const admin: Session = { userId: 'u-adm', roles: ['admin'], mfaPassed: true };

  it('gives public, signed-in and staff procedures the same typed services, and signed-in ones their actor', async () => {
    await expect(createCallerFactory(r)(withAuth(null)).open()).resolves.toBe(true);
    await expect(createCallerFactory(r)(withAuth(admin)).mine()).resolves.toEqual({
      same: true,
      actor: { userId: 'u-adm', requestId: 'req-test', ip: '127.0.0.1' },
    });
    await expect(createCallerFactory(r)(withAuth(admin)).staff()).resolves.toBe('2026-12-07T00:00:00.000Z');
  });

  it('a context without services serves procedures that need none; using them is a hidden wiring error', async () => {
    await expect(caller(null).open()).resolves.toBe('open');
    const log = { ...silentLogger, error: vi.fn() };
    const call = createCallerFactory(r)(ctx(admin, log));
    await expect(call.open()).resolves.toBe(false);
    const e = await call.staff().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TRPCError);
    expect((e as TRPCError).code).toBe('INTERNAL_SERVER_ERROR');
    expect(log.error).toHaveBeenCalled();
  });

  it('no procedure or use case looks its services up itself (no authOf, no ctx.auth)', () => {
    const src = path.dirname(fileURLToPath(import.meta.url));
    const files = (readdirSync(src, { recursive: true }) as string[]).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && !f.startsWith('testing'),
    );
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((f) => {
      if (f === 'context.ts') return false; // servicesOf: the one place that reads ctx.auth
      const text = readFileSync(path.join(src, f), 'utf8');
      return /\bauthOf\(|\bctx\.auth\b/.test(text);
    });
    expect(offenders).toEqual([]);
  });
});
