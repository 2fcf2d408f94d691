'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { problemsOf } from '../../../components/forms';
import { practiceApi, usePracticeUtils } from '../../../components/practice/api';
import { useCamera } from '../../../components/practice/camera';
import { formatClock } from '../../../components/practice/media';
import { Recorder } from '../../../components/practice/recorder';
import {
  MediaPromise,
  SignedIn,
  SPEECH_UNAVAILABLE_TEXT,
  TrialCounter,
  useSpeechAvailable,
} from '../../../components/practice/signed-in';
import { AnswerProgress, isFinal, STATUS_LABEL } from '../../../components/practice/status-steps';
import { DeleteSession } from '../../../components/practice/delete-data';
import styles from './session.module.css';

const TRACK_NAME: Record<string, string> = {
  competency: 'Competency-based interview',
  ypp: 'World Bank Young Professionals Program interview',
  job: 'Job-specific interview',
};

export function SessionView({ sessionId }: { sessionId: string }) {
  return (
    <SignedIn what="practise">
      <SessionInner sessionId={sessionId} />
    </SignedIn>
  );
}

function SessionInner({ sessionId }: { sessionId: string }) {
  const utils = usePracticeUtils();
  const session = practiceApi.session.useQuery(
    { sessionId },
    {
      retry: 1,
      // Keep the answers' statuses fresh while any is still being processed.
      refetchInterval: (q) =>
        q.state.data?.questions.some((qq) => qq.answers.some((a) => !isFinal(a.status))) ? 1000 : false,
    },
  );
  const trial = practiceApi.trial.useQuery();
  const speechAvailable = useSpeechAvailable();
  // One camera for the whole session: answering the next question needs no new permission. It is released
  // when the candidate turns it off or leaves this page.
  const camera = useCamera();
  const [index, setIndex] = useState(0);
  /** recordingId just uploaded, per question id (shown with a live status until final). */
  const [justUploaded, setJustUploaded] = useState<Record<string, string>>({});
  const [again, setAgain] = useState<Record<string, boolean>>({});
  const heading = useRef<HTMLHeadingElement>(null);
  const questionHeading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);

  useEffect(() => {
    if (session.data) heading.current?.focus();
  }, [session.data?.sessionId]);

  useEffect(() => {
    if (moved.current) questionHeading.current?.focus();
  }, [index]);

  if (session.isPending)
    return (
      <p className="muted" aria-live="polite">
        Loading your practice session…
      </p>
    );
  if (!session.data) {
    const p = problemsOf(session.error);
    return (
      <div className="notice bad" role="alert">
        <p>
          <strong>
            {p.code === 'NOT_FOUND'
              ? 'This practice session was not found.'
              : 'The session could not be loaded.'}
          </strong>{' '}
          {p.code === 'NOT_FOUND' ? '' : p.message}
        </p>
        <p>
          <Link href="/practice">Start a new practice session</Link>
        </p>
      </div>
    );
  }

  const s = session.data;
  const total = s.questions.length;
  const i = Math.min(index, total - 1);
  const q = s.questions[i]!;
  const uploadedId = justUploaded[q.id];
  const answers = q.answers;
  const showRecorder = !uploadedId && (answers.length === 0 || again[q.id]);
  const noneLeft = trial.data ? trial.data.remaining <= 0 : false;

  const go = (n: number) => {
    moved.current = true;
    setIndex(Math.max(0, Math.min(total - 1, n)));
  };

  return (
    <>
      <div className="status-head">
        <div>
          <span className="eyebrow">{TRACK_NAME[s.track] ?? 'Practice'}</span>
          <h1 ref={heading} tabIndex={-1} className="focus-target">
            {s.jobTitle ? `Practice for ${s.jobTitle}` : 'Your practice session'}
          </h1>
          <p className="muted">
            {total} question{total === 1 ? '' : 's'} · up to {formatClock(s.answerTimeLimitSeconds)} per
            answer
          </p>
        </div>
        <TrialCounter trial={trial.data} />
      </div>

      <nav className={styles.qStepper} aria-label="Questions">
        <ol>
          {s.questions.map((qq, n) => {
            const last = qq.answers[0];
            const state = justUploaded[qq.id] || last ? 'answered' : 'open';
            return (
              <li key={qq.id}>
                <button
                  type="button"
                  className={state === 'answered' ? `${styles.qDot} ${styles.answered}` : styles.qDot}
                  aria-current={n === i ? 'step' : undefined}
                  onClick={() => go(n)}
                >
                  <span aria-hidden="true">{n + 1}</span>
                  <span className="visually-hidden">
                    Question {n + 1}
                    {state === 'answered' ? ' (answered)' : ''}
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
      </nav>

      <article className={`card ${styles.questionCard}`} aria-labelledby="q-title">
        <p className="eyebrow">
          Question {i + 1} of {total}
        </p>
        <h2
          id="q-title"
          ref={questionHeading}
          tabIndex={-1}
          className={`${styles.questionText} focus-target`}
          data-testid="question-text"
        >
          {q.text}
        </h2>
        <p className={styles.qMeta}>
          <span className="track-tag">{q.competencyName}</span>{' '}
          <span className="muted">Time limit {formatClock(s.answerTimeLimitSeconds)}</span>
        </p>
        {q.strongAnswerShows.length > 0 ? (
          <details className={styles.tips}>
            <summary>What a strong answer shows</summary>
            <ul>
              {q.strongAnswerShows.map((x) => (
                <li key={x}>{x}</li>
              ))}
            </ul>
            {q.expectsStar ? (
              <p className="fine-print">
                Tell it as a story: the Situation, your Task, the Actions you took, and the Result (STAR).
              </p>
            ) : null}
          </details>
        ) : null}

        {answers.length > 0 && !uploadedId ? (
          <div className={styles.previousAnswers}>
            <h3>Your answers to this question</h3>
            <ul>
              {answers.map((a) => (
                <li key={a.recordingId}>
                  {new Date(a.uploadedAt).toLocaleString()} · {STATUS_LABEL[a.status]}
                  {a.overall !== null ? ` · ${a.overall}/100` : ''} ·{' '}
                  <Link href={`/practice/answers/${a.recordingId}`}>
                    {a.status === 'scored' ? 'See feedback' : 'Details'}
                  </Link>
                </li>
              ))}
            </ul>
            {!again[q.id] ? (
              <button
                type="button"
                className="button secondary small"
                onClick={() => setAgain((m) => ({ ...m, [q.id]: true }))}
                disabled={noneLeft}
              >
                Answer this question again
              </button>
            ) : null}
          </div>
        ) : null}

        {showRecorder ? (
          <Recorder
            key={q.id}
            camera={camera}
            sessionId={s.sessionId}
            questionId={q.id}
            timeLimitSeconds={s.answerTimeLimitSeconds}
            blockedReason={
              noneLeft
                ? 'You have used all your free practice answers, so new answers cannot be submitted.'
                : speechAvailable === false
                  ? SPEECH_UNAVAILABLE_TEXT
                  : null
            }
            onUploaded={(res) => {
              setJustUploaded((m) => ({ ...m, [q.id]: res.recordingId }));
              setAgain((m) => ({ ...m, [q.id]: false }));
              void utils.trial.invalidate();
              void utils.session.invalidate({ sessionId });
            }}
          />
        ) : null}

        {uploadedId ? (
          <div className="after-upload">
            <AnswerProgress recordingId={uploadedId} />
            <p className="button-row tight">
              {i + 1 < total ? (
                <button type="button" className="button secondary" onClick={() => go(i + 1)}>
                  Next question
                </button>
              ) : null}
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  setJustUploaded((m) => {
                    const { [q.id]: _, ...rest } = m;
                    return rest;
                  });
                  setAgain((m) => ({ ...m, [q.id]: true }));
                }}
                disabled={noneLeft}
              >
                Answer this question again
              </button>
            </p>
          </div>
        ) : null}

        {!showRecorder && camera.status === 'on' ? (
          <p className={styles.cameraNote} data-testid="camera-still-on">
            <span className={styles.liveDot} aria-hidden="true" />
            <span>Your camera and microphone are still on, ready for your next answer.</span>
            <button type="button" className="link-button" onClick={camera.turnOff}>
              Turn camera off
            </button>
          </p>
        ) : null}
      </article>

      <div className={`button-row tight ${styles.qNav}`}>
        <button type="button" className="button secondary" onClick={() => go(i - 1)} disabled={i === 0}>
          Previous question
        </button>
        <button
          type="button"
          className="button secondary"
          onClick={() => go(i + 1)}
          disabled={i + 1 >= total}
        >
          Next question
        </button>
        <Link href="/practice/history">All your answers</Link>
      </div>

      <MediaPromise />
      <DeleteSession sessionId={sessionId} answers={s.questions.reduce((n, x) => n + x.answers.length, 0)} />
    </>
  );
}
