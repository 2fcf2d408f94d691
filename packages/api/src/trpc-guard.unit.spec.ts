import { describe, expect, it } from 'vitest';
import type { Session } from './context.js';
import { AUTHENTICATED, authorize, PASSWORD_CHANGE_REQUIRED_MESSAGE, PUBLIC } from './trpc.js';

const session = (over: Partial<Session> = {}): Session => ({
  userId: 'u1',
  roles: ['candidate', 'admin'],
  mfaPassed: true,
  ...over,
});

describe('access guard: a one-time password must be changed first', () => {
  it('refuses every non-public procedure but changePassword and signOut while a change is required', () => {
    const s = session({ passwordChangeRequired: true });
    expect(() => authorize(AUTHENTICATED, s, 'mfa.beginEnrolment')).toThrow(PASSWORD_CHANGE_REQUIRED_MESSAGE);
    expect(() => authorize({ kind: 'role', roles: ['admin'], mfa: true }, s, 'admin.listGrants')).toThrow(
      PASSWORD_CHANGE_REQUIRED_MESSAGE,
    );
    expect(() => authorize(AUTHENTICATED, s)).toThrow(PASSWORD_CHANGE_REQUIRED_MESSAGE);
    expect(() => authorize(AUTHENTICATED, s, 'auth.changePassword')).not.toThrow();
    expect(() => authorize(AUTHENTICATED, s, 'auth.signOut')).not.toThrow();
    expect(() => authorize(PUBLIC, s, 'auth.me')).not.toThrow();
  });

  it('lets the same session through once no change is required', () => {
    expect(() => authorize(AUTHENTICATED, session(), 'mfa.beginEnrolment')).not.toThrow();
    expect(() =>
      authorize(
        { kind: 'role', roles: ['admin'], mfa: true },
        session({ passwordChangeRequired: false }),
        'x',
      ),
    ).not.toThrow();
  });
});
