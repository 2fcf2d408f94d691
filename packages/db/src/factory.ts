import { eventRegistry, type EventRegistry } from '@tia/domain';
import { EventCodec } from './codec.js';
import { EventStore } from './event-store.js';
import { KeyStore } from './key-store.js';
import type { Sql } from './sql.js';
import { PostgresBlobStore, type BlobStore } from './blob-store.js';

export interface Persistence {
  sql: Sql;
  keys: KeyStore;
  store: EventStore;
  /** Audio waiting for transcription (encrypted per recording). */
  blobs: BlobStore;
}

export const createPersistence = (
  sql: Sql,
  masterKey: Buffer,
  registry: EventRegistry = eventRegistry,
): Persistence => {
  const keys = new KeyStore(masterKey);
  return {
    sql,
    keys,
    store: new EventStore(sql, new EventCodec(registry, keys)),
    blobs: new PostgresBlobStore(keys),
  };
};
