'use client';

import Link from 'next/link';
import { practiceApi } from './api';
import type { RecordingStatus } from './contract';
import styles from './status-steps.module.css';

export const FINAL_STATUSES: readonly RecordingStatus[] = ['scored', 'failed', 'skipped', 'expired'];

export function isFinal(status: string | undefined | null): boolean {
  return FINAL_STATUSES.includes(status as RecordingStatus);
}

const STEPS = ['Uploaded', 'Transcribing', 'Scoring', 'Ready'] as const;

/** Index of the step in progress (or 4 when all are done). */
function stepOf(status: RecordingStatus): number {
  switch (status) {
    case 'uploaded':
      return 1;
    case 'transcribed':
      return 2;
    case 'scored':
      return 4;
    default:
      return -1;
  }
}

export const STATUS_LABEL: Record<RecordingStatus, string> = {
  uploaded: 'Transcribing',
  transcribed: 'Scoring',
  scored: 'Ready',
  failed: 'Failed',
  skipped: 'Not processed',
  expired: 'Expired',
};

/** A visual stepper of an answer's processing, announced politely as it moves. */
export function StatusSteps({ status, detail }: { status: RecordingStatus; detail?: string | null }) {
  const current = stepOf(status);
  const label =
    status === 'scored'
      ? 'Ready: your feedback is ready.'
      : status === 'uploaded'
        ? 'Transcribing your answer…'
        : status === 'transcribed'
          ? 'Scoring your answer…'
          : `${STATUS_LABEL[status]}${detail ? `: ${detail}` : '.'}`;
  return (
    <div className={styles.statusSteps}>
      <ol className={styles.stepsBar} aria-hidden={current < 0 ? true : undefined}>
        {STEPS.map((s, i) => {
          const state =
            current < 0 ? 'todo' : i < current || current === 4 ? 'done' : i === current ? 'now' : 'todo';
          return (
            <li
              key={s}
              className={state === 'done' ? styles.stepDone : state === 'now' ? styles.stepNow : undefined}
              aria-current={state === 'now' ? 'step' : undefined}
            >
              <span className={styles.stepDot} aria-hidden="true" />
              <span>{s}</span>
              <span className="visually-hidden">
                {state === 'done' ? ' (done)' : state === 'now' ? ' (in progress)' : ' (to do)'}
              </span>
            </li>
          );
        })}
      </ol>
      <p
        className={`${styles.statusLine}${current < 0 ? ` ${styles.bad}` : ''}`}
        role="status"
        aria-live="polite"
        data-testid="answer-status"
      >
        {label}
      </p>
    </div>
  );
}

/** Polls an uploaded answer every second until it is final, then links to its feedback. */
export function AnswerProgress({ recordingId }: { recordingId: string }) {
  const rec = practiceApi.recording.useQuery(
    { recordingId },
    {
      refetchInterval: (q) => (isFinal(q.state.data?.status) ? false : 1000),
      refetchIntervalInBackground: true,
      retry: 3,
    },
  );
  const status: RecordingStatus = rec.data?.status ?? 'uploaded';
  return (
    <div className="answer-progress">
      <StatusSteps status={status} detail={rec.data?.statusDetail} />
      {status === 'scored' ? (
        <p>
          <Link className="button" href={`/practice/answers/${recordingId}`} data-testid="feedback-link">
            See your feedback
          </Link>
        </p>
      ) : isFinal(status) ? (
        <p>
          <Link href={`/practice/answers/${recordingId}`}>What happened to this answer</Link>
        </p>
      ) : null}
      {rec.error && !rec.data ? (
        <p className="notice warn" role="status">
          We could not check the status just now; we will keep trying.
        </p>
      ) : null}
    </div>
  );
}
