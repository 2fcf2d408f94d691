import { describe, expect, it } from 'vitest';
import { speechFixture } from '@tia/db/testing';
import { bundledFfmpeg, ffmpegCommand, firstRunnableFfmpeg } from './ffmpeg.js';
import { runProcess } from './run.js';

// A machine with nothing but Node.js has no ffmpeg on the PATH: the optional npm dependency brings one.
describe('ffmpeg resolution', () => {
  const bundled = bundledFfmpeg();

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'npm installs a static ffmpeg that decodes a recording to 16 kHz mono PCM',
    async () => {
      expect(bundled, '@ffmpeg-installer/ffmpeg is installed on linux-x64').not.toBeNull();
      const pcm = await runProcess(
        bundled!,
        [
          '-nostdin',
          '-hide_banner',
          '-loglevel',
          'error',
          '-i',
          speechFixture('jfk.wav'),
          '-ac',
          '1',
          '-ar',
          '16000',
          '-f',
          's16le',
          'pipe:1',
        ],
        { timeoutMs: 60_000 },
      );
      expect(pcm.code).toBe(0);
      // jfk.wav is 11 s long: 16,000 samples/s × 2 bytes
      expect(pcm.stdout.length / 32_000).toBeCloseTo(11, 0);
    },
  );

  it('falls back to the next candidate when the first cannot run, and reports none when nothing runs', async () => {
    expect(await firstRunnableFfmpeg(['/nonexistent/ffmpeg'])).toBeNull();
    const fallback = bundled ?? 'ffmpeg';
    expect(await firstRunnableFfmpeg(['/nonexistent/ffmpeg', fallback])).toBe(fallback);
  });

  it('prefers the system ffmpeg when there is one', async () => {
    const system = await firstRunnableFfmpeg(['ffmpeg']);
    expect(await ffmpegCommand()).toBe(system ?? bundled ?? 'ffmpeg');
  });
});
