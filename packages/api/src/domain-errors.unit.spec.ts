import { describe, expect, it } from 'vitest';
import { ConcurrencyError } from '@tia/db';
import { consent, identity, staffAccess } from '@tia/domain';
import { CONCURRENT_CHANGE_MESSAGE, httpErrorBody, httpStatusOf, toTRPCError } from './errors.js';

/** Domain rule errors and the store's conflict are in the one hierarchy, mapped once (issue 9). */
describe('domain errors are mapped once, never as a 500', () => {
  const mapped = (e: unknown) => {
    const unexpected: unknown[] = [];
    const t = toTRPCError(e, (d) => unexpected.push(d));
    return { code: t.code, message: t.message, unexpected: unexpected.length, status: httpStatusOf(e) };
  };

  it('a rule a person broke is reported with its kind and its own message', () => {
    expect(mapped(new consent.ConsentRuleViolated('subject_erased', 'This account was erased.'))).toEqual({
      code: 'FORBIDDEN',
      message: 'This account was erased.',
      unexpected: 0,
      status: 403,
    });
    expect(
      mapped(new identity.AccountRuleViolated('already_registered', 'The account exists.')),
    ).toMatchObject({
      code: 'CONFLICT',
      status: 409,
    });
    expect(
      mapped(new staffAccess.StaffAccessRuleViolated('last_admin', 'The last admin cannot be revoked.')),
    ).toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });

  it('a concurrency conflict is a 409 with a plain message (not the store detail)', () => {
    const e = new ConcurrencyError('user-1', 3, 'stream user-1 expected at version 3 but is at 4');
    expect(mapped(e)).toEqual({
      code: 'CONFLICT',
      message: CONCURRENT_CHANGE_MESSAGE,
      unexpected: 0,
      status: 409,
    });
    expect(httpErrorBody(e)).toEqual({ error: { code: 'CONFLICT', message: CONCURRENT_CHANGE_MESSAGE } });
  });
});
