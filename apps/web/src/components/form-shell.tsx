'use client';

import { useCallback, useState, type FormEvent, type ReactNode } from 'react';
import {
  ErrorSummary,
  NO_PROBLEMS,
  problemsOf,
  RetryNotice,
  Submit,
  summaryItems,
  useCountdown,
  type Problems,
} from './forms';

/**
 * The problems/attempt/countdown state every form repeats: what the last failed submit said (form-level
 * message, per-field messages, 429 countdown) and an attempt counter that moves focus to the summary again.
 */
export function useFormProblems() {
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS);
  const [attempt, setAttempt] = useState(0);
  const retryIn = useCountdown(problems.retryAfter, attempt);
  const fail = useCallback((err: unknown) => {
    setProblems(problemsOf(err));
    setAttempt((n) => n + 1);
  }, []);
  /** A problem found before sending (client-side check), shown the same way. */
  const failWith = useCallback((fields: Record<string, string>, message: string | null = null) => {
    setProblems({ ...NO_PROBLEMS, fields, message });
    setAttempt((n) => n + 1);
  }, []);
  const clear = useCallback(() => setProblems(NO_PROBLEMS), []);
  const fieldError = (name: string): string | undefined => problems.fields[name];
  return { problems, attempt, retryIn, fail, failWith, clear, fieldError };
}

export type FormProblems = ReturnType<typeof useFormProblems>;

/**
 * One form: the error summary on top (focused after each failed submit, each item a link to its field),
 * the fields, the 429 countdown, and the submit button (disabled while sending or counting down).
 */
export function FormShell({
  label,
  form,
  fieldIds,
  onSubmit,
  pending,
  submitLabel,
  children,
  after,
}: {
  /** Accessible name of the form. */
  label: string;
  form: FormProblems;
  /** Server field path → input id, so summary links jump to the field. */
  fieldIds: Record<string, string>;
  onSubmit: () => void;
  pending: boolean;
  submitLabel: ReactNode;
  children: ReactNode;
  /** Shown after the button (a status line, a secondary action). */
  after?: ReactNode;
}) {
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (pending || form.retryIn > 0) return;
    form.clear();
    onSubmit();
  };
  return (
    <form onSubmit={submit} noValidate aria-label={label}>
      <ErrorSummary items={summaryItems(form.problems, fieldIds)} version={form.attempt} />
      {children}
      <RetryNotice seconds={form.retryIn} />
      <p className="button-row tight">
        <Submit pending={pending} disabled={form.retryIn > 0}>
          {submitLabel}
        </Submit>
      </p>
      {after}
    </form>
  );
}
