import { isRedacted } from '@tia/domain';
import type { EventStore } from '@tia/db';

export interface SecurityAlertRow {
  alertId: string;
  kind: string;
  count: number;
  raisedAt: string;
  detail: string;
}

/**
 * Security alerts for compliance officers, newest first, read straight from the log (`SecurityAlertRaised`,
 * decrypted; an erased subject's IP prefix reads as erased).
 */
export const securityAlerts = async (store: EventStore, limit = 200): Promise<SecurityAlertRow[]> => {
  const decoded = await store.readLatestOfType('SecurityAlertRaised', limit);
  return decoded.map((e) => {
    const d = e.data;
    const count = d.count as number;
    const minutes = d.windowMinutes as number;
    const ip = d.ipPrefix;
    const who =
      d.kind === 'repeated_sign_in_failures_ip'
        ? `from network ${isRedacted(ip) ? '(erased)' : ((ip as string | null) ?? '(unknown)')}`
        : `for account ${(d.userId as string | null) ?? '(unknown)'}`;
    return {
      alertId: d.alertId as string,
      kind: d.kind as string,
      count,
      raisedAt: d.raisedAt as string,
      detail: `${count} failed sign-ins ${who} within ${minutes} minutes`,
    };
  });
};
