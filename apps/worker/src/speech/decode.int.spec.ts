import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { speechFixture } from '@tia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeDecoder,
  decodableFromPipe,
  decodeToWav16k,
  decoderWaiting,
  warmDecoder,
  wav16kPcm,
} from './decode.js';
import { ffmpegCommand } from './ffmpeg.js';
import { PermanentTranscriptionError } from './port.js';
import { runProcess } from './run.js';

// Needs ffmpeg (system or the npm one). The decoder started ahead must give exactly what an ffmpeg reading the
// same bytes from a file gives, for every container browsers record.
describe('decodeToWav16k with an ffmpeg started ahead', () => {
  let dir: string;
  const files: Record<string, Buffer> = {};
  const viaFile = async (name: string) => {
    const r = await runProcess(
      await ffmpegCommand(),
      ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', path.join(dir, name)].concat([
        '-vn',
        '-ac',
        '1',
        '-ar',
        '16000',
        '-f',
        's16le',
        '-acodec',
        'pcm_s16le',
        'pipe:1',
      ]),
      { timeoutMs: 60_000 },
    );
    expect(r.code).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tia-decode-'));
    const ff = await ffmpegCommand();
    const make = async (name: string, args: string[]) => {
      const r = await runProcess(
        ff,
        [
          '-hide_banner',
          '-loglevel',
          'error',
          '-y',
          '-i',
          speechFixture('jfk.wav'),
          ...args,
          path.join(dir, name),
        ],
        { timeoutMs: 60_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      files[name] = await readFile(path.join(dir, name));
    };
    files['jfk.wav'] = readFileSync(speechFixture('jfk.wav'));
    await copyFile(speechFixture('jfk.wav'), path.join(dir, 'jfk.wav'));
    await make('a.webm', ['-c:a', 'libopus', '-b:a', '32k']);
    await make('a.ogg', ['-c:a', 'libopus', '-b:a', '32k']);
    await make('a44.wav', ['-ar', '44100', '-ac', '2']);
    await make('a.m4a', ['-c:a', 'aac', '-b:a', '64k']); // MP4: index at the end
  }, 120_000);

  afterAll(async () => {
    closeDecoder();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends WAV, Ogg and WebM through a pipe and MP4 through a file', () => {
    expect(decodableFromPipe(files['jfk.wav']!)).toBe(true);
    expect(decodableFromPipe(files['a.webm']!)).toBe(true);
    expect(decodableFromPipe(files['a.ogg']!)).toBe(true);
    expect(decodableFromPipe(files['a.m4a']!)).toBe(false);
    expect(decodableFromPipe(Buffer.from('RIFF'))).toBe(false);
  });

  it.each(['jfk.wav', 'a44.wav', 'a.webm', 'a.ogg', 'a.m4a'])(
    '%s: the same samples as ffmpeg reading the file, and an ffmpeg waits for the next answer',
    async (name) => {
      warmDecoder();
      const { wav, seconds } = await decodeToWav16k(files[name]!);
      expect(wav16kPcm(wav).equals(await viaFile(name))).toBe(true);
      expect(seconds).toBeGreaterThan(10.9);
      expect(seconds).toBeLessThan(11.1);
      await expect.poll(decoderWaiting, { timeout: 10_000 }).toBe(true);
    },
    60_000,
  );

  it('refuses what ffmpeg cannot decode (permanent) and still has a decoder for the next one', async () => {
    const junk = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(4000, 7)]);
    await expect(decodeToWav16k(junk)).rejects.toBeInstanceOf(PermanentTranscriptionError);
    await expect.poll(decoderWaiting, { timeout: 10_000 }).toBe(true);
    const { seconds } = await decodeToWav16k(files['a.webm']!);
    expect(seconds).toBeCloseTo(11, 0);
  }, 60_000);

  it('stops on the caller’s abort with its reason, and over the length limit as permanent', async () => {
    const ac = new AbortController();
    ac.abort(new Error('shutting down'));
    await expect(decodeToWav16k(files['jfk.wav']!, { signal: ac.signal })).rejects.toThrow('shutting down');
    await expect(decodeToWav16k(files['a.ogg']!, { maxSeconds: 2 })).rejects.toThrow(/longer than 2 s/);
  }, 60_000);

  it('closeDecoder kills the waiting ffmpeg and starts no other; decoding still works', async () => {
    warmDecoder();
    await expect.poll(decoderWaiting, { timeout: 10_000 }).toBe(true);
    closeDecoder();
    expect(decoderWaiting()).toBe(false);
    const { seconds } = await decodeToWav16k(files['jfk.wav']!);
    expect(seconds).toBeCloseTo(11, 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(decoderWaiting()).toBe(false);
  }, 60_000);
});
