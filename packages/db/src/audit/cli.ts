import type { Logger } from '../log.js';
import type { Queryable } from '../sql.js';
import { parsePublicKey } from './checkpoint.js';
import { verifyAgainstAnchor } from './log.js';
import { anchorStoreFromEnv, loadAuditVerifyEnv, type AuditVerifyEnv } from './env.js';

/** `db:verify`'s check against the latest signed checkpoint; true when the log is intact. */
export const checkAgainstAnchor = async (
  db: Queryable,
  log: Logger,
  env: AuditVerifyEnv = loadAuditVerifyEnv(),
): Promise<boolean> => {
  const store = anchorStoreFromEnv(env);
  const v = await verifyAgainstAnchor(db, store, {
    ...(env.AUDIT_PUBLIC_KEY ? { publicKey: parsePublicKey(env.AUDIT_PUBLIC_KEY) } : {}),
  });
  if (!v.ok) {
    log.error('audit log BROKEN: the database does not match the signed checkpoints', {
      ...v,
      anchors: store.location,
    });
    return false;
  }
  if (!v.anchored)
    log.warn('no signed checkpoint found: only the database’s own chain was checked', {
      anchors: store.location,
      checked: v.checked,
    });
  else log.info('audit log matches the latest signed checkpoint', v);
  return true;
};
