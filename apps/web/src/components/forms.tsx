'use client';

import { useEffect, useId, useRef, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import styles from './forms.module.css';

/** What a failed call (or client-side check) means for a form. */
export interface Problems {
  /** Form-level message (shown at the top of the error summary). */
  message: string | null;
  /** Field name (dotted path as the server reports it) → message. */
  fields: Record<string, string>;
  /** Seconds to wait after a 429, else null. */
  retryAfter: number | null;
  /** tRPC error code, e.g. 'BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'TOO_MANY_REQUESTS'. */
  code: string | null;
}

export const NO_PROBLEMS: Problems = { message: null, fields: {}, retryAfter: null, code: null };

interface ErrorLike {
  message?: unknown;
  data?: { code?: unknown; fields?: unknown; retryAfterSeconds?: unknown; httpStatus?: unknown } | null;
}

/** Reads a tRPC client error (`error.data.fields`, `error.data.retryAfterSeconds`) defensively. */
export function problemsOf(err: unknown): Problems {
  if (!err) return NO_PROBLEMS;
  const e = err as ErrorLike;
  const data = e.data ?? null;
  const code = typeof data?.code === 'string' ? data.code : null;
  const fields: Record<string, string> = {};
  let formLevel: string | null = null;
  if (Array.isArray(data?.fields)) {
    for (const f of data.fields as Array<{ path?: unknown; message?: unknown }>) {
      const path = typeof f.path === 'string' ? f.path : '';
      const msg = typeof f.message === 'string' ? f.message : 'This value is not valid.';
      if (!path) formLevel = formLevel ?? msg;
      else if (!fields[path]) fields[path] = msg;
    }
  }
  const retryAfter =
    typeof data?.retryAfterSeconds === 'number' ? Math.max(1, Math.ceil(data.retryAfterSeconds)) : null;
  let message = formLevel ?? (typeof e.message === 'string' && e.message ? e.message : null);
  if (code === 'TOO_MANY_REQUESTS') message = null; // shown as a live countdown instead
  // The generic "fields are not valid", or a message already shown next to its field, would only repeat.
  if (message === 'Some fields are not valid.' || (message && Object.values(fields).includes(message)))
    message = Object.keys(fields).length > 0 ? null : message;
  if (!code && !message && Object.keys(fields).length === 0)
    message = 'Something went wrong. Please try again.';
  if (message === 'Failed to fetch')
    message = 'Could not reach the server. Check your connection and try again.';
  return { message, fields, retryAfter, code };
}

export function hasProblems(p: Problems): boolean {
  return p.message !== null || p.retryAfter !== null || Object.keys(p.fields).length > 0;
}

/** Counts down from `seconds` (restarting whenever `seconds` or `key` changes); 0 when done. */
export function useCountdown(seconds: number | null, key?: unknown): number {
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (!seconds) {
      setLeft(0);
      return;
    }
    const until = Date.now() + seconds * 1000;
    setLeft(seconds);
    const id = window.setInterval(() => {
      const s = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      setLeft(s);
      if (s === 0) window.clearInterval(id);
    }, 250);
    return () => window.clearInterval(id);
  }, [seconds, key]);
  return left;
}

export interface SummaryItem {
  /** id of the input to jump to, or undefined for a form-level problem */
  target?: string;
  message: string;
}

/**
 * GOV.UK-style error summary: announced, focused when it appears (or changes), each item a link to
 * the field at fault. `version` should change on every failed submit so focus moves again.
 */
