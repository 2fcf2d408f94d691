import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudioFixtures, hasEncoder, PNG_1X1, type AudioFixtures } from '../testing/audio-fixtures.js';
import { sniffAudio } from './sniff.js';

let fx: AudioFixtures;
beforeAll(async () => {
  fx = await createAudioFixtures();
}, 120_000);
afterAll(async () => fx?.cleanup());

const T = 60_000;

describe('sniffAudio on real files made by ffmpeg', () => {
  it(
    'WebM with Opus audio only',
    async () => {
      expect(sniffAudio(await fx.must('webm-opus'))).toEqual({
        container: 'webm',
        hasAudio: true,
        hasVideo: false,
        codecs: ['opus'],
      });
    },
    T,
  );

  it(
    'WebM with VP8 video and Opus audio',
    async () => {
      expect(sniffAudio(await fx.must('webm-vp8-opus'))).toEqual({
        container: 'webm',
        hasAudio: true,
        hasVideo: true,
        codecs: ['vp8', 'opus'],
      });
    },
    T,
  );

  it(
    'WebM as MediaRecorder writes it (unknown-size Segment and Cluster)',
    async () => {
      const b = Buffer.from(await fx.must('webm-opus'));
      // Rewrite the Segment's size as "unknown" (8-byte 0x01FFFFFFFFFFFFFF), as a live recorder does.
      const seg = b.indexOf(Buffer.from([0x18, 0x53, 0x80, 0x67]));
      expect(seg).toBeGreaterThan(0);
      expect(b[seg + 4]).toBe(0x01); // ffmpeg writes an 8-byte size
      Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).copy(b, seg + 4);
      const cluster = b.indexOf(Buffer.from([0x1f, 0x43, 0xb6, 0x75]));
      expect(cluster).toBeGreaterThan(seg);
      expect(sniffAudio(b)).toEqual({ container: 'webm', hasAudio: true, hasVideo: false, codecs: ['opus'] });
      // Only the header (up to the first cluster) is needed.
      expect(sniffAudio(b.subarray(0, cluster + 12))?.codecs).toEqual(['opus']);
    },
    T,
  );

  it(
    'Ogg with Opus',
    async () => {
      expect(sniffAudio(await fx.must('ogg-opus'))).toEqual({
        container: 'ogg',
        hasAudio: true,
        hasVideo: false,
        codecs: ['opus'],
      });
    },
    T,
  );

  it(
    'Ogg with Theora video and Vorbis audio',
    async (ctx) => {
      if (!(await hasEncoder('libtheora')) || !(await hasEncoder('libvorbis'))) ctx.skip();
      expect(sniffAudio(await fx.must('ogg-theora-vorbis'))).toEqual({
        container: 'ogg',
        hasAudio: true,
        hasVideo: true,
        codecs: ['theora', 'vorbis'],
      });
    },
    T,
  );

  it(
    'M4A with AAC',
    async () => {
      expect(sniffAudio(await fx.must('m4a-aac'))).toEqual({
        container: 'mp4',
        hasAudio: true,
        hasVideo: false,
        codecs: ['aac'],
      });
    },
    T,
  );

  it(
    'MP4 with H.264 video and AAC audio',
    async () => {
      expect(sniffAudio(await fx.must('mp4-h264-aac'))).toEqual({
        container: 'mp4',
        hasAudio: true,
        hasVideo: true,
        codecs: ['h264', 'aac'],
      });
    },
    T,
  );

  it(
    'WAV (PCM)',
    async () => {
      expect(sniffAudio(await fx.must('wav'))).toEqual({
        container: 'wav',
        hasAudio: true,
        hasVideo: false,
        codecs: ['pcm'],
      });
    },
    T,
  );
});

describe('sniffAudio refuses what it cannot verify', () => {
  it('a PNG', () => {
    expect(sniffAudio(PNG_1X1)).toBeNull();
  });

  it('random bytes', () => {
    for (let i = 0; i < 50; i++) expect(sniffAudio(randomBytes(1 + i * 97))).toBeNull();
  });

  it('an empty or tiny buffer', () => {
    expect(sniffAudio(Buffer.alloc(0))).toBeNull();
    expect(sniffAudio(Buffer.from('OggS'))).toBeNull();
  });

  it('an HTML page renamed .webm', () => {
    const html = Buffer.from('<!doctype html><html><head><title>x</title></head><body>hello</body></html>\n');
    expect(sniffAudio(html)).toBeNull();
  });

  it(
    'truncated files (cut before the track list / inside the first pages)',
    async () => {
      const webm = await fx.must('webm-opus');
      expect(sniffAudio(webm.subarray(0, 60))).toBeNull();
      const ogg = await fx.must('ogg-opus');
      expect(sniffAudio(ogg.subarray(0, 40))).toBeNull();
      expect(sniffAudio(ogg.subarray(0, 120))).toBeNull(); // only part of the BOS page set
      const wav = await fx.must('wav');
      expect(sniffAudio(wav.subarray(0, 20))).toBeNull();
    },
    T,
  );

  it(
    'an MP4 whose moov is not in the buffer (moov at the end, file cut) is not verifiable',
    async () => {
      const m4a = await fx.must('m4a-aac');
      const moov = m4a.indexOf('moov', 0, 'latin1');
      expect(moov).toBeGreaterThan(0);
      expect(sniffAudio(m4a.subarray(0, moov - 4))).toBeNull();
      // a moov cut in the middle as well
      expect(sniffAudio(m4a.subarray(0, moov + 40))).toBeNull();
    },
    T,
  );

  it(
    'an Ogg page with a wrong checksum',
    async () => {
      const ogg = Buffer.from(await fx.must('ogg-opus'));
      ogg[30] = ogg[30]! ^ 0xff;
      expect(sniffAudio(ogg)).toBeNull();
    },
    T,
  );

  it('a Matroska file with an unknown DocType', () => {
    // EBML header with DocType "foo" and nothing else
    const docType = Buffer.from([0x42, 0x82, 0x83, 0x66, 0x6f, 0x6f]);
    const header = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80 | docType.length]), docType]);
    expect(sniffAudio(Buffer.concat([header, Buffer.alloc(16)]))).toBeNull();
  });
});

