import type { Queryable } from '@tia/db';

export const SUSPENDED_MESSAGE =
  'This account is suspended for now while we deal with a security problem. We will write to you by email.';

/** True while a compliance officer's containment step keeps the account suspended (`rm_account_suspensions`). */
export const isSuspended = async (db: Queryable, userId: string): Promise<boolean> =>
  (await db`select 1 from rm_account_suspensions where user_id = ${userId}`).length > 0;
