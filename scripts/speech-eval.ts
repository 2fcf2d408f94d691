/**
 * `npm run speech:eval`: word error rate and speed of the configured transcription engine on the speech fixtures.
 * Fixtures: every file listed with a reference transcript in the README.md table of
 * `fixtures/speech` (a copy of the team's shared fixtures; override with SPEECH_FIXTURES_DIR).
 * Engine: TRANSCRIPTION_ENGINE / WHISPER_* as for the worker (default pocketsphinx).
 *   EVAL <file> engine=<name>/<model> audio_s=… engine_s=… rtf=… wer=… (S/D/I of N words)
 *   EVAL TOTAL …  (WER pooled over all reference words)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createTranscriptionEngine,
  speechEnvSchema,
  assertEngineReady,
} from '../apps/worker/src/speech/config.js';
import { decodeToWav16k } from '../apps/worker/src/speech/decode.js';
import { wordErrorRate } from '../apps/worker/src/speech/wer.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.env.SPEECH_FIXTURES_DIR ?? path.resolve(repoRoot, 'fixtures/speech');

/** `| file | what | reference transcript |` rows of the fixtures README. */
const fixturesOf = (readme: string): { file: string; reference: string }[] => {
  const rows = readme
    .split('\n')
    .filter((l) => l.trim().startsWith('|'))
    .map((l) =>
      l
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((c) => c.trim()),
    );
  const header = rows[0]?.map((c) => c.toLowerCase()) ?? [];
  const fileCol = header.indexOf('file');
  const refCol = header.findIndex((c) => c.startsWith('reference'));
  if (fileCol < 0 || refCol < 0)
    throw new Error(`${dir}/README.md has no "file | … | reference transcript" table`);
  return rows
    .slice(1)
    .filter((r) => !r.every((c) => /^:?-+:?$/.test(c)))
    .map((r) => ({ file: (r[fileCol] ?? '').replace(/`/g, ''), reference: r[refCol] ?? '' }))
    .filter((f) => f.file && f.reference);
};

const env = speechEnvSchema.parse(process.env);
const engine = createTranscriptionEngine(env);
await assertEngineReady(engine);
const fixtures = fixturesOf(await readFile(path.join(dir, 'README.md'), 'utf8'));
if (fixtures.length === 0) throw new Error(`no fixtures with a reference transcript in ${dir}/README.md`);

let audioTotal = 0;
let engineTotal = 0;
let errors = 0;
let refWords = 0;
for (const f of fixtures) {
  const input = await readFile(path.join(dir, f.file));
  const t0 = performance.now();
  const { wav, seconds } = await decodeToWav16k(input);
  const t1 = performance.now();
  const transcript = await engine.transcribe(wav);
  const engineSeconds = (performance.now() - t1) / 1000;
  const w = wordErrorRate(f.reference, transcript.text);
  audioTotal += seconds;
  engineTotal += engineSeconds;
  errors += w.substitutions + w.deletions + w.insertions;
  refWords += w.referenceWords;
  console.log(
    `EVAL ${f.file} engine=${engine.name}/${engine.model} audio_s=${seconds.toFixed(2)} ` +
      `decode_s=${((t1 - t0) / 1000).toFixed(2)} engine_s=${engineSeconds.toFixed(2)} ` +
      `rtf=${(engineSeconds / seconds).toFixed(3)} wer=${w.wer.toFixed(3)} ` +
      `(S=${w.substitutions} D=${w.deletions} I=${w.insertions} of ${w.referenceWords} words)`,
  );
  console.log(`  ref: ${f.reference}\n  hyp: ${transcript.text}`);
}
console.log(
  `EVAL TOTAL files=${fixtures.length} engine=${engine.name}/${engine.model} audio_s=${audioTotal.toFixed(2)} ` +
    `engine_s=${engineTotal.toFixed(2)} rtf=${(engineTotal / audioTotal).toFixed(3)} ` +
    `wer=${(refWords ? errors / refWords : 0).toFixed(3)} (${errors} errors / ${refWords} words)`,
);
