/* Real audio/video files for tests, made by ffmpeg at test time from the speech fixture (never checked in). */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { speechFixture } from '@tia/db/testing';

const run = promisify(execFile);

/** 11 s of real speech, 16 kHz mono PCM (see fixtures/speech/README.md). */
export const SPEECH_FIXTURE = speechFixture('jfk.wav');

export type FixtureName =
  | 'webm-opus'
  | 'webm-vp8-opus'
  | 'ogg-opus'
  | 'ogg-theora-vorbis'
  | 'm4a-aac'
  | 'm4a-aac-fragmented'
  | 'mp4-h264-aac'
  | 'wav';

/** ffmpeg arguments after the inputs; `video` adds a lavfi test picture as the second input. */
const RECIPES: Record<FixtureName, { file: string; video: boolean; args: string[]; encoders: string[] }> = {
  'webm-opus': {
    file: 'a.webm',
    video: false,
    args: ['-c:a', 'libopus', '-b:a', '32k'],
    encoders: ['libopus'],
  },
  'webm-vp8-opus': {
    file: 'av.webm',
    video: true,
    args: ['-c:v', 'libvpx', '-b:v', '200k', '-c:a', 'libopus', '-b:a', '32k'],
    encoders: ['libvpx', 'libopus'],
  },
  'ogg-opus': {
    file: 'a.ogg',
    video: false,
    args: ['-c:a', 'libopus', '-b:a', '32k'],
    encoders: ['libopus'],
  },
  'ogg-theora-vorbis': {
    file: 'av.ogv',
    video: true,
    args: ['-c:v', 'libtheora', '-q:v', '3', '-c:a', 'libvorbis', '-q:a', '2'],
    encoders: ['libtheora', 'libvorbis'],
  },
  'm4a-aac': { file: 'a.m4a', video: false, args: ['-c:a', 'aac', '-b:a', '48k'], encoders: ['aac'] },
  // What Safari's MediaRecorder writes: an empty movie header (duration 0) and the audio in 1 s fragments.
  'm4a-aac-fragmented': {
    file: 'a-frag.m4a',
    video: false,
    args: [
      '-c:a',
      'aac',
      '-b:a',
      '48k',
      '-movflags',
      'frag_keyframe+empty_moov+default_base_moof',
      '-frag_duration',
      '1000000',
    ],
    encoders: ['aac'],
  },
  'mp4-h264-aac': {
    file: 'av.mp4',
    video: true,
    args: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '48k'],
    encoders: ['libx264', 'aac'],
  },
  wav: { file: 'a.wav', video: false, args: ['-c:a', 'pcm_s16le'], encoders: ['pcm_s16le'] },
};

let encoderList: Promise<string> | null = null;
/** Whether this ffmpeg build has an encoder (e.g. `libtheora`). */
export const hasEncoder = async (name: string): Promise<boolean> => {
  encoderList ??= run('ffmpeg', ['-hide_banner', '-encoders'], { maxBuffer: 8 << 20 }).then((r) => r.stdout);
  return new RegExp(`^\\s*[VAS][.A-Z]{5}\\s+${name}\\s`, 'm').test(await encoderList);
};

export interface AudioFixtures {
  dir: string;
  /** Generates (once) and reads the file; null when this ffmpeg cannot encode it. */
  get(name: FixtureName, opts?: { seconds?: number }): Promise<Buffer | null>;
  /** Like `get`, but throws when the encoder is missing. */
  must(name: FixtureName, opts?: { seconds?: number }): Promise<Buffer>;
  /** Writes `data` to a file in the temp dir and returns its path. */
  file(name: string, data: Buffer): Promise<string>;
  cleanup(): Promise<void>;
}

/**
 * A temp dir of fixtures made from `source` (the speech fixture by default; it must exist).
 * `seconds` trims the clip (default: the whole 11 s).
 */
export const createAudioFixtures = async (source = SPEECH_FIXTURE): Promise<AudioFixtures> => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tia-audio-'));
  const made = new Map<string, Promise<Buffer | null>>();
  if (!existsSync(source)) throw new Error(`speech fixture missing: ${source}`);
  const input = ['-i', source];
  const get = (name: FixtureName, opts: { seconds?: number } = {}): Promise<Buffer | null> => {
    const key = `${name}@${opts.seconds ?? 'all'}`;
    let p = made.get(key);
    if (!p) {
      p = (async () => {
        const recipe = RECIPES[name];
        for (const enc of recipe.encoders) if (!(await hasEncoder(enc))) return null;
        const out = path.join(dir, `${opts.seconds ?? 'all'}-${recipe.file}`);
        const args = [
          '-hide_banner',
          '-loglevel',
          'error',
          '-y',
          ...input,
          ...(recipe.video ? ['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=15'] : []),
          ...(recipe.video ? ['-map', '1:v:0', '-map', '0:a:0', '-shortest'] : ['-map', '0:a:0']),
          ...(opts.seconds !== undefined ? ['-t', String(opts.seconds)] : []),
          ...recipe.args,
          out,
        ];
        await run('ffmpeg', args, { maxBuffer: 8 << 20 });
        return readFile(out);
      })();
      made.set(key, p);
    }
    return p;
  };
  return {
    dir,
    get,
    must: async (name, opts) => {
      const b = await get(name, opts);
      if (!b) throw new Error(`ffmpeg cannot encode ${name} here`);
      return b;
    },
    file: async (name, data) => {
      const p = path.join(dir, name);
      await writeFile(p, data);
      return p;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
};

/** A small real PNG (1×1), for "not audio" cases. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
