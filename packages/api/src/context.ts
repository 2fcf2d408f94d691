import type { Sql } from 'postgres';
import type { Logger } from './log.js';

export const ROLES = ['candidate', 'compliance_officer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Staff roles see other people's data; acting as one always requires a passed MFA challenge. */
export const STAFF_ROLES: readonly Role[] = ['compliance_officer', 'analyst', 'admin'];

export interface Session {
  userId: string;
  roles: readonly Role[];
  mfaPassed: boolean;
}

export interface Context {
  sql: Sql;
  requestId: string;
  /** Always null until sessions land; the access guard is already real. */
  session: Session | null;
  ip: string | null;
  userAgent: string | null;
  log: Logger;
}
