import type { Context } from '../context.js';
import type { AuthServices } from '../services.js';

/** Appends `AuditTrailConsulted` on its own stream: who looked at the audit trail, how, and what came out. */
export const recordConsultation = async (
  a: AuthServices,
  ctx: Pick<Context, 'requestId'>,
  c: {
    officerId: string;
    action: 'browse' | 'verify' | 'export' | 'open';
    filter: Record<string, string | number>;
    outcome: string | null;
  },
): Promise<string> => {
  const consultationId = a.newId();
  const now = a.clock().toISOString();
  await a.store.append(`audittrail-${consultationId}`, 0, [
    {
      eventId: a.newId(),
      type: 'AuditTrailConsulted',
      data: { consultationId, ...c, consultedAt: now },
      metadata: {
        occurredAt: now,
        actor: { kind: 'staff', id: c.officerId },
        correlationId: ctx.requestId,
      },
    },
  ]);
  return consultationId;
};
