import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeScratchDir, sweepLegacyScratch, sweepScratch } from './scratch.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'tia-scratch-test-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

describe('worker scratch folders', () => {
  it('a worker killed with SIGKILL mid-work leaves nothing behind after the next sweep', async () => {
    // A child process makes its scratch folder the way the engines do, writes "decoded audio", then hangs.
    const script = `
      import { writeFile } from 'node:fs/promises';
      import path from 'node:path';
      import { makeScratchDir } from ${JSON.stringify(path.join(here, 'scratch.ts'))};
      const dir = await makeScratchDir('sphinx', ${JSON.stringify(root)});
      await writeFile(path.join(dir, 'utt.raw'), Buffer.alloc(32000));
      console.log('ready');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: path.resolve(here, '../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => b.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    const mine = await makeScratchDir('decode', root); // this process is alive: its folder stays
    const before = await readdir(root);
    expect(before).toHaveLength(2);
    expect(await sweepScratch(root), 'nothing removed while its process runs').toEqual([]);

    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    const removed = await sweepScratch(root);
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatch(new RegExp(`^${child.pid}-sphinx-`));
    expect(await readdir(root)).toEqual([path.basename(mine)]);
  });

  it('removes foreign leftovers older than an hour, and legacy tia-sphinx-/tia-decode- folders', async () => {
    const old = new Date(Date.now() - 2 * 3_600_000);
    await mkdir(path.join(root, 'junk-old'));
    await utimes(path.join(root, 'junk-old'), old, old);
    await mkdir(path.join(root, 'junk-new'));
    expect(await sweepScratch(root)).toEqual(['junk-old']);

    for (const n of ['tia-sphinx-old', 'tia-decode-old', 'tia-sphinx-new', 'other-old']) {
      await mkdir(path.join(root, n));
      await writeFile(path.join(root, n, 'utt.raw'), 'x');
      if (n.endsWith('-old')) await utimes(path.join(root, n), old, old);
    }
    expect((await sweepLegacyScratch(root)).sort()).toEqual(['tia-decode-old', 'tia-sphinx-old']);
    expect((await readdir(root)).sort()).toEqual(['junk-new', 'other-old', 'tia-sphinx-new']);
  });
});
