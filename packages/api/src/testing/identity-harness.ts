/* Test harness for identity integration tests: real PostgreSQL, real in-process SMTP server. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createTestDatabase, TEST_MASTER_KEY, type TestDatabase } from '@tia/db/testing';
import { memoryCookies, type Context, type Session } from '../context.js';
import { silentLogger } from '../log.js';
import { appRouter } from '../root.js';
import { createCallerFactory } from '../trpc.js';
import { fileMailer, smtpMailer, type Mailer } from '../mail/mailer.js';
import { sessionCookieName } from '../sessions/sessions.js';
import { createAuthServices, type AuthServices } from '../services.js';
import { resolveSession } from '../accounts/sign-in.js';

export interface Mail {
  to: string[];
  raw: string;
}

export const startSmtp = async () => {
  const inbox: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

export const AUTH_SECRET = Buffer.alloc(32, 9);

const factory = createCallerFactory(appRouter);
export type AppCaller = ReturnType<typeof factory>;

export interface Harness {
  db: TestDatabase;
  smtp: Awaited<ReturnType<typeof startSmtp>>;
  auth: AuthServices;
  clock: { now: Date; advance(seconds: number): void };
  /** A tRPC caller as seen from one browser (its own cookie jar, ip and user agent). */
  browser(opts?: { ip?: string; ua?: string; secure?: boolean }): Promise<Browser>;
  mailsTo(email: string): Mail[];
  lastCodeFor(email: string): string;
  close(): Promise<void>;
}

export interface Browser {
  cookies: ReturnType<typeof memoryCookies>;
  /** A caller with the session this browser's cookie currently resolves to. */
  call(): Promise<AppCaller>;
  token(): string | null;
  session(): Promise<Session | null>;
}

export const codeOf = (raw: string): string => {
  const m = /\n {4}(\d{6})\r?\n/.exec(raw);
  if (!m) throw new Error(`no code in mail:\n${raw}`);
  return m[1]!;
};

/** Every mail goes to the SMTP server and, as the dev mailbox does, into `dir` as an .eml file. */
const teeMailer = (smtpUrl: string, dir: string, from: string): Mailer => {
  const smtp = smtpMailer(smtpUrl, from);
  const file = fileMailer(dir, from);
  return {
    send: async (m) => {
      await smtp.send(m);
      await file.send(m);
    },
    forget: (email) => file.forget!(email),
  };
};

export const createHarness = async (
  opts: { freeTrialAnswers?: number; mailboxDir?: string } = {},
): Promise<Harness> => {
  const db = await createTestDatabase();
  const smtp = await startSmtp();
  const clock = {
    now: new Date('2026-11-30T10:00:00.000Z'),
    advance(seconds: number) {
      this.now = new Date(this.now.getTime() + seconds * 1000);
    },
  };
  const auth = createAuthServices({
    sql: db.sql,
    masterKey: TEST_MASTER_KEY,
    authSecret: AUTH_SECRET,
    mailer: opts.mailboxDir
      ? teeMailer(smtp.url, opts.mailboxDir, 'TrueInterviewAI <no-reply@test.local>')
      : smtpMailer(smtp.url, 'TrueInterviewAI <no-reply@test.local>'),
    secureCookies: false,
    freeTrialAnswers: opts.freeTrialAnswers ?? 5,
    clock: () => clock.now,
  });
  let n = 0;
  let browsers = 0;
  const mailsTo = (email: string) => smtp.inbox.filter((m) => m.to.includes(email));
  return {
    db,
    smtp,
    auth,
    clock,
    mailsTo,
    lastCodeFor: (email) => {
      const mails = mailsTo(email);
      if (mails.length === 0) throw new Error(`no mail to ${email}`);
      return codeOf(mails[mails.length - 1]!.raw);
    },
    browser: ({ ip, ua = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', secure = false } = {}) => {
      // Each browser on its own network unless told otherwise (rate limits are per /24).
      const k = ++browsers;
      ip ??= `10.${(k >> 8) & 255}.${k & 255}.7`;
      const cookies = memoryCookies(secure);
      const name = sessionCookieName(secure);
      const token = () => {
        const c = cookies.jar.get(name);
        return c && c.value !== '' ? c.value : null;
      };
      const session = async () => {
        const t = token();
        return t ? resolveSession(auth, `${name}=${t}`, secure) : null;
      };
      return Promise.resolve({
        cookies,
        token,
        session,
        call: async () => {
          const ctx: Context = {
            sql: db.sql,
            requestId: `req-${++n}`,
            session: await session(),
            ip,
            userAgent: ua,
            log: silentLogger,
            cookies,
            auth,
          };
          return factory(ctx);
        },
      });
    },
    close: async () => {
      await smtp.close();
      await db.drop();
    },
  };
};

export const signUpInput = (
  over: Partial<{ name: string; email: string; password: string; dateOfBirth: string }> = {},
) => ({
  name: 'Ada Lovelace',
  email: 'ada@example.org',
  password: 'analytical engine notes',
  dateOfBirth: '1990-12-10',
  consents: { recordingFeedback: true, productImprovement: false, marketingEmail: true },
  policyVersion: '2026-11-30',
  ...over,
});

/** Waits until `n` mails reached `email` (SMTP delivery is asynchronous to the procedure's answer). */
export const waitForMails = async (h: Harness, email: string, n: number) => {
  for (let i = 0; i < 100 && h.mailsTo(email).length < n; i++) await new Promise((r) => setTimeout(r, 20));
  return h.mailsTo(email);
};
