/**
 * What an uploaded answer really contains, from its bytes (never from the client's content type): the container
 * from its magic bytes, then the tracks from the container's own structure. No dependency; only the headers are
 * parsed. Anything that cannot be verified (unknown format, truncated before the track list, MP4 without `moov`)
 * is `null`, and the caller refuses it.
 *
 * `codecs` are short lower-case names in track order, without duplicates: `opus`, `vorbis`, `flac`, `speex`,
 * `aac`, `mp3`, `pcm`, `float`, `alaw`, `mulaw`, `vp8`, `vp9`, `av1`, `h264`, `hevc`, `mpeg4`, `theora`; an
 * unknown codec keeps its container's name for it (e.g. `A_TRUEHD`, `mp4:alac`, `wav:0x0011`).
 */
export type SniffedContainer = 'webm' | 'ogg' | 'mp4' | 'wav';

export interface SniffResult {
  container: SniffedContainer;
  hasAudio: boolean;
  hasVideo: boolean;
  codecs: string[];
}

type Kind = 'audio' | 'video' | 'other';
interface Track {
  kind: Kind;
  codec: string;
}

const ascii = (buf: Buffer, start: number, end: number): string => buf.toString('latin1', start, end);

/**
 * The longest string element (DocType, CodecID) we read. Real values are a few bytes ("webm", "A_OPUS");
 * anything longer is refused before it is decoded, so no work depends on an attacker-chosen size.
 */
export const MAX_EBML_STRING_BYTES = 64;
/**
 * Elements, pages and boxes one sniff may visit. Real recordings need a few dozen before the track list;
 * the budget keeps the parse strictly bounded (linear in at most this many steps) whatever the input.
 */
export const MAX_SNIFF_STEPS = 4096;

/** An EBML string: at most MAX_EBML_STRING_BYTES, trailing NULs cut by a backward scan (no regex). */
const ebmlString = (buf: Buffer, start: number, size: number): string => {
  if (size > MAX_EBML_STRING_BYTES) throw new Truncated();
  need(buf, start + size);
  let end = start + size;
  while (end > start && buf[end - 1] === 0) end--;
  return ascii(buf, start, end);
};

/** Counts parse steps; past the budget the file is refused as unverifiable. */
class Budget {
  private left = MAX_SNIFF_STEPS;
  step(): void {
    if (--this.left < 0) throw new Truncated();
  }
}
let budget = new Budget();

const result = (container: SniffedContainer, tracks: readonly Track[]): SniffResult => ({
  container,
  hasAudio: tracks.some((t) => t.kind === 'audio'),
  hasVideo: tracks.some((t) => t.kind === 'video'),
  codecs: [...new Set(tracks.map((t) => t.codec).filter((c) => c !== ''))],
});

export function sniffAudio(buf: Buffer): SniffResult | null {
  if (buf.length < 12) return null;
  budget = new Budget();
  try {
    if (buf.readUInt32BE(0) === 0x1a45dfa3) return sniffEbml(buf);
    if (ascii(buf, 0, 4) === 'OggS') return sniffOgg(buf);
    if (ascii(buf, 4, 8) === 'ftyp') return sniffMp4(buf);
    if (ascii(buf, 0, 4) === 'RIFF' && ascii(buf, 8, 12) === 'WAVE') return sniffWav(buf);
  } catch (e) {
    if (e instanceof Truncated) return null;
    throw e;
  }
  return null;
}

/** Reading past the end of the buffer: the file is cut short (or lies about its sizes). */
class Truncated extends Error {}
const need = (buf: Buffer, end: number): void => {
  if (end > buf.length) throw new Truncated();
};

// ---------------------------------------------------------------------------------------------------------
// EBML / Matroska / WebM
// ---------------------------------------------------------------------------------------------------------

const EBML = {
  Header: 0x1a45dfa3,
  DocType: 0x4282,
  Segment: 0x18538067,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackType: 0x83,
  CodecID: 0x86,
  Cluster: 0x1f43b675,
} as const;

