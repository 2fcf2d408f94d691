/**
 * How long an uploaded answer really is, from its container's own structure (no decoder, no child process):
 * WebM/Matroska from the last block's timestamp (or the Info Duration, whichever is longer), Ogg from the last
 * page's granule position, MP4 from the movie header (or, fragmented, the end of its last fragment), WAV from the data chunk's size. The browser's declared
 * length is a claim; this is what the upload route checks it against before storing anything, so a 2-minute
 * answer declared as 5 s, an hour of silence or a tiny file declaring hours never reaches storage or the worker.
 *
 * `truncated`: the file ends inside an element, page, box or chunk (cut off, or it lies about its sizes).
 * `unknown`: the container does not say: the worker's check after decoding still applies.
 * Every walk is linear in the file's length with at most MAX_DURATION_STEPS steps; beyond that, `unknown`.
 */
import type { SniffedContainer } from './sniff.js';

export type MeasuredDuration =
  { kind: 'seconds'; seconds: number } | { kind: 'truncated' } | { kind: 'unknown' };

export const MAX_DURATION_STEPS = 2_000_000;

class Truncated extends Error {}
class OverBudget extends Error {}
const need = (buf: Buffer, end: number): void => {
  if (end > buf.length) throw new Truncated();
};
const stepper = () => {
  let left = MAX_DURATION_STEPS;
  return () => {
    if (--left < 0) throw new OverBudget();
  };
};

export const measureDuration = (buf: Buffer, container: SniffedContainer): MeasuredDuration => {
  try {
    const seconds =
      container === 'webm'
        ? webmSeconds(buf)
        : container === 'ogg'
          ? oggSeconds(buf)
          : container === 'mp4'
            ? mp4Seconds(buf)
            : wavSeconds(buf);
    return seconds === null || !Number.isFinite(seconds) || seconds < 0
      ? { kind: 'unknown' }
      : { kind: 'seconds', seconds };
  } catch (e) {
    if (e instanceof Truncated) return { kind: 'truncated' };
    if (e instanceof OverBudget) return { kind: 'unknown' };
    throw e;
  }
};

// --- WebM / Matroska -------------------------------------------------------------------------------------

const ID = {
  Segment: 0x18538067,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
} as const;
/** Level-1 elements: inside an unknown-size cluster, one of these ends it. */
const LEVEL1 = new Set([
  0x114d9b74, 0x1549a966, 0x1654ae6b, 0x1f43b675, 0x1c53bb6b, 0x1941a469, 0x1043a770, 0x1254c367,
]);

const vint = (
  buf: Buffer,
  at: number,
  keepMarker: boolean,
): { value: number; length: number; unknown: boolean } => {
  need(buf, at + 1);
  const first = buf[at]!;
  let length = 1;
  while (length <= 8 && (first & (0x80 >> (length - 1))) === 0) length++;
  if (length > 8) throw new Truncated();
  need(buf, at + length);
  let value = keepMarker ? first : first & (0xff >> length);
  let unknown = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + buf[at + i]!;
    if (buf[at + i] !== 0xff) unknown = false;
  }
  return { value, length, unknown };
};
const element = (buf: Buffer, at: number) => {
  const id = vint(buf, at, true);
  const size = vint(buf, at + id.length, false);
  return { id: id.value, data: at + id.length + size.length, size: size.unknown ? null : size.value };
};
const uint = (buf: Buffer, at: number, size: number): number => {
  need(buf, at + size);
  let v = 0;
  for (let i = 0; i < Math.min(size, 7); i++) v = v * 256 + buf[at + i]!;
  return v;
};

function webmSeconds(buf: Buffer): number | null {
  const step = stepper();
  const header = element(buf, 0);
  if (header.size === null) throw new Truncated();
  let at = header.data + header.size;
  need(buf, at);
  let scale = 1_000_000; // ns per tick
  let declared = 0; // ticks (Info Duration)
  let last = 0; // ticks (latest block)
  while (at < buf.length) {
    step();
    const seg = element(buf, at);
    if (seg.id !== ID.Segment) {
      if (seg.size === null) break;
      need(buf, seg.data + seg.size);
      at = seg.data + seg.size;
      continue;
    }
    const segEnd = seg.size === null ? buf.length : seg.data + seg.size;
    need(buf, segEnd);
    let p = seg.data;
    while (p < segEnd) {
      step();
      const el = element(buf, p);
      if (el.id === ID.Cluster) {
        const end = el.size === null ? segEnd : el.data + el.size;
        need(buf, end);
        let clusterTc = 0;
        let q = el.data;
        while (q < end) {
          step();
          const c = element(buf, q);
          if (el.size === null && LEVEL1.has(c.id)) break; // the next cluster (or a sibling) starts here
          if (c.size === null) throw new Truncated();
          need(buf, c.data + c.size);
          if (c.id === ID.Timecode) clusterTc = uint(buf, c.data, c.size);
          const blockAt =
            c.id === ID.SimpleBlock
              ? c.data
              : c.id === ID.BlockGroup
                ? blockInGroup(buf, c.data, c.size)
                : null;
          if (blockAt !== null) {
            const track = vint(buf, blockAt, false);
            need(buf, blockAt + track.length + 2);
            last = Math.max(last, clusterTc + buf.readInt16BE(blockAt + track.length));
          }
          q = c.data + c.size;
        }
        p = q;
        continue;
      }
      if (el.size === null) break; // nothing after an unknown-size element we do not enter is addressable
      need(buf, el.data + el.size);
      if (el.id === ID.Info) {
        let r = el.data;
        while (r < el.data + el.size) {
          step();
          const c = element(buf, r);
          if (c.size === null) throw new Truncated();
          need(buf, c.data + c.size);
          if (c.id === ID.TimecodeScale) scale = uint(buf, c.data, c.size) || 1_000_000;
          if (c.id === ID.Duration)
            declared = c.size === 4 ? buf.readFloatBE(c.data) : c.size === 8 ? buf.readDoubleBE(c.data) : 0;
          r = c.data + c.size;
        }
      }
      p = el.data + el.size;
    }
    at = segEnd;
  }
  return (Math.max(declared, last) * scale) / 1e9;
}

