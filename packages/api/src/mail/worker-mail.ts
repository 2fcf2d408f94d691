import type { EventStore, InlineProjection, KeyStore, Sql } from '@tia/db';
import type { Mailer } from './mailer.js';

/** What the worker's mailing jobs need (policy-change notices, outcome emails): one shape, built once. */
export interface WorkerMailDeps {
  sql: Sql;
  store: EventStore;
  keys: KeyStore;
  inline: readonly InlineProjection[];
  mailer: Mailer;
  clock: () => Date;
  newId: () => string;
  /** Where the emailed link points (the privacy center), e.g. `https://trueinterview.example`. */
  origin: string;
}
