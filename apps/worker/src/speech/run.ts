import { spawn, type ChildProcess } from 'node:child_process';

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

/** A process started before its input is known (`startProcess`): it waits on its stdin. */
export interface StartedProcess {
  /** False once it has exited (or could not be spawned): start another. */
  alive(): boolean;
  /**
   * Writes `input` to its stdin, closes it, collects the output and SIGKILLs it on timeout, abort or too much
   * output, as `runProcess` does (limits count from this call). Once only.
   */
  feed(
    input: Buffer,
    opts: { timeoutMs: number; signal?: AbortSignal; maxStdoutBytes?: number },
  ): Promise<RunResult>;
  /** Kills it if it was never fed. */
  kill(): void;
}

/**
 * Spawns `command args` now, reading its input from stdin later (`feed`): what the process costs to start
 * (a dynamically linked ffmpeg loads some 200 libraries, ~50 ms of CPU) is paid before the input exists.
 * The child does not keep Node running while it waits; when this process dies its stdin closes and the
 * child exits on the end of its input.
 */
export const startProcess = (command: string, args: readonly string[]): StartedProcess => {
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let spawnError: Error | null = null;
  let fed = false;
  const child: ChildProcess = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let outBytes = 0;
  let stderr = '';
  let limit: number | undefined;
  let stopped: RunStop | null = null;
  const closed = new Promise<void>((resolve) => {
    child.on('error', (e) => {
      spawnError = e;
      resolve();
    });
    child.on('close', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  const stop = (why: RunStop) => {
    if (stopped) return;
    stopped = why;
    child.kill('SIGKILL');
  };
  child.stdin!.on('error', () => undefined); // EPIPE when it exits before reading everything (bad input)
  child.stdout!.on('data', (b: Buffer) => {
    outBytes += b.length;
    if (limit !== undefined && outBytes > limit) stop('output_limit');
    else out.push(b);
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (t: string) => {
    if (stderr.length < 64_000) stderr += t;
  });
  // An idle spare must not keep the process alive.
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr])
    (s as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    // A spare killed by a signal (OOM killer, an operator's pkill) whose 'close' has not arrived yet is not alive.
    alive: () =>
      !fed && exited === null && spawnError === null && child.exitCode === null && child.signalCode === null,
    kill: () => {
      if (!fed && exited === null) child.kill('SIGKILL');
    },
    feed: async (input, opts) => {
      if (fed) throw new Error(`${command}: already fed`);
      fed = true;
      for (const s of [child.stdin, child.stdout, child.stderr])
        (s as unknown as { ref?: () => void } | null)?.ref?.();
      child.ref();
      limit = opts.maxStdoutBytes;
      if (opts.signal?.aborted) stop('aborted');
      const timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
      const onAbort = () => stop('aborted');
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        if (!stopped) child.stdin!.end(input);
        await closed;
      } finally {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      }
      if (spawnError) throw spawnError;
      if (stopped) throw new RunStoppedError(stopped, command, stderr);
      const { code, signal } = exited!;
      return { code, signal, stdout: Buffer.concat(out), stderr };
    },
  };
};

/** Last non-empty lines of a tool's stderr, for error messages. */
export const stderrTail = (stderr: string, maxChars = 600): string => {
  const t = stderr.trim();
  return t.length > maxChars ? `…${t.slice(-maxChars)}` : t;
};
