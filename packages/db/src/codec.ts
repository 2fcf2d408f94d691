import { currentVersion, EventSchemaError, REDACTED, type EventRegistry } from '@tia/domain';
import { open, seal } from './crypto.js';
import type { KeyStore } from './key-store.js';
import type { Queryable } from './sql.js';

/** How an encrypted personal-data field is stored inside event data. */
export interface EncryptedField {
  $enc: string; // base64 of AES-256-GCM box
  k: string; // data subject id whose key sealed it
}

export const isEncryptedField = (v: unknown): v is EncryptedField =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as EncryptedField).$enc === 'string' &&
  typeof (v as EncryptedField).k === 'string';

const aadFor = (eventId: string, field: string) => `tia:event:${eventId}:${field}`;

/**
 * Encrypts the personal fields of an event (as declared by its definition) with the subject's key, and
 * decrypts them on read; an erased subject's fields read as the REDACTED marker.
 */
export class EventCodec {
  constructor(
    readonly registry: EventRegistry,
    private readonly keys: KeyStore,
  ) {}

  async encode(
    db: Queryable,
    eventId: string,
    type: string,
    data: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const def = this.registry.get(type);
    const valid = this.registry.validate(type, data);
    if (def.pii.length === 0) return valid;
    const subject = def.subject(valid);
    if (!subject) throw new Error(`Event ${type} declares personal fields but names no data subject`);
    const key = await this.keys.keyFor(db, subject);
    const out: Record<string, unknown> = { ...valid };
    for (const field of def.pii) {
      if (!(field in valid) || valid[field] === undefined) continue;
      const box = seal(key, Buffer.from(JSON.stringify(valid[field]), 'utf8'), aadFor(eventId, field));
      out[field] = { $enc: box.toString('base64'), k: subject } satisfies EncryptedField;
    }
    return out;
  }

  /** Decrypts (or redacts) personal fields of many stored events with one key query, then upcasts. */
  async decodeMany<
    T extends { eventId: string; type: string; schemaVersion: number; data: Record<string, unknown> },
  >(db: Queryable, rows: readonly T[]): Promise<(T & { data: Record<string, unknown> })[]> {
    for (const r of rows) {
      // Written by newer code: reading it as the current version would silently drop what we do not know.
      const known = currentVersion(this.registry.get(r.type));
      if (r.schemaVersion > known)
        throw new EventSchemaError(r.type, r.schemaVersion, `newer than this code knows (v${known})`);
    }
    const subjects = new Set<string>();
    for (const r of rows) for (const v of Object.values(r.data)) if (isEncryptedField(v)) subjects.add(v.k);
    const keys = await this.keys.findMany(db, [...subjects]);
    return rows.map((r) => {
      let data = r.data;
      if (Object.values(data).some(isEncryptedField)) {
        data = { ...data };
        for (const [field, v] of Object.entries(data)) {
          if (!isEncryptedField(v)) continue;
          const key = keys.get(v.k);
          data[field] = key
            ? (JSON.parse(
                open(key, Buffer.from(v.$enc, 'base64'), aadFor(r.eventId, field)).toString('utf8'),
              ) as unknown)
            : REDACTED;
        }
      }
      return { ...r, data: this.registry.upcast(r.type, r.schemaVersion, data) };
    });
  }
}
