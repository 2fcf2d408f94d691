import type { Queryable } from '@tia/db';
import type { Role } from '../context.js';

/** Every account is a candidate; staff roles come from the current grants (`rm_role_grants`). */
export const rolesFor = async (db: Queryable, userId: string): Promise<Role[]> => {
  const rows = await db<{ role: Role }[]>`
    select role from rm_role_grants where user_id = ${userId} order by role`;
  return ['candidate', ...rows.map((r) => r.role)];
};
