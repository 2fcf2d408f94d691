/** Structured JSON-lines logger shared by every process. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const serialise = (v: unknown): unknown =>
  v instanceof Error
    ? { name: v.name, message: v.message, stack: v.stack }
    : typeof v === 'bigint'
      ? v.toString()
      : v;

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
    write(JSON.stringify(rec));
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
