'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { cameraProblem, recordingUnsupported } from './media';

export type CameraStatus = 'off' | 'starting' | 'on';

export interface Camera {
  status: CameraStatus;
  /** The live camera + microphone stream while `status` is 'on'. */
  stream: MediaStream | null;
  /** Why the camera could not be started (or stopped by itself), in plain words. */
  problem: { title: string; detail: string } | null;
  /** Asks for the camera and microphone (once; the stream is kept until `turnOff` or unmount). */
  turnOn: () => Promise<void>;
  /** Stops every track (the camera light goes off). */
  turnOff: () => void;
}

function stopAll(stream: MediaStream | null | undefined) {
  for (const t of stream?.getTracks() ?? []) t.stop();
}

/**
 * One camera + microphone stream for a whole page (e.g. a practice session), so moving to the next question
 * does not ask again. Every track is stopped when the candidate turns the camera off, when the component
 * using the hook unmounts (client-side navigation), and on `pagehide` (closing the tab, a full navigation).
 * A request still pending when the camera is turned off or the page goes away is stopped as soon as it
 * resolves, so no camera is left running.
 */
export function useCamera(): Camera {
  const [status, setStatus] = useState<CameraStatus>('off');
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [problem, setProblem] = useState<Camera['problem']>(null);
  const streamRef = useRef<MediaStream | null>(null);
  /** Bumped by every turnOn / turnOff / unmount; a getUserMedia answer for an older generation is dropped. */
  const generation = useRef(0);
  const alive = useRef(true);

  const release = useCallback(() => {
    generation.current += 1;
    stopAll(streamRef.current);
    streamRef.current = null;
  }, []);

  const turnOff = useCallback(() => {
    release();
    setStream(null);
    setStatus('off');
  }, [release]);

  const turnOn = useCallback(async () => {
    if (streamRef.current) return;
    const why = recordingUnsupported();
    if (why) {
      setProblem({ title: 'Recording is not available.', detail: why });
      return;
    }
    const mine = ++generation.current;
    setProblem(null);
    setStatus('starting');
    let s: MediaStream;
    try {
      s = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    } catch (e) {
      if (mine !== generation.current || !alive.current) return;
      setProblem(cameraProblem(e));
      setStatus('off');
      return;
    }
    if (mine !== generation.current || !alive.current) {
      stopAll(s); // turned off or left while the browser was asking
      return;
    }
    streamRef.current = s;
    // A camera or microphone that goes away (unplugged, permission withdrawn) ends its track; our own
    // stop() does not fire 'ended'.
    for (const t of s.getTracks()) {
      t.addEventListener(
        'ended',
        () => {
          if (streamRef.current !== s || !alive.current) return;
          release();
          setStream(null);
          setStatus('off');
          setProblem({
            title: `Your ${t.kind === 'video' ? 'camera' : 'microphone'} stopped.`,
            detail:
              'It may have been unplugged, or its permission withdrawn. Check it, then turn the camera and microphone on again.',
          });
        },
        { once: true },
      );
    }
    setStream(s);
    setStatus('on');
  }, [release]);

  useEffect(() => {
    alive.current = true;
    const onHide = () => turnOff();
    window.addEventListener('pagehide', onHide);
    return () => {
      alive.current = false;
      window.removeEventListener('pagehide', onHide);
      release();
    };
  }, [release, turnOff]);

  return { status, stream, problem, turnOn, turnOff };
}
