import path from 'node:path';
import {
  DirectoryAnchorStore,
  parsePublicKey,
  verifyAgainstAnchor,
  type AnchorStore,
  type Queryable,
} from '@tia/db';

/** Where the signed checkpoints are read from (validated once by the app's environment). */
export interface AuditSettings {
  anchorDir: string;
  /** The anchor store to read instead of the directory (the S3 bucket, AUDIT_ANCHOR_S3_URL). */
  store?: AnchorStore;
  /** Pins the checkpoint key (PEM or base64 SPKI); else the key published in the anchor directory. */
  publicKey?: string;
}

export type LogVerification =
  | {
      status: 'intact';
      treeSize: number;
      signedAt: string;
      keyId: string;
      checked: number;
      notYetAnchored: number;
    }
  | { status: 'no_checkpoint'; checked: number }
  | {
      status: 'broken';
      problem: string;
      firstBad: { seq?: number; globalPosition?: number; eventId?: string };
      detail: string;
    };

/**
 * The application-side check of `npm run db:verify`: recomputes every sealed event's digest and holds the
 * database to the latest signed checkpoint in the anchor directory, naming the first broken link.
 */
export const verifyLog = async (db: Queryable, settings: AuditSettings): Promise<LogVerification> => {
  const v = await verifyAgainstAnchor(db, settings.store ?? new DirectoryAnchorStore(settings.anchorDir), {
    ...(settings.publicKey ? { publicKey: parsePublicKey(settings.publicKey) } : {}),
  });
  if (!v.ok) {
    // The anchor directory's location is server configuration: keep only the file name in what is shown.
    const detail = v.detail.split(settings.anchorDir + path.sep).join('');
    return { status: 'broken', problem: v.problem, firstBad: v.firstBad, detail };
  }
  if (!v.anchored) return { status: 'no_checkpoint', checked: v.checked };
  return {
    status: 'intact',
    treeSize: v.checkpoint.treeSize,
    signedAt: v.checkpoint.time,
    keyId: v.checkpoint.keyId,
    checked: v.checked,
    notYetAnchored: v.notYetAnchored,
  };
};

/** One line for the consultation record. */
export const verificationSummary = (v: LogVerification): string =>
  v.status === 'intact'
    ? `intact up to checkpoint ${v.treeSize} signed at ${v.signedAt}`
    : v.status === 'no_checkpoint'
      ? `no signed checkpoint yet (${v.checked} sealed events checked by the database chain only)`
      : `broken: ${v.problem} at ${JSON.stringify(v.firstBad)}`.slice(0, 500);