export function ErrorSummary({
  items,
  version,
  title = 'There is a problem',
}: {
  items: SummaryItem[];
  version: number;
  title?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();
  useEffect(() => {
    if (items.length > 0) ref.current?.focus();
  }, [version]);
  if (items.length === 0) return null;
  return (
    <div
      className={styles.errorSummary}
      ref={ref}
      tabIndex={-1}
      role="alert"
      aria-labelledby={`${id}-t`}
      data-testid="error-summary"
    >
      <h2 id={`${id}-t`}>{title}</h2>
      <ul>
        {items.map((it, i) => (
          <li key={i}>
            {it.target ? (
              <a
                href={`#${it.target}`}
                onClick={(e) => {
                  const el = document.getElementById(it.target!);
                  if (el) {
                    e.preventDefault();
                    el.focus();
                    el.scrollIntoView({ block: 'center' });
                  }
                }}
              >
                {it.message}
              </a>
            ) : (
              it.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Builds summary items from problems, mapping server field paths to input ids. */
export function summaryItems(
  p: Problems,
  fieldIds: Record<string, string>,
  extra?: string | null,
): SummaryItem[] {
  const items: SummaryItem[] = [];
  if (p.message) items.push({ message: p.message });
  if (extra) items.push({ message: extra });
  for (const [path, message] of Object.entries(p.fields)) {
    items.push({ target: fieldIds[path], message });
  }
  return items;
}

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name'> {
  id: string;
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  /** Extra content rendered after the input, inside the field (e.g. a show/hide button). */
  after?: ReactNode;
  /** Extra ids to add to aria-describedby. */
  describedBy?: string;
}

/** A labelled input with its hint and error tied to it through aria-describedby. */
export function Field({ id, name, label, hint, error, after, describedBy, className, ...input }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errId = error ? `${id}-error` : undefined;
  const described = [errId, hintId, describedBy].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={errId}>
          <span className="visually-hidden">Error: </span>
          {error}
        </p>
      ) : null}
      <div className={after ? styles.inputRow : undefined}>
        <input
          id={id}
          name={name}
          className={className ?? 'input'}
          aria-invalid={error ? true : undefined}
          aria-describedby={described}
          {...input}
        />
        {after}
      </div>
    </div>
  );
}

/** Rough guidance only: longer is better. No composition rules. */
export function passwordStrength(pw: string): { level: 0 | 1 | 2 | 3; text: string } {
  if (pw.length === 0) return { level: 0, text: 'Use at least 8 characters. A few random words work well.' };
  if (pw.length < 8)
    return {
      level: 0,
      text: `Too short: ${8 - pw.length} more character${pw.length === 7 ? '' : 's'} needed.`,
    };
  const distinct = new Set(pw).size;
  if (pw.length < 12 || distinct < 6) return { level: 1, text: 'OK. Longer would be stronger.' };
  if (pw.length < 16) return { level: 2, text: 'Good.' };
  return { level: 3, text: 'Strong.' };
}

/** Password input with a show/hide toggle (paste allowed) and an optional strength hint. */
export function PasswordField({
  id,
  name,
  label,
  error,
  autoComplete,
  showStrength = false,
  value,
  onChange,
}: {
  id: string;
  name: string;
  label: string;
  error?: string;
  autoComplete: 'current-password' | 'new-password';
  showStrength?: boolean;
  value: string;
  onChange: (v: string) => void;
}) {
  const [visible, setVisible] = useState(false);
  const strength = passwordStrength(value);
  return (
    <Field
      id={id}
      name={name}
      label={label}
      type={visible ? 'text' : 'password'}
      autoComplete={autoComplete}
      spellCheck={false}
      autoCapitalize="none"
      required
      minLength={showStrength ? 8 : undefined}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      after={
        <button
          type="button"
          className={`button secondary small ${styles.toggle}`}
          aria-pressed={visible}
          aria-controls={id}
          onClick={() => setVisible((v) => !v)}
        >
          {visible ? 'Hide' : 'Show'}
          <span className="visually-hidden"> password</span>
        </button>
      }
      hint={
        showStrength ? (
          <span className={styles.strength} data-level={strength.level} aria-live="polite">
            <span className={styles.strengthBar} aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            <span>{strength.text}</span>
          </span>
        ) : undefined
      }
    />
  );
}

/** Submit button that says what is happening. */
export function Submit({
  pending,
  children,
  disabled,
}: {
  pending: boolean;
  children: ReactNode;
  disabled?: boolean;
}) {
  return (
    <button
      type="submit"
      className="button"
      disabled={pending || disabled}
      aria-disabled={pending || disabled}
    >
      {pending ? 'Please wait…' : children}
    </button>
  );
}

/** "Too many attempts — try again in N seconds", live. */
export function RetryNotice({ seconds }: { seconds: number }) {
  if (seconds <= 0) return null;
  return (
    <p className="notice warn" role="status">
      Too many attempts — try again in {seconds} second{seconds === 1 ? '' : 's'}.
    </p>
  );
}

type CodeFieldProps = Omit<
  FieldProps,
  'value' | 'onChange' | 'inputMode' | 'autoComplete' | 'pattern' | 'maxLength'
> & { value: string; onChange: (digits: string) => void };

/** A 6-digit one-time code: numeric keypad, the platform's code autofill, digits only. */
export function CodeField({ onChange, className, ...rest }: CodeFieldProps) {
  return (
    <Field
      {...rest}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]*"
      maxLength={6}
      className={className ?? 'input code'}
      onChange={(e) => onChange(e.target.value.replace(/\D/g, '').slice(0, 6))}
    />
  );
}

type DateOfBirthFieldProps = Omit<FieldProps, 'name' | 'type' | 'label' | 'value' | 'onChange'> & {
  value: string;
  onChange: (date: string) => void;
};

/** Date of birth (sign-up age gate): a native date input that cannot pick a future day. */
export function DateOfBirthField({ onChange, ...rest }: DateOfBirthFieldProps) {
  return (
    <Field
      name="dateOfBirth"
      type="date"
      label="Date of birth"
      autoComplete="bday"
      required
      max={new Date().toISOString().slice(0, 10)}
      className="input narrow"
      {...rest}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
