'use client';

import { useEffect, useState } from 'react';
import { localVideo, type LocalVideo } from './video-store';
import styles from './recorder.module.css';

/** Replays an answer's video if it is still in this tab's memory; says plainly when it is not. */
export function LocalReplay({ recordingId }: { recordingId: string }) {
  // Read after mount: the server render cannot know what this tab holds.
  const [video, setVideo] = useState<LocalVideo | null | undefined>(undefined);
  useEffect(() => setVideo(localVideo(recordingId) ?? null), [recordingId]);
  if (video === undefined) return null;
  if (!video)
    return (
      <p className="muted" data-testid="no-local-video">
        The video never left your device and is gone when you close this tab, so there is nothing to replay
        here.
      </p>
    );
  return (
    <figure className={styles.localReplay}>
      <video
        className={styles.stageVideo}
        src={video.url}
        controls
        playsInline
        data-testid="feedback-replay"
        aria-label="Replay of your answer (kept on this device only)"
      />
      <figcaption className="fine-print">
        This video is only in this browser tab. It was never uploaded and is gone when you close the tab.
      </figcaption>
    </figure>
  );
}