interface Element {
  id: number;
  /** Start of the payload. */
  data: number;
  /** null: unknown size (live MediaRecorder output), the element runs until its parent ends. */
  size: number | null;
}

/** A variable-length integer: the marker bit is kept for ids, dropped for sizes. */
const vint = (
  buf: Buffer,
  at: number,
  keepMarker: boolean,
): { value: number; length: number; allOnes: boolean } => {
  need(buf, at + 1);
  const first = buf[at]!;
  let length = 1;
  while (length <= 8 && (first & (0x80 >> (length - 1))) === 0) length++;
  if (length > 8) throw new Truncated(); // 0x00 lead byte: not EBML
  need(buf, at + length);
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const b = buf[at + i]!;
    value = value * 256 + b;
    if (b !== 0xff) allOnes = false;
  }
  return { value, length, allOnes };
};

const readElement = (buf: Buffer, at: number): Element => {
  const id = vint(buf, at, true);
  const size = vint(buf, at + id.length, false);
  return { id: id.value, data: at + id.length + size.length, size: size.allOnes ? null : size.value };
};

/** The children of [start, end), calling `visit` for each; `visit` returns false to stop. */
const eachChild = (buf: Buffer, start: number, end: number, visit: (el: Element) => boolean): void => {
  let at = start;
  while (at < end) {
    budget.step();
    const el = readElement(buf, at);
    if (!visit(el)) return;
    if (el.size === null) return; // an unknown-size child we did not enter: nothing after it is addressable
    at = el.data + el.size;
  }
};

const MATROSKA_CODECS: Record<string, string> = {
  A_OPUS: 'opus',
  A_VORBIS: 'vorbis',
  A_FLAC: 'flac',
  A_AAC: 'aac',
  'A_MPEG/L3': 'mp3',
  A_PCM: 'pcm',
  V_VP8: 'vp8',
  V_VP9: 'vp9',
  V_AV1: 'av1',
  'V_MPEG4/ISO/AVC': 'h264',
  'V_MPEGH/ISO/HEVC': 'hevc',
  V_THEORA: 'theora',
};
const matroskaCodec = (id: string): string =>
  MATROSKA_CODECS[id] ?? (id.startsWith('A_AAC') ? 'aac' : id.startsWith('A_PCM') ? 'pcm' : id);

const parseTrackEntry = (buf: Buffer, start: number, end: number): Track => {
  let type = 0;
  let codec = '';
  eachChild(buf, start, end, (el) => {
    if (el.size === null) throw new Truncated();
    need(buf, el.data + el.size);
    if (el.id === EBML.TrackType) type = buf.readUIntBE(el.data, Math.min(Math.max(el.size, 1), 6));
    if (el.id === EBML.CodecID) codec = matroskaCodec(ebmlString(buf, el.data, el.size));
    return true;
  });
  return { kind: type === 1 ? 'video' : type === 2 ? 'audio' : 'other', codec };
};

function sniffEbml(buf: Buffer): SniffResult | null {
  const header = readElement(buf, 0);
  if (header.size === null) return null;
  need(buf, header.data + header.size);
  let docType = '';
  eachChild(buf, header.data, header.data + header.size, (el) => {
    if (el.id === EBML.DocType && el.size !== null) docType = ebmlString(buf, el.data, el.size);
    return true;
  });
  if (docType !== 'webm' && docType !== 'matroska') return null;

  let tracks: Track[] | null = null;
  eachChild(buf, header.data + header.size, buf.length, (top) => {
    if (top.id !== EBML.Segment) return true;
    const segEnd = top.size === null ? buf.length : Math.min(top.data + top.size, buf.length);
    eachChild(buf, top.data, segEnd, (el) => {
      if (el.id === EBML.Tracks) {
        const end = el.size === null ? segEnd : el.data + el.size;
        need(buf, end);
        const found: Track[] = [];
        eachChild(buf, el.data, end, (entry) => {
          if (entry.id === EBML.TrackEntry) {
            if (entry.size === null) throw new Truncated();
            need(buf, entry.data + entry.size);
            found.push(parseTrackEntry(buf, entry.data, entry.data + entry.size));
          }
          return true;
        });
        tracks = found;
        return false;
      }
      // Media data before the track list (or an element we cannot skip): the tracks are not verifiable.
      return el.id !== EBML.Cluster && el.size !== null;
    });
    return false;
  });
  return tracks ? result('webm', tracks) : null;
}

