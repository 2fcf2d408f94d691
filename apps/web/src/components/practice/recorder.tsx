'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { Camera } from './camera';
import {
  AUDIO_TYPES,
  formatBytes,
  formatClock,
  pickMimeType,
  recordedSeconds,
  recordingUnsupported,
  secondsLeft,
  shouldAutoStop,
  uploadAudio,
  UploadError,
  VIDEO_TYPES,
  type UploadResult,
} from './media';
import { dropVideo, keepVideo } from './video-store';
import styles from './recorder.module.css';

type Phase = 'idle' | 'recording' | 'stopping' | 'recorded' | 'uploading' | 'uploaded';

interface Take {
  recordingId: string;
  audio: Blob;
  video: Blob;
  videoUrl: string;
  durationSeconds: number;
}

export interface RecorderProps {
  sessionId: string;
  questionId: string;
  /** The page's camera + microphone (see `useCamera`): it outlives this recorder, so the next question needs no new permission. */
  camera: Camera;
  /** Seconds; recording stops by itself when reached. */
  timeLimitSeconds: number;
  /** Called once the audio is accepted by the server (the video stays in this tab's memory). */
  onUploaded: (result: UploadResult & { durationSeconds: number }) => void;
  /** Disables recording (e.g. the free trial is used up), with the reason shown. */
  blockedReason?: string | null;
}

/**
 * Records one answer (mount it with `key={questionId}`): a live camera preview with a microphone level meter,
 * a timer that stops at the limit, two MediaRecorders (video+audio kept in memory for replay; audio only, the
 * part that is uploaded), retake, and upload with progress. The camera belongs to the page (`camera`); this
 * component only stops its own recorders and meter when it goes away.
 */
