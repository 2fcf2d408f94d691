import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSmtp } from '../testing/identity-harness.js';
import { createMailer, MESSAGES } from './mailer.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('mailer', () => {
  it('without SMTP_URL writes .eml files (0600) into the dev mailbox', async () => {
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'tia-mailbox-')), 'mailbox');
    dirs.push(path.dirname(dir));
    const mailer = createMailer({ from: 'TrueInterviewAI <no-reply@test.local>', mailboxDir: dir });
    await mailer.send({ to: 'ada@example.org', ...MESSAGES.verificationCode('Ada', '042917', 10) });
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.eml$/);
    const raw = await readFile(path.join(dir, files[0]!), 'utf8');
    expect(raw).toMatch(/To: ada@example.org/);
    expect(raw).toContain('042917');
    expect((await stat(path.join(dir, files[0]!))).mode & 0o777).toBe(0o600);
  });

  it('with SMTP_URL delivers to a real SMTP server, plain text and HTML', async () => {
    const smtp = await startSmtp();
    try {
      const mailer = createMailer({
        smtpUrl: smtp.url,
        from: 'TrueInterviewAI <no-reply@test.local>',
        mailboxDir: '/nonexistent',
      });
      await mailer.send({ to: 'grace@example.org', ...MESSAGES.passwordResetCode('Grace', '123456', 10) });
      expect(smtp.inbox).toHaveLength(1);
      expect(smtp.inbox[0]!.to).toEqual(['grace@example.org']);
      expect(smtp.inbox[0]!.raw).toMatch(/Content-Type: text\/plain/);
      expect(smtp.inbox[0]!.raw).toMatch(/Content-Type: text\/html/);
    } finally {
      await smtp.close();
    }
  });
});
