import { spawn } from 'node:child_process';

/** Result of a finished child process (stdout as bytes, stderr as text). */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Why a child process was stopped before it finished on its own. */
export type RunStop = 'timeout' | 'aborted' | 'output_limit';

/** Raised by `runProcess` when the process was killed (timeout, caller abort, too much output). */
export class RunStoppedError extends Error {
  override name = 'RunStoppedError';
  constructor(
    readonly reason: RunStop,
    readonly command: string,
    readonly stderr: string,
  ) {
    super(
      `${command}: ${reason === 'timeout' ? 'timed out' : reason === 'aborted' ? 'aborted' : 'too much output'}`,
    );
  }
}

/**
 * Runs a command without a shell, collects its output and SIGKILLs it on timeout, abort or when stdout
 * exceeds `maxStdoutBytes`. Spawn failures (ENOENT …) reject with the original error.
 * stdin is closed: tools read their input from files (robust for MP4 with the index at the end).
 */
export const runProcess = (
  command: string,
  args: readonly string[],
  opts: { timeoutMs: number; signal?: AbortSignal; maxStdoutBytes?: number; cwd?: string },
): Promise<RunResult> =>
  new Promise<RunResult>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new RunStoppedError('aborted', command, ''));
      return;
    }
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.cwd });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let stopped: RunStop | null = null;
    const stop = (why: RunStop) => {
      if (stopped) return;
      stopped = why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
    const onAbort = () => stop('aborted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (opts.maxStdoutBytes !== undefined && outBytes > opts.maxStdoutBytes) stop('output_limit');
      else out.push(b);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      if (stderr.length < 64_000) stderr += s;
    });
    const cleanup = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (e) => {
      cleanup();
      reject(e);
    });
    child.on('close', (code, signal) => {
      cleanup();
      if (stopped) reject(new RunStoppedError(stopped, command, stderr));
      else resolve({ code, signal, stdout: Buffer.concat(out), stderr });
    });
  });

/** Last non-empty lines of a tool's stderr, for error messages. */
export const stderrTail = (stderr: string, maxChars = 600): string => {
  const t = stderr.trim();
  return t.length > maxChars ? `…${t.slice(-maxChars)}` : t;
};
