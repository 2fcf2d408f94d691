import type { TxSql } from '@tia/db';
import type { Context } from '../context.js';
import type { AuthServices } from '../services.js';

export type AlertKind = 'repeated_sign_in_failures_account' | 'repeated_sign_in_failures_ip';

/** Appends `SecurityAlertRaised` on its own stream (`securityalert-<alertId>`). */
export const raiseSecurityAlert = async (
  a: AuthServices,
  ctx: Pick<Context, 'requestId'>,
  alert: {
    kind: AlertKind;
    userId: string | null;
    ipPrefix: string | null;
    count: number;
    windowStartedAt: Date;
    windowMinutes: number;
  },
  tx?: TxSql,
): Promise<string> => {
  const alertId = a.newId();
  const now = a.clock().toISOString();
  await a.store.append(
    `securityalert-${alertId}`,
    0,
    [
      {
        eventId: a.newId(),
        type: 'SecurityAlertRaised',
        data: {
          alertId,
          kind: alert.kind,
          userId: alert.userId,
          ipPrefix: alert.ipPrefix,
          count: alert.count,
          windowStartedAt: alert.windowStartedAt.toISOString(),
          windowMinutes: alert.windowMinutes,
          raisedAt: now,
        },
        metadata: {
          occurredAt: now,
          actor: { kind: 'system', id: 'rate-limiter' },
          correlationId: ctx.requestId,
        },
      },
    ],
    tx ? { tx } : {},
  );
  return alertId;
};
