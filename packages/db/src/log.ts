/** Structured JSON-lines logger shared by every process. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Fields = Record<string, unknown>;
export type LogFields = Fields;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Errors as loggable JSON (name, message, code, stack, cause chain). */
export const serializeError = (err: unknown, depth = 0): unknown => {
  if (!(err instanceof Error)) return err;
  const out: Record<string, unknown> = { name: err.name, message: err.message, stack: err.stack };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (err.cause !== undefined && depth < 3) out.cause = serializeError(err.cause, depth + 1);
  return out;
};

const serialise = (v: unknown): unknown =>
  v instanceof Error ? serializeError(v) : typeof v === 'bigint' ? v.toString() : v;

export const createLogger = (
  base: Fields = {},
  opts: { level?: LogLevel; write?: (line: string) => void } = {},
): Logger => {
  const min = order[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const emit = (level: LogLevel, msg: string, fields?: Fields) => {
    if (order[level] < min) return;
    const rec: Record<string, unknown> = { level, time: new Date().toISOString(), msg, ...base };
    for (const [k, v] of Object.entries(fields ?? {})) rec[k] = serialise(v);
    let line: string;
    try {
      line = JSON.stringify(rec);
    } catch {
      line = JSON.stringify({ level, time: rec.time, msg, ...base, note: 'unserialisable fields dropped' });
    }
    write(line);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (f) => createLogger({ ...base, ...f }, opts),
  };
};

export const silentLogger: Logger = createLogger({}, { write: () => undefined });
