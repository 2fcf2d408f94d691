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
import styles from './form-shell.module.css';

/**
 * The problems/attempt/countdown state every form repeats: what the last failed submit said (form-level
 * message, per-field messages, 429 countdown) and an attempt counter that moves focus to the summary again.
 */
export function useFormProblems({
  initialMessage = null,
  shape,
}: {
  /** A problem known before any submit (e.g. a failed Google sign-in handed back in the URL). */
  initialMessage?: string | null;
  /** Reshapes what the server said, e.g. a form-level "wrong code" shown on the code field instead. */
  shape?: (p: Problems) => Problems;
} = {}) {
  const [problems, setProblems] = useState<Problems>(
    initialMessage ? { ...NO_PROBLEMS, message: initialMessage } : NO_PROBLEMS,
  );
  const [attempt, setAttempt] = useState(initialMessage ? 1 : 0);
  const retryIn = useCountdown(problems.retryAfter, attempt);
  const fail = useCallback(
    (err: unknown) => {
      const p = problemsOf(err);
      setProblems(shape ? shape(p) : p);
      setAttempt((n) => n + 1);
    },
    [shape],
  );
  /** A problem found before sending (client-side check), shown the same way. */
  const failWith = useCallback((fields: Record<string, string>, message: string | null = null) => {
    setProblems({ ...NO_PROBLEMS, fields, message });
    setAttempt((n) => n + 1);
  }, []);
  /**
   * Client-side checks before sending: `{ field: message-or-false }`. Shows every failing one and returns
   * false, or returns true when all pass.
   */
  const check = useCallback(
    (rules: Record<string, string | false | null | undefined>): boolean => {
      const fields: Record<string, string> = {};
      for (const [name, message] of Object.entries(rules)) if (message) fields[name] = message;
      if (Object.keys(fields).length === 0) return true;
      failWith(fields);
      return false;
    },
    [failWith],
  );
  const clear = useCallback(() => setProblems(NO_PROBLEMS), []);
  /** Forget what was said about fields that are no longer shown (e.g. after switching a choice). */
  const dropFields = useCallback(
    (names: string[]) =>
      setProblems((p) =>
        names.some((n) => n in p.fields)
          ? { ...p, fields: Object.fromEntries(Object.entries(p.fields).filter(([k]) => !names.includes(k))) }
          : p,
      ),
    [],
  );
  const fieldError = (name: string): string | undefined => problems.fields[name];
  return { problems, attempt, retryIn, fail, failWith, check, clear, dropFields, fieldError };
}

/**
 * The common reshaping for one-code forms: a form-level refusal of the request (wrong or expired code) is
 * shown on the code field, where the person will fix it.
 */
export function formMessageOnField(field: string) {
  return (p: Problems): Problems =>
    p.message && p.code === 'BAD_REQUEST' && !p.fields[field]
      ? { ...p, message: null, fields: { ...p.fields, [field]: p.message } }
      : p;
}

/** Class for a secondary line under a stacked form's button ("Forgot your password?"). */
export const formAside = styles.aside;

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
  intro,
  after,
  layout = 'inline',
  describedBy,
  className,
  disabled = false,
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
  /** Shown before the error summary (what the form is for). */
  intro?: ReactNode;
  /** Shown after the button (a status line, a secondary action). */
  after?: ReactNode;
  /**
   * 'stack': one column of fields with even gaps ('narrow' caps its width inside a wide card); 'inline' (default):
   * the surrounding card lays the fields out.
   */
  layout?: 'inline' | 'stack' | 'narrow';
  /** id of text that describes the whole form (e.g. the privacy note under sign-up). */
  describedBy?: string;
  /** An extra class for this form's own styles. */
  className?: string;
  /** Submitting is not possible yet (e.g. a required choice is missing); the button says so by being disabled. */
  disabled?: boolean;
}) {
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (pending || disabled || form.retryIn > 0) return;
    form.clear();
    onSubmit();
  };
  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label={label}
      aria-describedby={describedBy}
      className={
        [layout === 'inline' ? '' : styles.stack, layout === 'narrow' ? styles.narrow : '', className ?? '']
          .filter(Boolean)
          .join(' ') || undefined
      }
    >
      {intro}
      <ErrorSummary items={summaryItems(form.problems, fieldIds)} version={form.attempt} />
      {children}
      <RetryNotice seconds={form.retryIn} />
      <p className={layout === 'inline' ? 'button-row tight' : styles.actions}>
        <Submit pending={pending} disabled={disabled || form.retryIn > 0}>
          {submitLabel}
        </Submit>
      </p>
      {after}
    </form>
  );
}
