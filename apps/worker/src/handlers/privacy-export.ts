import {
  buildExportArchive,
  storeExportArchive,
  type ExportArchive,
  type InlineProjection,
  type KeyStore,
} from '@tia/db';
import type { Handler } from '../transport/port.js';

/**
 * Builds a person's data export (P44) when they ask for it: the ZIP is made in `prepare` with no transaction
 * open (progress written as it goes), then stored encrypted and marked ready in the inbox transaction.
 */
export const privacyExportHandler = (deps: {
  keys: KeyStore;
  inline: readonly InlineProjection[];
}): Handler<ExportArchive | null, 'DataExportRequested'> => ({
  name: 'privacy-export',
  types: ['DataExportRequested'],
  prepare: (event, ctx) =>
    buildExportArchive({ sql: ctx.store.sql, store: ctx.store, ...deps }, event.data.exportId, new Date()),
  handle: async (event, { tx, store, prepared, log }) => {
    if (!prepared) return; // already built, or gone
    const stored = await storeExportArchive(
      { sql: store.sql, store, ...deps },
      tx,
      event.data.exportId,
      prepared,
      new Date(),
    );
    if (stored) log.info('data export ready', { exportId: event.data.exportId, ...prepared.counts });
  },
});
