import { describe, expect, it } from 'vitest';
import { PermanentTranscriptionError, TransientTranscriptionError } from '../speech/port.js';
import { failureCodeOf, scrubDetail } from './failure.js';

describe('transcription failures (issue 8, item 8)', () => {
  it('get a stable code', () => {
    expect(failureCodeOf(new PermanentTranscriptionError('empty audio upload'))).toBe('audio_unreadable');
    expect(failureCodeOf(new PermanentTranscriptionError('answered 401', 'engine'))).toBe(
      'engine_unavailable',
    );
    expect(failureCodeOf(new TransientTranscriptionError('connection refused'))).toBe('engine_unavailable');
    expect(failureCodeOf(new TransientTranscriptionError('ffmpeg timed out'))).toBe('timed_out');
    expect(failureCodeOf(new DOMException('late', 'TimeoutError'))).toBe('timed_out');
    expect(failureCodeOf(new Error('something else'))).toBe('unknown');
  });

  it('reach operator logs scrubbed: no quoted words, credentials, query strings or later lines', () => {
    const e = new TransientTranscriptionError(
      'transcription request to https://bob:secret@whisper.internal/v1/audio?key=abc failed ("so I told my manager")\n' +
        'ffmpeg: stderr line with more of what was said',
    );
    const d = scrubDetail(e);
    expect(d).toMatch(
      /^TransientTranscriptionError: transcription request to https:\/\/whisper\.internal\/v1\/audio failed/,
    );
    expect(d).not.toMatch(/secret|bob|key=abc|told my manager|stderr/);
    expect(scrubDetail(new Error(`x${'"'.repeat(100_000)}`)).length).toBeLessThan(400); // bounded work and size
  });
});