// ---------------------------------------------------------------------------------------------------------
// Ogg
// ---------------------------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

const oggCrc = (page: Buffer): number => {
  let crc = 0;
  for (let i = 0; i < page.length; i++) {
    const b = i >= 22 && i < 26 ? 0 : page[i]!; // the checksum field counts as zero
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  }
  return crc;
};

const oggCodec = (packet: Buffer): Track => {
  const starts = (s: string) => packet.length >= s.length && ascii(packet, 0, s.length) === s;
  if (starts('OpusHead')) return { kind: 'audio', codec: 'opus' };
  if (starts('\x01vorbis')) return { kind: 'audio', codec: 'vorbis' };
  if (starts('\x7fFLAC') || starts('fLaC')) return { kind: 'audio', codec: 'flac' };
  if (starts('Speex   ')) return { kind: 'audio', codec: 'speex' };
  if (starts('\x80theora')) return { kind: 'video', codec: 'theora' };
  if (starts('OVP80')) return { kind: 'video', codec: 'vp8' };
  if (starts('\x80daala')) return { kind: 'video', codec: 'daala' };
  if (starts('fishead\0') || starts('fisbone\0')) return { kind: 'other', codec: '' }; // skeleton metadata
  return {
    kind: 'other',
    codec: `ogg:${ascii(packet, 0, Math.min(8, packet.length)).replace(/[^\x20-\x7e]/g, '')}`,
  };
};

/**
 * Every logical stream starts with a BOS page, and all BOS pages come before any other page: read pages until
 * the first non-BOS one (which must be there, so the set of streams is known), checking each page's CRC.
 */
function sniffOgg(buf: Buffer): SniffResult | null {
  const tracks: Track[] = [];
  let at = 0;
  for (;;) {
    budget.step();
    need(buf, at + 27);
    if (ascii(buf, at, at + 4) !== 'OggS' || buf[at + 4] !== 0) return null;
    const flags = buf[at + 5]!;
    const segments = buf[at + 26]!;
    need(buf, at + 27 + segments);
    let bodyLength = 0;
    for (let i = 0; i < segments; i++) bodyLength += buf[at + 27 + i]!;
    const end = at + 27 + segments + bodyLength;
    need(buf, end);
    const page = buf.subarray(at, end);
    if (oggCrc(page) !== buf.readUInt32LE(at + 22)) return null;
    const bos = (flags & 0x02) !== 0;
    if (!bos) break;
    // The first packet of a BOS page is the codec's identification header.
    let firstPacket = 0;
    for (let i = 0; i < segments; i++) {
      const lace = buf[at + 27 + i]!;
      firstPacket += lace;
      if (lace < 255) break;
    }
    const body = at + 27 + segments;
    tracks.push(oggCodec(buf.subarray(body, body + firstPacket)));
    at = end;
  }
  return tracks.length > 0 ? result('ogg', tracks) : null;
}

// ---------------------------------------------------------------------------------------------------------
// MP4 / ISO-BMFF
// ---------------------------------------------------------------------------------------------------------

interface Box {
  type: string;
  data: number;
  end: number;
}

