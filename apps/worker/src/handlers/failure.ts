import type { recording } from '@tia/domain';
import { PermanentTranscriptionError, TransientTranscriptionError } from '../speech/port.js';

/** The stable code of a transcription that failed for good (what events and candidates get). */
export const failureCodeOf = (e: unknown): recording.TranscriptionFailureCode => {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) return 'timed_out';
  if (e instanceof PermanentTranscriptionError)
    return e.fault === 'engine' ? 'engine_unavailable' : 'audio_unreadable';
  if (e instanceof TransientTranscriptionError)
    return /timed out/.test(e.message) ? 'timed_out' : 'engine_unavailable';
  return 'unknown';
};

const MAX_DETAIL = 300;

/**
 * An error as operators may read it: its class and the first line of its message, cut short, with quoted text
 * (which may be what a person said), URL credentials and query strings removed. Bounded work: the message is
 * cut before any pattern runs.
 */
export const scrubDetail = (e: unknown): string => {
  const name = e instanceof Error ? e.name : typeof e;
  const message = e instanceof Error ? e.message : String(e);
  const firstLine = message.slice(0, 2 * MAX_DETAIL).split('\n', 1)[0] ?? '';
  const scrubbed = firstLine
    .replace(/"[^"]*"?|'[^']*'?|`[^`]*`?|“[^”]*”?/g, '[quoted text removed]')
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1')
    .replace(/(https?:\/\/[^\s?#]*)[?#][^\s)]*/gi, '$1')
    .slice(0, MAX_DETAIL);
  return `${name}: ${scrubbed}`;
};
