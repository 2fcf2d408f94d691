/** Browser media helpers for the recorder: mime type choice, error wording, upload with progress. */

export const AUDIO_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4'] as const;
export const VIDEO_TYPES = ['video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4'] as const;

/** The first type this browser's MediaRecorder supports, or '' (let the browser choose). */
export function pickMimeType(candidates: readonly string[]): string {
  if (typeof MediaRecorder === 'undefined' || typeof MediaRecorder.isTypeSupported !== 'function') return '';
  return candidates.find((t) => MediaRecorder.isTypeSupported(t)) ?? '';
}

/** Plain-English explanation of a getUserMedia / MediaRecorder failure. */
export function cameraProblem(err: unknown): { title: string; detail: string } {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return {
        title: 'Camera and microphone access was blocked.',
        detail:
          'Allow this site to use your camera and microphone (look for the camera icon in the address bar or your browser settings), then try again.',
      };
    case 'NotFoundError':
    case 'OverconstrainedError':
      return {
        title: 'No camera or microphone was found.',
        detail: 'Connect a camera and a microphone (or check they are switched on), then try again.',
      };
    case 'NotReadableError':
    case 'AbortError':
      return {
        title: 'Your camera or microphone is busy.',
        detail: 'Another app or browser tab may be using it. Close that app, then try again.',
      };
    default:
      return {
        title: 'The camera could not be started.',
        detail:
          err instanceof Error && err.message ? err.message : 'Please try again or use another browser.',
      };
  }
}

/** Why this browser cannot record here, or null if it can. */
export function recordingUnsupported(): string | null {
  if (typeof window === 'undefined') return null;
  if (!window.isSecureContext)
    return 'Recording needs a secure connection (https). Open this page over https and try again.';
  if (!navigator.mediaDevices?.getUserMedia)
    return 'This browser cannot use a camera and microphone. Try a current version of Chrome, Edge, Firefox or Safari.';
  if (typeof MediaRecorder === 'undefined')
    return 'This browser cannot record audio and video (no MediaRecorder). Try a current version of Chrome, Edge, Firefox or Safari.';
  return null;
}

export interface UploadResult {
  recordingId: string;
  status: string;
  sha256: string;
  bytes: number;
}

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

const STATUS_TEXT: Record<number, string> = {
  401: 'You are signed out. Sign in again, then submit your answer.',
  402: 'Your free practice answers are used up.',
  403: 'This answer could not be accepted.',
  404: 'This practice session or question was not found.',
  413: 'The recording is too large to upload (the limit is 10 MB).',
  415: 'The recording is not in an audio format we accept.',
  429: 'Too many uploads at once. Wait a moment and try again.',
};

/** POSTs the audio with XMLHttpRequest so upload progress can be shown; rejects with an UploadError. */
export function uploadAudio(
  url: string,
  blob: Blob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.responseType = 'text';
    xhr.setRequestHeader('Content-Type', blob.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText || 'null');
      } catch {
        body = null;
      }
      if (xhr.status === 200 || xhr.status === 201) {
        onProgress(1);
        resolve(body as UploadResult);
        return;
      }
      const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      const message =
        typeof err?.message === 'string' && err.message
          ? err.message
          : (STATUS_TEXT[xhr.status] ?? `The upload failed (HTTP ${xhr.status}). Please try again.`);
      reject(new UploadError(message, xhr.status, typeof err?.code === 'string' ? err.code : null));
    };
    xhr.onerror = () =>
      reject(new UploadError('Could not reach the server. Check your connection and try again.', 0, null));
    xhr.onabort = () => reject(new UploadError('The upload was cancelled.', 0, 'ABORTED'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(blob);
  });
}

/**
 * Whether a recording that has run for `elapsedMs` has reached the answer time limit and must stop by itself.
 * A limit that is not a positive number never stops a recording (the server still enforces its own).
 */
export function shouldAutoStop(elapsedMs: number, limitSeconds: number): boolean {
  if (!Number.isFinite(limitSeconds) || limitSeconds <= 0) return false;
  return elapsedMs >= limitSeconds * 1000;
}

/** Whole seconds left before the limit (never negative), for the timer and its announcement. */
export function secondsLeft(elapsedMs: number, limitSeconds: number): number {
  return Math.max(0, Math.ceil(limitSeconds - Math.max(0, elapsedMs) / 1000));
}

/** A recording's length in seconds to one decimal, as sent with the upload (`durationSeconds`). */
export function recordedSeconds(elapsedMs: number): number {
  return Math.round(Math.max(0, elapsedMs) / 100) / 10;
}

export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(2)} MB`;
}