/** The boxes in [start, end); a box running past `end` is truncated. */
const boxes = (buf: Buffer, start: number, end: number): Box[] => {
  const out: Box[] = [];
  let at = start;
  while (at + 8 <= end) {
    budget.step();
    let size = buf.readUInt32BE(at);
    const type = ascii(buf, at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      need(buf, at + 16);
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = end - at; // to the end of the file
    }
    if (size < header) throw new Truncated();
    out.push({ type, data: at + header, end: at + size });
    at += size;
  }
  return out;
};

const child = (buf: Buffer, box: Box, type: string): Box | undefined => {
  need(buf, box.end);
  return boxes(buf, box.data, box.end).find((b) => b.type === type);
};

const MP4_CODECS: Record<string, string> = {
  mp4a: 'aac',
  Opus: 'opus',
  fLaC: 'flac',
  '.mp3': 'mp3',
  ac_3: 'ac3',
  avc1: 'h264',
  avc3: 'h264',
  hvc1: 'hevc',
  hev1: 'hevc',
  mp4v: 'mpeg4',
  vp08: 'vp8',
  vp09: 'vp9',
  av01: 'av1',
};

function sniffMp4(buf: Buffer): SniffResult | null {
  const top = boxes(buf, 0, buf.length);
  if (top[0]?.type !== 'ftyp') return null;
  const moov = top.find((b) => b.type === 'moov');
  if (!moov) return null; // moov at the end, beyond what we got (or missing): not verifiable
  const tracks: Track[] = [];
  need(buf, moov.end);
  for (const trak of boxes(buf, moov.data, moov.end).filter((b) => b.type === 'trak')) {
    const mdia = child(buf, trak, 'mdia');
    if (!mdia) continue;
    const hdlr = child(buf, mdia, 'hdlr');
    if (!hdlr) continue;
    need(buf, hdlr.data + 12);
    const handler = ascii(buf, hdlr.data + 8, hdlr.data + 12); // after version/flags and pre_defined
    const kind: Kind = handler === 'soun' ? 'audio' : handler === 'vide' ? 'video' : 'other';
    let codec = '';
    const stbl = ((m) => (m ? child(buf, m, 'stbl') : undefined))(child(buf, mdia, 'minf'));
    const stsd = stbl ? child(buf, stbl, 'stsd') : undefined;
    if (stsd && stsd.data + 16 <= stsd.end) {
      // full box header (4) + entry_count (4), then the first sample entry's size (4) and format (4)
      const format = ascii(buf, stsd.data + 12, stsd.data + 16);
      codec = MP4_CODECS[format.replace(/\0/g, '_').replace(/^ac-3$/, 'ac_3')] ?? `mp4:${format}`;
    }
    if (kind !== 'other') tracks.push({ kind, codec });
  }
  return result('mp4', tracks);
}

// ---------------------------------------------------------------------------------------------------------
// WAV
// ---------------------------------------------------------------------------------------------------------

const WAV_FORMATS: Record<number, string> = { 1: 'pcm', 3: 'float', 6: 'alaw', 7: 'mulaw', 0x55: 'mp3' };

function sniffWav(buf: Buffer): SniffResult | null {
  let at = 12;
  while (at + 8 <= buf.length) {
    budget.step();
    const id = ascii(buf, at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      if (size < 16) return null;
      need(buf, at + 8 + 16);
      let format = buf.readUInt16LE(at + 8);
      const channels = buf.readUInt16LE(at + 10);
      const sampleRate = buf.readUInt32LE(at + 12);
      if (format === 0xfffe && size >= 40) {
        need(buf, at + 8 + 26);
        format = buf.readUInt16LE(at + 8 + 24); // WAVE_FORMAT_EXTENSIBLE: the sub-format GUID's first two bytes
      }
      const codec = WAV_FORMATS[format] ?? `wav:0x${format.toString(16).padStart(4, '0')}`;
      const audio = channels > 0 && sampleRate > 0;
      return result('wav', audio ? [{ kind: 'audio', codec }] : []);
    }
    at += 8 + size + (size % 2);
  }
  return null;
}
