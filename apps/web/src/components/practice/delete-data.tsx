'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '../auth/api';
import { problemsOf } from '../forms';

/** Asks once more before deleting for good; the question and the outcome are announced. */
function ConfirmDelete({
  what,
  explain,
  pending,
  error,
  onConfirm,
  testId,
}: {
  what: string;
  explain: string;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  testId: string;
}) {
  const [asking, setAsking] = useState(false);
  return (
    <div data-testid={testId}>
      {error ? (
        <p className="notice bad" role="alert">
          {problemsOf(error).message}
        </p>
      ) : null}
      {asking ? (
        <div className="notice warn" role="alertdialog" aria-labelledby={`${testId}-q`}>
          <p id={`${testId}-q`}>
            <strong>Delete {what} for good?</strong> {explain}
          </p>
          <p className="button-row tight">
            <button type="button" className="button" disabled={pending} onClick={onConfirm}>
              {pending ? 'Deleting…' : `Yes, delete ${what}`}
            </button>
            <button type="button" className="button secondary" onClick={() => setAsking(false)}>
              Cancel
            </button>
          </p>
        </div>
      ) : (
        <button type="button" className="button secondary" onClick={() => setAsking(true)}>
          Delete {what}
        </button>
      )}
    </div>
  );
}

/** Deletes one answer (transcript, scores, feedback), then goes back to its session. */
export function DeleteAnswer({ recordingId, sessionId }: { recordingId: string; sessionId: string }) {
  const router = useRouter();
  const utils = api.useUtils();
  const del = api.privacy.deleteAnswer.useMutation({
    onSuccess: async () => {
      await utils.practice.invalidate();
      router.push(`/practice/${sessionId}?deleted=answer`);
    },
  });
  return (
    <section className="card" aria-labelledby="delete-answer-title">
      <h2 id="delete-answer-title">Delete this answer</h2>
      <p>
        Removes its transcript, scores and feedback from your account, your history and any future copy of
        your data. Your video was never uploaded; it stays only in this browser until you close the page.
      </p>
      <ConfirmDelete
        what="this answer"
        explain="This cannot be undone."
        pending={del.isPending}
        error={del.error}
        onConfirm={() => del.mutate({ recordingId })}
        testId="delete-answer"
      />
    </section>
  );
}

/** Deletes a whole practice session with every answer in it, then goes to the history. */
export function DeleteSession({ sessionId, answers }: { sessionId: string; answers: number }) {
  const router = useRouter();
  const utils = api.useUtils();
  const del = api.privacy.deleteSession.useMutation({
    onSuccess: async () => {
      await utils.practice.invalidate();
      router.push('/practice/history?deleted=session');
    },
  });
  return (
    <section className="card" aria-labelledby="delete-session-title">
      <h2 id="delete-session-title">Delete this session</h2>
      <p>
        Removes the session, its questions and {answers === 1 ? 'its answer' : `all ${answers} answers`} with
        their transcripts, scores and feedback.
      </p>
      <ConfirmDelete
        what="this session"
        explain="This cannot be undone."
        pending={del.isPending}
        error={del.error}
        onConfirm={() => del.mutate({ sessionId })}
        testId="delete-session"
      />
    </section>
  );
}
