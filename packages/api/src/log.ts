/** The one structured JSON-lines logger of the monorepo (lives in `@tia/db/log`, free of database code). */
export {
  createLogger as createJsonLogger,
  serializeError,
  silentLogger,
  type Logger,
  type LogFields,
  type LogLevel,
} from '@tia/db/log';
