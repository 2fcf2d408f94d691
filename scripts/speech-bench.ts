/**
 * `npm run bench:speech`: time to a transcript for a ~2-minute answer with pocketsphinx, whole and sequential
 * (how it ran before parts) vs cut at pauses with the parts run one at a time vs in parallel on every core.
 * The answer is `SPEECH_BENCH_REPEAT` (default 11) copies of fixtures/speech/jfk.wav joined by ffmpeg (121 s);
 * its reference is the fixture's reference repeated. Prints, per variant:
 *   SPEECH <variant> audio_s=… wall_s=… ratio=<wall / audio> cpu_s=<recogniser CPU> wer=… parts=… concurrency=…
 * (SPEECH_BENCH_VARIANTS=a,b runs only those) and the load average before and after: the machine is shared, so wall times are only comparable within one
 * run (each engine gets an hour: under heavy load the whole-answer run passed its normal 30 s + 3 × length limit). `ratio` includes decoding (ffmpeg), as the worker does before the engine; the target is ≤ 0.25.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { speechFixture } from '@tia/db/testing';
import { decodeToWav16k, wav16kPcm } from '../apps/worker/src/speech/decode.js';
import { PocketsphinxEngine } from '../apps/worker/src/speech/pocketsphinx.js';
import { planChunks } from '../apps/worker/src/speech/segment.js';
import { wordErrorRate } from '../apps/worker/src/speech/wer.js';

const REFERENCE =
  'and so my fellow americans ask not what your country can do for you ask what you can do for your country';
const repeat = Number(process.env.SPEECH_BENCH_REPEAT ?? 11);
const chunkSeconds = Number(process.env.TRANSCRIPTION_CHUNK_SECONDS ?? 20);
const cores = os.availableParallelism();

/** CPU seconds of this process's finished children (pocketsphinx, ffmpeg): /proc/self/stat cutime + cstime. */
const childCpu = (): number => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // fields 16 and 17 of stat(5), USER_HZ = 100
};
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const dir = mkdtempSync(path.join(os.tmpdir(), 'tia-speech-bench-'));
try {
  const list = path.join(dir, 'list.txt');
  writeFileSync(list, Array.from({ length: repeat }, () => `file '${speechFixture('jfk.wav')}'\n`).join(''));
  const answer = path.join(dir, 'answer.wav');
  execFileSync('ffmpeg', [
    '-nostdin',
    '-loglevel',
    'error',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    list,
    '-c',
    'copy',
    answer,
  ]);
  const input = readFileSync(answer);
  const reference = Array.from({ length: repeat }, () => REFERENCE).join(' ');

  console.log(
    `SPEECH machine cores=${cores} loadavg_before=${load()} (shared machine: other work competes for the cores)`,
  );
  const variants = [
    {
      name: 'whole_sequential',
      engine: new PocketsphinxEngine({ concurrency: 1, chunkSeconds: 3600, timeoutMs: 3_600_000 }),
    },
    {
      name: 'parts_sequential',
      engine: new PocketsphinxEngine({ concurrency: 1, chunkSeconds, timeoutMs: 3_600_000 }),
    },
    {
      name: 'parts_parallel',
      engine: new PocketsphinxEngine({ concurrency: cores, chunkSeconds, timeoutMs: 3_600_000 }),
    },
  ];
  const only = process.env.SPEECH_BENCH_VARIANTS?.split(',');
  const results: Record<string, number> = {};
  for (const v of variants.filter((x) => !only || only.includes(x.name))) {
    const cpu0 = childCpu();
    const t0 = performance.now();
    const { wav, seconds } = await decodeToWav16k(input);
    const t = await v.engine.transcribe(wav);
    const wall = (performance.now() - t0) / 1000;
    const parts = planChunks(wav16kPcm(wav), {
      maxSeconds: v.name === 'whole_sequential' ? 3600 : chunkSeconds,
    }).length;
    const w = wordErrorRate(reference, t.text);
    results[v.name] = wall;
    console.log(
      `SPEECH ${v.name} audio_s=${seconds.toFixed(1)} wall_s=${wall.toFixed(1)} ratio=${(wall / seconds).toFixed(3)} ` +
        `cpu_s=${(childCpu() - cpu0).toFixed(1)} wer=${w.wer.toFixed(3)} (S=${w.substitutions} D=${w.deletions} ` +
        `I=${w.insertions} of ${w.referenceWords}) parts=${parts} concurrency=${v.name === 'parts_parallel' ? cores : 1} ` +
        `loadavg=${load()}`,
    );
  }
  if (results.whole_sequential && results.parts_sequential && results.parts_parallel)
    console.log(
      `SPEECH speedup parallel_vs_whole=${(results.whole_sequential / results.parts_parallel).toFixed(2)}x ` +
        `parallel_vs_parts_sequential=${(results.parts_sequential / results.parts_parallel).toFixed(2)}x target_ratio<=0.25`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
