'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import { api } from '../auth/api';
import { practiceApi } from './api';
import styles from './signed-in.module.css';

/**
 * Renders children for a signed-in user; otherwise a short explanation with sign-in links. `nested`: the page
 * already has its own h1, so the sign-in prompt's heading is an h2.
 */
export function SignedIn({
  children,
  what,
  nested = false,
}: {
  children: ReactNode;
  what: string;
  nested?: boolean;
}) {
  const Heading = nested ? 'h2' : 'h1';
  const me = api.auth.me.useQuery(undefined, { retry: false });
  if (me.isPending)
    return (
      <p className="muted" aria-live="polite">
        Loading…
      </p>
    );
  if (!me.data)
    return (
      <div className="auth-card">
        <Heading>Sign in to {what}</Heading>
        <p>Practice answers belong to your account, so you need to be signed in.</p>
        <p className="button-row tight">
          <Link className="button" href="/signin">
            Sign in
          </Link>
          <Link className="button secondary" href="/signup">
            Create an account
          </Link>
        </p>
      </div>
    );
  if (!me.data.profileComplete)
    return (
      <div className="notice warn" role="status">
        <p>
          <strong>Finish your profile first.</strong> Before you can practise, tell us your date of birth and
          make your privacy choices.
        </p>
        <p>
          <Link className="button" href="/welcome">
            Finish your profile
          </Link>
        </p>
      </div>
    );
  return <>{children}</>;
}

/** "N of M free practice answers left" with a bar. */
export function TrialCounter({
  trial,
}: {
  trial: { total: number; used: number; remaining: number } | undefined;
}) {
  if (!trial)
    return (
      <p className="trial-count muted" aria-live="polite">
        Checking your free answers…
      </p>
    );
  return (
    <div className={styles.trialBox} data-testid="trial">
      <p className="trial-count">
        <span className="num">{trial.remaining}</span> of {trial.total} free practice answers left
      </p>
      <progress
        className="trial-bar"
        max={Math.max(1, trial.total)}
        value={Math.max(0, trial.remaining)}
        aria-label={`Free practice answers left: ${trial.remaining} of ${trial.total}`}
      />
    </div>
  );
}

/** The privacy promise, in one place. */
export function MediaPromise() {
  return (
    <div className="callout privacy-promise">
      <p>
        <strong>Your video stays on this device.</strong> We record video only so you can watch yourself back
        in this browser tab; it is never uploaded and is gone when you close the tab.
      </p>
      <p>
        <strong>Only the audio is uploaded</strong>, to turn your answer into text. The audio is deleted right
        after transcription, and you get a deletion receipt with each answer.
      </p>
    </div>
  );
}

/** What a candidate reads while the worker cannot transcribe (no engine installed, or it is down). */
export const SPEECH_UNAVAILABLE_TEXT =
  'Answers cannot be transcribed at the moment, so recording is paused. Nothing you record is uploaded until it is back. Please try again later.';

/** Whether answers can be transcribed now; re-checked every 30 s while the page is open. */
export function useSpeechAvailable(): boolean | undefined {
  const speech = practiceApi.speech.useQuery(undefined, { refetchInterval: 30_000 });
  return speech.data?.available;
}

/** Shown instead of silently accepting audio that nobody could process. */
export function SpeechUnavailableNotice({ available }: { available: boolean | undefined }) {
  if (available !== false) return null;
  return (
    <p className="notice warn" role="status" data-testid="speech-unavailable">
      {SPEECH_UNAVAILABLE_TEXT}
    </p>
  );
}
