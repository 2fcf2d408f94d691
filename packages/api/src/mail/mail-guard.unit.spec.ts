import { describe, expect, it } from 'vitest';
import { devMailboxProblem } from './mail-guard.js';

describe('the dev mailbox never serves production', () => {
  it('refuses NODE_ENV=production without SMTP_URL, naming what to set', () => {
    expect(devMailboxProblem({ NODE_ENV: 'production' })).toMatch(/SMTP_URL is not set.*refusing to start/);
    expect(devMailboxProblem({})).toBeNull(); // NODE_ENV unset here: the web env defaults it (see server test)
    expect(devMailboxProblem({ NODE_ENV: 'production', ALLOW_DEV_MAILBOX: '0' })).not.toBeNull();
  });
  it('accepts SMTP, development, or an explicit local-machine opt-in', () => {
    expect(devMailboxProblem({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail:25' })).toBeNull();
    expect(devMailboxProblem({ NODE_ENV: 'development' })).toBeNull();
    expect(devMailboxProblem({ NODE_ENV: 'production', ALLOW_DEV_MAILBOX: '1' })).toBeNull();
  });
});
