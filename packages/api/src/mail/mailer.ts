import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

/** The mail port: SMTP when SMTP_URL is set, else .eml files in a dev mailbox directory. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** A fixed Message-ID (`<…@…>`), for a message that may be sent again and must read as the same one. */
  messageId?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /**
   * Erasure: removes every stored copy of mail to `email` (the dev mailbox's .eml files); returns how many.
   * An SMTP mailer keeps no copy, so it has nothing to forget.
   */
  forget?(email: string): Promise<number>;
}

export const smtpMailer = (smtpUrl: string, from: string): Mailer => {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(m) {
      await transport.sendMail({
        from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: m.messageId,
      });
    },
  };
};

/** Dev mailbox: each message becomes `<time>-<random>.eml` under `dir` (e.g. `.data/mailbox/`). */
export const fileMailer = (dir: string, from: string): Mailer => {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(m) {
      const info = await transport.sendMail({
        from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: m.messageId,
      });
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      await writeFile(path.join(dir, name), info.message as Buffer, { mode: 0o600 });
    },
    forget: (email) => forgetMailTo(dir, email),
  };
};

/** Deletes the dev mailbox's messages that name `email` (case-insensitive) anywhere in them. */
export const forgetMailTo = async (dir: string, email: string): Promise<number> => {
  const needle = email.trim().toLowerCase();
  if (needle === '') return 0;
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.eml'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  let removed = 0;
  for (const n of names) {
    const file = path.join(dir, n);
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.toLowerCase().includes(needle)) {
      await rm(file, { force: true });
      removed++;
    }
  }
  return removed;
};

export { assertMailConfigured, devMailboxProblem } from './mail-guard.js';

export const createMailer = (opts: {
  smtpUrl?: string | undefined;
  from: string;
  mailboxDir: string;
}): Mailer => (opts.smtpUrl ? smtpMailer(opts.smtpUrl, opts.from) : fileMailer(opts.mailboxDir, opts.from));

/** Text for an HTML mail body (every mail builder uses this one). */
export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (paragraphs: string[], code?: string, after: string[] = []) =>
  [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937">',
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    code
      ? `<p style="font-size:28px;font-weight:700;letter-spacing:6px;font-family:ui-monospace,monospace">${escapeHtml(code)}</p>`
      : '',
    ...after.map((p) => `<p>${escapeHtml(p)}</p>`),
    '<p style="color:#6b7280;font-size:13px">TrueInterviewAI — interview practice you can trust with your voice.</p>',
    '</body></html>',
  ].join('');

/** The messages we send, in our own words. */
export const MESSAGES = {
  verificationCode(name: string, code: string, minutes: number): Omit<MailMessage, 'to'> {
    const lines = [
      `Hello ${name},`,
      `Here is your code to confirm this email address for TrueInterviewAI. It works once, for ${minutes} minutes.`,
      'If you did not create an account, you can ignore this message: nothing happens without the code.',
    ];
    return {
      subject: 'Confirm your email address for TrueInterviewAI',
      text: `${lines[0]}\n\n${lines[1]}\n\n    ${code}\n\n${lines[2]}\n`,
      html: page(lines.slice(0, 2), code, lines.slice(2)),
    };
  },
  passwordResetCode(name: string, code: string, minutes: number): Omit<MailMessage, 'to'> {
    const lines = [
      `Hello ${name},`,
      `Someone (hopefully you) asked to reset the password of your TrueInterviewAI account. Use this code within ${minutes} minutes; it works once.`,
      'If it was not you, ignore this message: your password stays as it is.',
    ];
    return {
      subject: 'Reset your TrueInterviewAI password',
      text: `${lines[0]}\n\n${lines[1]}\n\n    ${code}\n\n${lines[2]}\n`,
      html: page(lines.slice(0, 2), code, lines.slice(2)),
    };
  },
  accountErased(): Omit<MailMessage, 'to'> {
    const lines = [
      'Hello,',
      'As you asked, we have erased your TrueInterviewAI account: your profile, practice sessions, transcripts, scores and feedback are gone, and your data key was destroyed, so what remains in our event log can no longer be read.',
      'We keep only a one-way fingerprint of your email address, so that a new account with it does not get a second free trial.',
      'This is the last message we send to this address.',
    ];
    return {
      subject: 'Your TrueInterviewAI account was erased',
      text: `${lines.join('\n\n')}\n`,
      html: page(lines),
    };
  },
  inactivityWarning(name: string, months: number, eraseAfter: string): Omit<MailMessage, 'to'> {
    const day = eraseAfter.slice(0, 10);
    const lines = [
      `Hello ${name},`,
      `Nobody has signed in to your TrueInterviewAI account or practised with it for a long time. We keep accounts only while they are in use, so after ${months} months without activity we erase them.`,
      `Unless you sign in before ${day}, we will erase your account on or after that day: your profile, practice sessions, transcripts, scores and feedback will be gone for good.`,
      'To keep your account, simply sign in. To download a copy of your data first, sign in and open My data. If you do nothing, nothing else is needed from you.',
    ];
    return {
      subject: 'Your TrueInterviewAI account will be erased unless you sign in',
      text: `${lines.join('\n\n')}\n`,
      html: page(lines),
    };
  },
  accountErasedInactive(months: number): Omit<MailMessage, 'to'> {
    const lines = [
      'Hello,',
      `As we told you, we have erased your TrueInterviewAI account after ${months} months without activity: your profile, practice sessions, transcripts, scores and feedback are gone, and your data key was destroyed, so what remains in our event log can no longer be read.`,
      'We keep only a one-way fingerprint of your email address, so that a new account with it does not get a second free trial.',
      'This is the last message we send to this address.',
    ];
    return {
      subject: 'Your TrueInterviewAI account was erased',
      text: `${lines.join('\n\n')}\n`,
      html: page(lines),
    };
  },
  alreadyRegistered(): Omit<MailMessage, 'to'> {
    const lines = [
      'Hello,',
      'Someone tried to create a TrueInterviewAI account with this email address, but you already have one.',
      'You can simply sign in. If you forgot your password, use "Forgot password" on the sign-in page.',
      'If this was not you, no action is needed: no second account was created.',
    ];
    return {
      subject: 'You already have a TrueInterviewAI account',
      text: `${lines.join('\n\n')}\n`,
      html: page(lines),
    };
  },
};
