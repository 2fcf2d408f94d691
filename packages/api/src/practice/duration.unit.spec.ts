import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudioFixtures, type AudioFixtures, type FixtureName } from '../testing/audio-fixtures.js';
import { measureDuration } from './duration.js';
import { sniffAudio } from './sniff.js';

let fx: AudioFixtures;
beforeAll(async () => {
  fx = await createAudioFixtures();
}, 120_000);
afterAll(async () => fx?.cleanup());

const T = 60_000;
const measure = (data: Buffer) => {
  const sniffed = sniffAudio(data);
  if (!sniffed) throw new Error('not sniffed as audio');
  return measureDuration(data, sniffed.container);
};

describe('measureDuration on real files made by ffmpeg (the 11 s speech fixture)', () => {
  const cases: FixtureName[] = ['webm-opus', 'ogg-opus', 'm4a-aac', 'm4a-aac-fragmented', 'wav'];
  for (const name of cases) {
    it(
      name,
      async () => {
        const m = measure(await fx.must(name));
        expect(m.kind).toBe('seconds');
        expect(m.kind === 'seconds' ? m.seconds : 0).toBeGreaterThan(10.5);
        expect(m.kind === 'seconds' ? m.seconds : 0).toBeLessThan(11.6);
      },
      T,
    );
  }

  it(
    'a fragmented MP4 (Safari) of 3 s measures 3 s: the fragments are summed, not the empty movie header',
    async () => {
      const m = measure(await fx.must('m4a-aac-fragmented', { seconds: 3 }));
      expect(m.kind).toBe('seconds');
      if (m.kind === 'seconds') expect(Math.abs(m.seconds - 3)).toBeLessThan(0.2);
    },
    T,
  );

  it(
    'a fragmented MP4 cut inside a fragment is truncated; one whose sample table claims more than its box holds too',
    async () => {
      const whole = await fx.must('m4a-aac-fragmented');
      const firstMoof = whole.indexOf('moof', 0, 'latin1') - 4;
      expect(firstMoof).toBeGreaterThan(0);
      expect(measure(whole.subarray(0, firstMoof + 40))).toEqual({ kind: 'truncated' });
      const lying = Buffer.from(whole);
      const trun = lying.indexOf('trun', firstMoof, 'latin1') - 4;
      lying.writeUInt32BE(0x00ffffff, trun + 12); // sample_count far beyond the box
      expect(measure(lying)).toEqual({ kind: 'truncated' });
    },
    T,
  );
});