export function Recorder({
  sessionId,
  questionId,
  camera,
  timeLimitSeconds,
  onUploaded,
  blockedReason,
}: RecorderProps) {
  const [phase, setPhase] = useState<Phase>('idle');
  const [problem, setProblem] = useState<{ title: string; detail: string } | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const [take, setTake] = useState<Take | null>(null);
  const [progress, setProgress] = useState(0);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const [unsupported, setUnsupported] = useState<string | null>(null);

  const { stream, status: cameraStatus } = camera;
  const previewRef = useRef<HTMLVideoElement>(null);
  const meterRef = useRef<HTMLDivElement>(null);
  const meterFillRef = useRef<HTMLSpanElement>(null);
  const recordersRef = useRef<{ video: MediaRecorder; audio: MediaRecorder } | null>(null);
  const startedAtRef = useRef(0);
  const tickRef = useRef<number | null>(null);
  const takeRef = useRef<Take | null>(null);
  const submittedRef = useRef(false);
  const mountedRef = useRef(true);
  const abortRef = useRef<AbortController | null>(null);
  const stopRef = useRef<() => void>(() => undefined);
  const prevCameraRef = useRef(cameraStatus);

  takeRef.current = take;

  useEffect(() => setUnsupported(recordingUnsupported()), []);

  const stopRecorders = useCallback(() => {
    if (tickRef.current !== null) window.clearInterval(tickRef.current);
    tickRef.current = null;
    const recs = recordersRef.current;
    recordersRef.current = null;
    for (const r of recs ? [recs.video, recs.audio] : []) {
      if (r.state !== 'inactive') {
        try {
          r.stop();
        } catch {
          /* already stopped */
        }
      }
    }
  }, []);

  // Going away (another question, leaving the page): stop recording; a take never submitted is discarded.
  // The camera itself is the page's to release.
  useEffect(() => {
    mountedRef.current = true;
    return () => {
      mountedRef.current = false;
      stopRecorders();
      abortRef.current?.abort();
      const t = takeRef.current;
      if (t && !submittedRef.current) dropVideo(t.recordingId);
    };
  }, [stopRecorders]);

  // The live preview follows the page's stream.
  useEffect(() => {
    const v = previewRef.current;
    if (!v) return;
    v.srcObject = stream;
    if (stream) void v.play().catch(() => undefined);
  }, [stream]);

  // The camera went off (turned off, unplugged) while recording: keep what was recorded so far.
  useEffect(() => {
    if (!stream && recordersRef.current) stopRef.current();
  }, [stream]);

  useEffect(() => {
    const was = prevCameraRef.current;
    prevCameraRef.current = cameraStatus;
    if (was === cameraStatus) return;
    if (cameraStatus === 'on')
      setAnnounce('Camera and microphone are on. Press Start recording when you are ready.');
    else if (cameraStatus === 'off' && was === 'on') setAnnounce('Camera and microphone are off.');
  }, [cameraStatus]);

  // Microphone level meter, for as long as there is a stream.
  useEffect(() => {
    if (!stream) return;
    const meter = meterRef.current;
    const fill = meterFillRef.current;
    let ctx: AudioContext | null = null;
    let raf: number | null = null;
    try {
      const Ctx =
        window.AudioContext ??
        (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (Ctx && stream.getAudioTracks().length > 0) {
        const c = new Ctx();
        ctx = c;
        void c.resume().catch(() => undefined);
        const source = c.createMediaStreamSource(stream);
        const analyser = c.createAnalyser();
        analyser.fftSize = 1024;
        source.connect(analyser);
        const data = new Float32Array(analyser.fftSize);
        let lastAria = 0;
        const draw = (now: number) => {
          analyser.getFloatTimeDomainData(data);
          let sum = 0;
          for (const v of data) sum += v * v;
          const rms = Math.sqrt(sum / data.length);
          // Speech sits around -40…-10 dBFS; map -60…0 dB to 0…100.
          const db = 20 * Math.log10(Math.max(rms, 1e-6));
          const level = Math.round(Math.min(100, Math.max(0, ((db + 60) / 60) * 100)));
          // Setting a CSSOM property is allowed by the CSP (style attributes in markup are not).
          if (fill) fill.style.transform = `scaleX(${level / 100})`;
          if (now - lastAria > 500) {
            lastAria = now;
            meter?.setAttribute('aria-valuenow', String(level));
            meter?.setAttribute('aria-valuetext', level < 8 ? 'Silent' : `${level} percent`);
          }
          raf = requestAnimationFrame(draw);
        };
        raf = requestAnimationFrame(draw);
      }
    } catch {
      /* the meter is a nicety; recording works without it */
    }
    return () => {
      if (raf !== null) cancelAnimationFrame(raf);
      void ctx?.close().catch(() => undefined);
      if (fill) fill.style.transform = 'scaleX(0)';
      meter?.setAttribute('aria-valuenow', '0');
      meter?.setAttribute('aria-valuetext', 'Silent');
    };
  }, [stream]);

  function startRecording() {
    if (!stream) return;
    setProblem(null);
    setUploadError(null);
    if (stream.getAudioTracks().length === 0) {
      setProblem({
        title: 'No microphone sound.',
        detail: 'Your browser gave us a camera but no microphone. Connect a microphone and try again.',
      });
      return;
    }
    let video: MediaRecorder;
    let audio: MediaRecorder;
    try {
      const vType = pickMimeType(VIDEO_TYPES);
      const aType = pickMimeType(AUDIO_TYPES);
      video = new MediaRecorder(stream, vType ? { mimeType: vType } : undefined);
      // Speech needs far less than the browser's default (~128 kbit/s): smaller, faster uploads.
      audio = new MediaRecorder(new MediaStream(stream.getAudioTracks()), {
        ...(aType ? { mimeType: aType } : {}),
        audioBitsPerSecond: 48_000,
      });
    } catch (e) {
      setProblem({
        title: 'This browser cannot record here.',
        detail: `MediaRecorder is not supported for this camera or microphone (${(e as Error).message || 'unknown reason'}). Try a current version of Chrome, Edge, Firefox or Safari.`,
      });
      return;
    }
    const vChunks: Blob[] = [];
    const aChunks: Blob[] = [];
    video.ondataavailable = (e) => e.data.size > 0 && vChunks.push(e.data);
    audio.ondataavailable = (e) => e.data.size > 0 && aChunks.push(e.data);
    const stopped = (r: MediaRecorder) =>
      new Promise<void>((res) => r.addEventListener('stop', () => res(), { once: true }));
    const both = Promise.all([stopped(video), stopped(audio)]);
    recordersRef.current = { video, audio };

    both.then(
      () => {
        const durationSeconds = recordedSeconds(performance.now() - startedAtRef.current);
        if (tickRef.current !== null) window.clearInterval(tickRef.current);
        tickRef.current = null;
        recordersRef.current = null;
        if (!mountedRef.current) return; // another question, or the page went away
        const aBlob = new Blob(aChunks, { type: audio.mimeType || aChunks[0]?.type || 'audio/webm' });
        const vBlob = new Blob(vChunks, { type: video.mimeType || vChunks[0]?.type || 'video/webm' });
        const recordingId = crypto.randomUUID();
        const local = keepVideo(recordingId, vBlob);
        setTake({ recordingId, audio: aBlob, video: vBlob, videoUrl: local.url, durationSeconds });
        setElapsed(durationSeconds);
        setPhase('recorded');
        setAnnounce(
          `Recording stopped after ${Math.round(durationSeconds)} seconds. Watch it back, then submit or record again.`,
        );
      },
      () => undefined,
    );

    video.start(1000);
    audio.start(1000);
    startedAtRef.current = performance.now();
    setElapsed(0);
    setPhase('recording');
    setAnnounce(`Recording. It stops by itself after ${formatClock(timeLimitSeconds)}.`);
    let warned = false;
    tickRef.current = window.setInterval(() => {
      const ms = performance.now() - startedAtRef.current;
      setElapsed(ms / 1000);
      if (shouldAutoStop(ms, timeLimitSeconds)) {
        stopRef.current();
        setAnnounce('Time is up: the recording stopped by itself.');
      } else if (!warned && timeLimitSeconds > 20 && secondsLeft(ms, timeLimitSeconds) <= 10) {
        warned = true;
        setAnnounce('10 seconds left.');
      }
    }, 200);
  }

  function stopRecording() {
    const recs = recordersRef.current;
    if (!recs) return;
    if (tickRef.current !== null) window.clearInterval(tickRef.current);
    tickRef.current = null;
    setPhase('stopping');
    for (const r of [recs.video, recs.audio]) if (r.state !== 'inactive') r.stop();
  }
  stopRef.current = stopRecording;

  function retake() {
    if (take) dropVideo(take.recordingId);
    setTake(null);
    setElapsed(0);
    setProgress(0);
    setUploadError(null);
    setPhase('idle');
    setAnnounce('Recording discarded.');
  }

  async function submit() {
    if (!take) return;
    setUploadError(null);
    setPhase('uploading');
    setProgress(0);
    const q = new URLSearchParams({
      sessionId,
      questionId,
      durationSeconds: String(take.durationSeconds),
      recordingId: take.recordingId,
    });
    const ac = new AbortController();
    abortRef.current = ac;
    try {
      const res = await uploadAudio(`/api/recordings?${q.toString()}`, take.audio, setProgress, ac.signal);
      submittedRef.current = true;
      setPhase('uploaded');
      setAnnounce('Your audio was uploaded. We are transcribing it now.');
      onUploaded({ ...res, durationSeconds: take.durationSeconds });
    } catch (e) {
      if (e instanceof UploadError && e.code === 'ABORTED') return;
      setUploadError(e instanceof Error ? e.message : 'The upload failed. Please try again.');
      setPhase('recorded');
    }
  }

  const cameraOn = cameraStatus === 'on';
  const showReplay = take && (phase === 'recorded' || phase === 'uploading' || phase === 'uploaded');
  const remaining = secondsLeft(elapsed * 1000, timeLimitSeconds);
  const blocked = Boolean(blockedReason);
  const cameraProblem = camera.problem;

  return (
    <section className={styles.recorder} aria-label="Record your answer">
      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>

      {unsupported ? (
        <div className="notice bad" role="alert">
          <p>
            <strong>Recording is not available.</strong> {unsupported}
          </p>
        </div>
      ) : null}

      {cameraProblem && !unsupported ? (
        <div className="notice bad" role="alert" data-testid="camera-problem">
          <p>
            <strong>{cameraProblem.title}</strong> {cameraProblem.detail}
          </p>
        </div>
      ) : null}

      {problem ? (
        <div className="notice bad" role="alert">
          <p>
            <strong>{problem.title}</strong> {problem.detail}
          </p>
        </div>
      ) : null}

      <div className={styles.stage}>
        {/* The live preview stays mounted (hidden during replay); the camera keeps running for a retake. */}
        <video
          ref={previewRef}
          className={`${styles.stageVideo} ${styles.mirror}${showReplay ? ` ${styles.isHidden}` : ''}`}
          muted
          playsInline
          autoPlay
          aria-label="Live camera preview"
        />
        {showReplay ? (
          <video
            key={take.videoUrl}
            className={styles.stageVideo}
            data-testid="replay"
            src={take.videoUrl}
            controls
            playsInline
            aria-label="Replay of your answer (kept on this device only)"
          />
        ) : null}
        {!cameraOn && !showReplay ? (
          <div className={styles.stagePlaceholder}>
            <p>{cameraStatus === 'starting' ? 'Asking for your camera and microphone…' : 'Camera is off.'}</p>
          </div>
        ) : null}
        {phase === 'recording' ? (
          <span className={styles.recBadge} aria-hidden="true">
            REC
          </span>
        ) : null}
      </div>

      <div className={styles.recorderBar}>
        <div className={styles.meterWrap}>
          <span className={styles.meterLabel} id={`meter-${questionId}`}>
            Microphone
          </span>
          <div
            ref={meterRef}
            className={styles.meter}
            role="meter"
            aria-labelledby={`meter-${questionId}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={0}
            aria-valuetext="Silent"
          >
            <span ref={meterFillRef} className={styles.meterFill} />
          </div>
        </div>
        <p
          className={`${styles.timer} num`}
          role="timer"
          aria-label={`Recorded ${formatClock(elapsed)} of ${formatClock(timeLimitSeconds)}`}
        >
          <span data-testid="timer">{formatClock(elapsed)}</span>
          <span className="muted"> / {formatClock(timeLimitSeconds)}</span>
        </p>
      </div>
      <progress
        className={styles.timeBar}
        max={timeLimitSeconds}
        value={Math.min(timeLimitSeconds, elapsed)}
        aria-label={`Time used: ${formatClock(elapsed)} of ${formatClock(timeLimitSeconds)}; ${formatClock(remaining)} left`}
      />

      {blocked && phase !== 'uploaded' ? (
        <p className="notice warn" role="status">
          {blockedReason}
        </p>
      ) : null}

      <div className={`button-row tight ${styles.recorderActions}`}>
        {phase === 'idle' && !cameraOn ? (
          <button
            type="button"
            className="button"
            onClick={() => void camera.turnOn()}
            disabled={cameraStatus === 'starting' || Boolean(unsupported) || blocked}
          >
            {cameraStatus === 'starting' ? 'Starting camera…' : 'Turn on camera and microphone'}
          </button>
        ) : null}
        {phase === 'idle' && cameraOn ? (
          <button type="button" className="button" onClick={startRecording} disabled={blocked}>
            Start recording
          </button>
        ) : null}
        {phase === 'recording' || phase === 'stopping' ? (
          <button
            type="button"
            className="button danger"
            onClick={stopRecording}
            disabled={phase === 'stopping'}
          >
            {phase === 'stopping' ? 'Stopping…' : 'Stop recording'}
          </button>
        ) : null}
        {phase === 'recorded' || phase === 'uploading' ? (
          <>
            <button
              type="button"
              className="button"
              onClick={() => void submit()}
              disabled={phase === 'uploading'}
            >
              {phase === 'uploading' ? 'Uploading…' : uploadError ? 'Try the upload again' : 'Submit answer'}
            </button>
            <button
              type="button"
              className="button secondary"
              onClick={retake}
              disabled={phase === 'uploading'}
            >
              Record again
            </button>
          </>
        ) : null}
        {cameraOn && phase !== 'recording' && phase !== 'stopping' ? (
          <button type="button" className="link-button" onClick={camera.turnOff}>
            Turn camera off
          </button>
        ) : null}
      </div>

      {take && (phase === 'recorded' || phase === 'uploading') ? (
        <p className="fine-print">
          Only the audio ({formatBytes(take.audio.size)}) is uploaded. The video (
          {formatBytes(take.video.size)}) stays in this browser tab.
        </p>
      ) : null}

      {phase === 'uploading' || phase === 'uploaded' ? (
        <div className={styles.uploadProgress}>
          <label htmlFor={`up-${questionId}`}>
            {phase === 'uploaded' ? 'Audio uploaded' : 'Uploading audio'}
          </label>
          <progress id={`up-${questionId}`} max={100} value={Math.round(progress * 100)} />
          <span className="num">{Math.round(progress * 100)}%</span>
        </div>
      ) : null}

      {uploadError ? (
        <div className="notice bad" role="alert" data-testid="upload-error">
          <p>
            <strong>Your answer was not uploaded.</strong> {uploadError}
          </p>
        </div>
      ) : null}
    </section>
  );
}
