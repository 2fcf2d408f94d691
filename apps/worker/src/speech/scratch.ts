import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Scratch space for decoded audio and recogniser files. Every folder is named after the process that made
 * it (`<pid>-<purpose>-<random>`) under one root, so a worker killed mid-transcription (kill -9, OOM, power
 * loss) leaves nothing that outlives its next start: `sweepScratch` removes every folder whose process is
 * gone. Without this a decrypted answer (`utt.raw`) and its words survived the deletion of the audio.
 */
export const scratchRoot = (): string => path.join(os.tmpdir(), 'tia-scratch');

/** A new private folder for one piece of work; the caller removes it in `finally`. */
export const makeScratchDir = async (purpose: string, root = scratchRoot()): Promise<string> => {
  await mkdir(root, { recursive: true, mode: 0o700 });
  return mkdtemp(path.join(root, `${process.pid}-${purpose}-`));
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else — still alive
    return e instanceof Error && 'code' in e && e.code === 'EPERM';
  }
};

/**
 * Removes the scratch folders of processes that no longer run (and anything in the root that is not ours
 * and older than an hour). Returns the names removed. Safe while other workers run: their folders stay.
 */
export const sweepScratch = async (root = scratchRoot(), now = Date.now()): Promise<string[]> => {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return []; // no root yet: nothing was ever left behind
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = /^(\d{1,10})-/.exec(name);
    const pid = m ? Number(m[1]) : null;
    let stale: boolean;
    if (pid !== null) stale = pid !== process.pid && !alive(pid);
    else {
      const info = await stat(path.join(root, name)).catch(() => null);
      stale = info !== null && now - info.mtimeMs > 3_600_000;
    }
    if (!stale) continue;
    await rm(path.join(root, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
};

/** Legacy folders made in os.tmpdir() before the scratch root existed (`tia-decode-*`, `tia-sphinx-*`). */
export const sweepLegacyScratch = async (dir = os.tmpdir(), now = Date.now()): Promise<string[]> => {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) =>
    /^tia-(decode|sphinx)-/.test(n),
  );
  const removed: string[] = [];
  for (const name of names) {
    const info = await stat(path.join(dir, name)).catch(() => null);
    // an hour is far beyond the longest transcription; younger ones may belong to an older worker still running
    if (!info || now - info.mtimeMs < 3_600_000) continue;
    await rm(path.join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
};
