import type { KeyObject } from 'node:crypto';
import {
  AUDIT_CHECKPOINT_CHANNEL,
  AuditLogRewrittenError,
  AuditTree,
  type AnchorStore,
  mirrorCheckpoint,
  publishCheckpoint,
  recordCapability,
  type Logger,
  type Sql,
} from '@tia/db';

/**
 * Publishes a signed checkpoint every `intervalMs` (when something was sealed since the last one) and on
 * demand (`requestCheckpoint`, a NOTIFY on AUDIT_CHECKPOINT_CHANNEL: always publishes). A log that no longer
 * extends the last checkpoint is never signed: the worker raises an alert and keeps refusing.
 */
export const runAuditCheckpoints = async (opts: {
  sql: Sql;
  log: Logger;
  key: KeyObject;
  store: AnchorStore;
  intervalMs: number;
  signal: AbortSignal;
}): Promise<void> => {
  const { sql, log, signal } = opts;
  const { store } = opts;
  let wake: (() => void) | null = null;
  let requested = false;
  const listener = await sql.listen(AUDIT_CHECKPOINT_CHANNEL, () => {
    requested = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  let alerting = false;
  try {
    while (!signal.aborted) {
      const force = requested;
      requested = false;
      try {
        // Every checkpoint re-reads the whole sealed chain: a row rewritten since the last one must not be
        // hidden by a cache (O(n) reads per interval; see docs/audit-log.md for the figures).
        const tree = new AuditTree();
        const p = await publishCheckpoint({ db: sql, tree, store, key: opts.key, now: new Date(), force });
        if (p) {
          log.info('audit checkpoint published', { treeSize: p.treeSize, file: p.file });
          // A copy for inclusion proofs on deletion receipts (checked against the signature when read).
          await mirrorCheckpoint(sql, tree, p, opts.key);
        }
        if (alerting || p) {
          if (alerting) log.warn('audit log consistent with its last checkpoint again');
          alerting = false;
          await recordCapability(sql, { capability: 'audit_log', available: true });
        }
      } catch (e) {
        if (e instanceof AuditLogRewrittenError) {
          alerting = true;
          await recordCapability(sql, { capability: 'audit_log', available: false, reason: e.message }).catch(
            () => undefined,
          );
          log.error('AUDIT ALERT: the event log was rewritten; no checkpoint is signed over it', {
            reason: e.message,
          });
        } else log.error('publishing an audit checkpoint failed', { error: e });
      }
      if (signal.aborted || requested) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, opts.intervalMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    await listener.unlisten().catch(() => undefined);
  }
};