/** An 8-byte EBML size (0x01 marker + 7 bytes), as ffmpeg writes them. */
const size8 = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b[0] = 0x01;
  b.writeUIntBE(n, 2, 6);
  return b;
};
const ebml = (id: number[], payload: Buffer): Buffer =>
  Buffer.concat([Buffer.from(id), size8(payload.length), payload]);
const TEN_MIB = 10 * 1024 * 1024;
/** Runs `f` and returns how long it took; the old quadratic code needed hours on these inputs. */
const timed = (f: () => unknown): number => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};

describe('sniffAudio on hostile input is strictly bounded (issue 8, item 1)', () => {
  it('a 10 MiB DocType of NUL bytes followed by one other byte is refused at once', () => {
    const doc = Buffer.alloc(TEN_MIB - 64);
    doc[doc.length - 1] = 0x78;
    const file = ebml([0x1a, 0x45, 0xdf, 0xa3], ebml([0x42, 0x82], doc));
    let result: unknown = 'not run';
    // Generous: linear work on 10 MiB takes milliseconds; the regex trim took hours.
    expect(timed(() => (result = sniffAudio(file)))).toBeLessThan(2_000);
    expect(result).toBeNull();
  });

  it('a CodecID of 10 MiB is refused without decoding it', () => {
    const codec = Buffer.alloc(TEN_MIB - 256);
    codec[codec.length - 1] = 0x41;
    const header = ebml([0x1a, 0x45, 0xdf, 0xa3], ebml([0x42, 0x82], Buffer.from('webm')));
    const entry = ebml([0xae], Buffer.concat([ebml([0x83], Buffer.from([2])), ebml([0x86], codec)]));
    const file = Buffer.concat([
      header,
      ebml([0x18, 0x53, 0x80, 0x67], ebml([0x16, 0x54, 0xae, 0x6b], entry)),
    ]);
    let result: unknown = 'not run';
    expect(timed(() => (result = sniffAudio(file)))).toBeLessThan(2_000);
    expect(result).toBeNull();
  });

  it('a real DocType is still read (NUL padding trimmed without a regex)', () => {
    const header = ebml([0x1a, 0x45, 0xdf, 0xa3], ebml([0x42, 0x82], Buffer.from('webm\0\0\0')));
    const entry = ebml(
      [0xae],
      Buffer.concat([ebml([0x83], Buffer.from([2])), ebml([0x86], Buffer.from('A_OPUS\0'))]),
    );
    const file = Buffer.concat([
      header,
      ebml([0x18, 0x53, 0x80, 0x67], ebml([0x16, 0x54, 0xae, 0x6b], entry)),
    ]);
    expect(sniffAudio(file)).toEqual({
      container: 'webm',
      hasAudio: true,
      hasVideo: false,
      codecs: ['opus'],
    });
  });

  it('millions of tiny elements, boxes or chunks exhaust the step budget instead of the CPU', () => {
    // EBML: a header full of 2-byte Void elements (id 0xEC, size 0).
    const voids = Buffer.alloc(TEN_MIB - 64);
    for (let i = 0; i < voids.length; i += 2) {
      voids[i] = 0xec;
      voids[i + 1] = 0x80;
    }
    const webm = ebml([0x1a, 0x45, 0xdf, 0xa3], voids);
    // MP4: ftyp then a moov full of empty 8-byte boxes.
    const boxesBody = Buffer.alloc(TEN_MIB - 64);
    for (let i = 0; i < boxesBody.length; i += 8) {
      boxesBody.writeUInt32BE(8, i);
      boxesBody.write('free', i + 4);
    }
    const moovHead = Buffer.alloc(8);
    moovHead.writeUInt32BE(8 + boxesBody.length, 0);
    moovHead.write('moov', 4);
    const ftyp = Buffer.from('00000010667479706d703432000000006d703432', 'hex');
    const mp4 = Buffer.concat([ftyp, moovHead, boxesBody]);
    // WAV: RIFF/WAVE then empty chunks, never a fmt.
    const chunks = Buffer.alloc(TEN_MIB - 64);
    for (let i = 0; i < chunks.length; i += 8) chunks.write('junk', i);
    const wav = Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVE'), chunks]);
    for (const file of [webm, mp4, wav]) {
      let result: unknown = 'not run';
      expect(timed(() => (result = sniffAudio(file)))).toBeLessThan(2_000);
      expect(result).toBeNull();
    }
  });
});