const blockInGroup = (buf: Buffer, start: number, size: number): number | null => {
  let p = start;
  while (p < start + size) {
    const c = element(buf, p);
    if (c.size === null) throw new Truncated();
    if (c.id === ID.Block) return c.data;
    p = c.data + c.size;
  }
  return null;
};

// --- Ogg ---------------------------------------------------------------------------------------------------

function oggSeconds(buf: Buffer): number | null {
  const step = stepper();
  let at = 0;
  let serial: number | null = null;
  let rate = 0;
  let preSkip = 0;
  let granule = 0;
  while (at < buf.length) {
    step();
    need(buf, at + 27);
    if (buf.toString('latin1', at, at + 4) !== 'OggS') throw new Truncated();
    const segments = buf[at + 26]!;
    need(buf, at + 27 + segments);
    let body = 0;
    for (let i = 0; i < segments; i++) body += buf[at + 27 + i]!;
    const data = at + 27 + segments;
    need(buf, data + body);
    const pageSerial = buf.readUInt32LE(at + 14);
    if (serial === null) {
      serial = pageSerial;
      const head = buf.subarray(data, data + body);
      if (head.length >= 12 && head.toString('latin1', 0, 8) === 'OpusHead') {
        rate = 48_000;
        preSkip = head.readUInt16LE(10);
      } else if (head.length >= 16 && head.toString('latin1', 0, 7) === '\x01vorbis') {
        rate = head.readUInt32LE(12);
      } else if (head.length >= 68 && head.toString('latin1', 0, 8) === 'Speex   ') {
        rate = head.readUInt32LE(36);
      }
    }
    if (pageSerial === serial) {
      const g = buf.readBigInt64LE(at + 6);
      if (g >= 0n) granule = Math.max(granule, Number(g));
    }
    at = data + body;
  }
  return rate > 0 ? Math.max(0, granule - preSkip) / rate : null;
}

// --- MP4 ---------------------------------------------------------------------------------------------------

function mp4Seconds(buf: Buffer): number | null {
  const step = stepper();
  const boxes = (start: number, end: number) => {
    const out: { type: string; data: number; end: number }[] = [];
    let at = start;
    while (at < end) {
      step();
      need(buf, at + 8);
      let size = buf.readUInt32BE(at);
      let header = 8;
      if (size === 1) {
        need(buf, at + 16);
        size = Number(buf.readBigUInt64BE(at + 8));
        header = 16;
      } else if (size === 0) size = end - at;
      if (size < header) throw new Truncated();
      need(buf, at + size);
      out.push({ type: buf.toString('latin1', at + 4, at + 8), data: at + header, end: at + size });
      at += size;
    }
    return out;
  };
  const top = boxes(0, buf.length);
  const moov = top.find((b) => b.type === 'moov');
  if (!moov) return null;
  const inMoov = boxes(moov.data, moov.end);
  const mvhd = inMoov.find((b) => b.type === 'mvhd');
  if (!mvhd) return null;
  need(buf, mvhd.data + 32);
  const v1 = buf[mvhd.data] === 1;
  const timescale = buf.readUInt32BE(mvhd.data + (v1 ? 20 : 12));
  const duration = v1 ? Number(buf.readBigUInt64BE(mvhd.data + 24)) : buf.readUInt32BE(mvhd.data + 16);
  if (timescale !== 0 && duration !== 0 && duration !== 0xffffffff) return duration / timescale;
  // Fragmented MP4 (Safari's recorder, `empty_moov`): the movie header says 0; the length is the end of the
  // last sample of the fragments (movie fragment boxes), per track in that track's own timescale.
  return fragmentedMp4Seconds(buf, inMoov, top, boxes, step);
}

type Mp4Box = { type: string; data: number; end: number };

/** Reads a box's full-box header (version, flags). */
const fullBox = (buf: Buffer, box: Mp4Box) => {
  need(buf, box.data + 4);
  return { version: buf[box.data]!, flags: buf.readUIntBE(box.data + 1, 3), at: box.data + 4 };
};

