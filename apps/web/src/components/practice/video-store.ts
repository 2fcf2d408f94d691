/**
 * Recorded answer videos, kept only in this tab's memory (never uploaded). Keyed by recordingId so the
 * feedback page can replay an answer after a client-side navigation from the session page. Closing or
 * reloading the tab discards them.
 */
export interface LocalVideo {
  url: string;
  blob: Blob;
  recordedAt: number;
}

const videos = new Map<string, LocalVideo>();

export function keepVideo(recordingId: string, blob: Blob): LocalVideo {
  const existing = videos.get(recordingId);
  if (existing) URL.revokeObjectURL(existing.url);
  const v = { url: URL.createObjectURL(blob), blob, recordedAt: Date.now() };
  videos.set(recordingId, v);
  return v;
}

export function localVideo(recordingId: string): LocalVideo | undefined {
  return videos.get(recordingId);
}

export function dropVideo(recordingId: string): void {
  const v = videos.get(recordingId);
  if (v) URL.revokeObjectURL(v.url);
  videos.delete(recordingId);
}
