/**
 * Issue 9: no production append passes expected version `'any'` (no optimistic concurrency) unless a comment
 * right above it says why. Commands go through the command handler, which appends at the loaded version.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['packages/api/src', 'packages/db/src', 'packages/domain/src', 'apps/worker/src', 'apps/web/src'];

const files = (p: string): string[] => {
  const abs = path.join(ROOT, p);
  if (statSync(abs).isFile()) return [p];
  return readdirSync(abs).flatMap((n) => files(path.join(p, n)));
};

/** Lines that pass `'any'` as an argument with no comment naming `'any'` in the four lines above. */
export const unexplainedAny = (text: string): number[] => {
  const lines = text.split('\n');
  const out: number[] = [];
  lines.forEach((line, i) => {
    if (!/(^\s*|,\s*)'any',/.test(line)) return;
    const above = lines.slice(Math.max(0, i - 4), i + 1);
    if (!above.some((l) => /\/\/.*'any'|\*.*'any'/.test(l))) out.push(i + 1);
  });
  return out;
};

describe("appends with expected version 'any'", () => {
  it('each one in production code says why, in a comment right above', () => {
    const offenders = SOURCES.flatMap(files)
      .filter((f) => /\.tsx?$/.test(f) && !/\.spec\.ts$/.test(f) && !f.includes('/testing/'))
      .flatMap((f) => unexplainedAny(readFileSync(path.join(ROOT, f), 'utf8')).map((n) => `${f}:${n}`));
    expect(offenders).toEqual([]);
  });

  it('the scan finds an unexplained one (and accepts an explained one)', () => {
    expect(unexplainedAny("await store.append(\n  'user-1',\n  'any',\n  [],\n);")).toEqual([3]);
    expect(unexplainedAny("await store.append('user-1', 'any', []);")).toEqual([1]);
    expect(unexplainedAny("// 'any' on purpose: a log\nawait store.append('user-1', 'any', []);")).toEqual([]);
  });
});