function fragmentedMp4Seconds(
  buf: Buffer,
  inMoov: Mp4Box[],
  top: Mp4Box[],
  boxes: (start: number, end: number) => Mp4Box[],
  step: () => void,
): number | null {
  // Each track's timescale (trak/mdia/mdhd) and default sample duration (mvex/trex).
  const tracks = new Map<number, { timescale: number; defaultDuration: number; end: number }>();
  for (const trak of inMoov.filter((b) => b.type === 'trak')) {
    const inTrak = boxes(trak.data, trak.end);
    const tkhd = inTrak.find((b) => b.type === 'tkhd');
    const mdia = inTrak.find((b) => b.type === 'mdia');
    const mdhd = mdia && boxes(mdia.data, mdia.end).find((b) => b.type === 'mdhd');
    if (!tkhd || !mdhd) continue;
    const t = fullBox(buf, tkhd);
    need(buf, t.at + (t.version === 1 ? 20 : 12));
    const trackId = buf.readUInt32BE(t.at + (t.version === 1 ? 16 : 8));
    const m = fullBox(buf, mdhd);
    need(buf, m.at + (m.version === 1 ? 20 : 12));
    const scale = buf.readUInt32BE(m.at + (m.version === 1 ? 16 : 8));
    if (scale > 0) tracks.set(trackId, { timescale: scale, defaultDuration: 0, end: 0 });
  }
  const mvex = inMoov.find((b) => b.type === 'mvex');
  for (const trex of mvex ? boxes(mvex.data, mvex.end).filter((b) => b.type === 'trex') : []) {
    const x = fullBox(buf, trex);
    need(buf, x.at + 12);
    const track = tracks.get(buf.readUInt32BE(x.at));
    if (track) track.defaultDuration = buf.readUInt32BE(x.at + 8);
  }
  let fragments = 0;
  for (const moof of top.filter((b) => b.type === 'moof')) {
    for (const traf of boxes(moof.data, moof.end).filter((b) => b.type === 'traf')) {
      const inTraf = boxes(traf.data, traf.end);
      const tfhd = inTraf.find((b) => b.type === 'tfhd');
      if (!tfhd) continue;
      const h = fullBox(buf, tfhd);
      need(buf, h.at + 4);
      const track = tracks.get(buf.readUInt32BE(h.at));
      if (!track) continue;
      let at = h.at + 4;
      if (h.flags & 0x01) at += 8; // base-data-offset
      if (h.flags & 0x02) at += 4; // sample-description-index
      let defaultDuration = track.defaultDuration;
      if (h.flags & 0x08) {
        need(buf, at + 4);
        defaultDuration = buf.readUInt32BE(at);
      }
      // The fragment starts at its decode time when it says so, else where the previous one ended.
      let time = track.end;
      const tfdt = inTraf.find((b) => b.type === 'tfdt');
      if (tfdt) {
        const d = fullBox(buf, tfdt);
        need(buf, d.at + (d.version === 1 ? 8 : 4));
        time = d.version === 1 ? Number(buf.readBigUInt64BE(d.at)) : buf.readUInt32BE(d.at);
      }
      for (const trun of inTraf.filter((b) => b.type === 'trun')) {
        const r = fullBox(buf, trun);
        need(buf, r.at + 4);
        const count = buf.readUInt32BE(r.at);
        let s = r.at + 4;
        if (r.flags & 0x01) s += 4; // data-offset
        if (r.flags & 0x04) s += 4; // first-sample-flags
        const perSample =
          (r.flags & 0x100 ? 4 : 0) +
          (r.flags & 0x200 ? 4 : 0) +
          (r.flags & 0x400 ? 4 : 0) +
          (r.flags & 0x800 ? 4 : 0);
        if (!(r.flags & 0x100)) {
          // Every sample lasts the default: no need to walk them (the table must still fit in the box).
          if (s + count * perSample > trun.end) throw new Truncated();
          time += count * defaultDuration;
          continue;
        }
        if (s + count * perSample > trun.end) throw new Truncated();
        for (let i = 0; i < count; i++, s += perSample) {
          step();
          time += buf.readUInt32BE(s);
        }
      }
      track.end = Math.max(track.end, time);
      fragments++;
    }
  }
  if (fragments === 0) return null;
  let seconds = 0;
  for (const t of tracks.values()) seconds = Math.max(seconds, t.end / t.timescale);
  return seconds;
}

// --- WAV ---------------------------------------------------------------------------------------------------

function wavSeconds(buf: Buffer): number | null {
  const step = stepper();
  let at = 12;
  let byteRate = 0;
  while (at + 8 <= buf.length) {
    step();
    const id = buf.toString('latin1', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      need(buf, at + 8 + 12);
      byteRate = buf.readUInt32LE(at + 8 + 8);
    }
    if (id === 'data') {
      if (byteRate === 0) return null;
      // 0xFFFFFFFF (or 0): a streamed WAV whose writer never knew its length — the bytes present count.
      const streamed = size === 0xffffffff || size === 0;
      const seconds = (streamed ? buf.length - at - 8 : size) / byteRate;
      if (!streamed) need(buf, at + 8 + size);
      return seconds;
    }
    at += 8 + size + (size % 2);
  }
  return null;
}
