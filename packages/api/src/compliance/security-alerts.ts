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
    const count = d.count;
    const minutes = d.windowMinutes;
    const ip = d.ipPrefix;
    const who =
      d.kind === 'repeated_sign_in_failures_ip'
        ? `from network ${isRedacted(ip) ? '(erased)' : (ip ?? '(unknown)')}`
        : `for account ${d.userId ?? '(unknown)'}`;
    return {
      alertId: d.alertId,
      kind: d.kind,
      count,
      raisedAt: d.raisedAt,
      detail: `${count} failed sign-ins ${who} within ${minutes} minutes`,
    };
  });
};
