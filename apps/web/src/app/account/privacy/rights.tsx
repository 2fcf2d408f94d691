'use client';

import { useState } from 'react';
import { api } from '../../../components/auth/api';
import { FormShell, useFormProblems } from '../../../components/form-shell';
import { CodeField, Field, problemsOf } from '../../../components/forms';

const day = (iso: string) => new Date(iso).toLocaleDateString();
const time = (iso: string) => new Date(iso).toLocaleString();

/** Access and portability (P44): ask for a ZIP, watch it being made, download it once within 24 hours. */
export function DataExport() {
  const utils = api.useUtils();
  const exports = api.privacy.exports.useQuery(undefined, {
    retry: false,
    refetchInterval: (q) =>
      q.state.data?.some((e) => e.status === 'requested' || e.status === 'building') ? 1000 : false,
  });
  const ask = api.privacy.requestExport.useMutation({
    onSuccess: () => {
      void utils.privacy.exports.invalidate();
      void utils.privacy.requests.invalidate();
    },
  });
  const [taken, setTaken] = useState<string | null>(null);
  const latest = exports.data?.[0] ?? null;
  const pending = latest && (latest.status === 'requested' || latest.status === 'building');
  const ready = latest && latest.status === 'ready' && latest.exportId !== taken;
  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">Get a copy of your data</h2>
      <p>
        One ZIP file with everything we hold about you: your profile, consents, practice sessions and
        questions, your answers with their transcripts, scores and feedback, your requests, and the record of
        what happened on your account. It holds a JSON file for programs and CSV tables for spreadsheets. The
        download link works once and for 24 hours; then the file is deleted.
      </p>
      {ask.error ? (
        <p className="notice bad" role="alert">
          {problemsOf(ask.error).message}
        </p>
      ) : null}
      <div aria-live="polite" data-testid="export-status">
        {pending ? (
          <p>
            <label htmlFor="export-progress">Preparing your file… </label>
            <progress id="export-progress" max={100} value={latest.progress}>
              {latest.progress}%
            </progress>
          </p>
        ) : ready ? (
          <p className="notice ok">
            Your file is ready ({Math.ceil((latest.bytes ?? 0) / 1024)} KB).{' '}
            <a
              className="button"
              href={`/api/exports/${latest.exportId}`}
              download
              data-testid="export-download"
              onClick={() => {
                setTaken(latest.exportId);
                window.setTimeout(() => void utils.privacy.exports.invalidate(), 2000);
              }}
            >
              Download my data
            </a>{' '}
            <span className="fine-print">
              Works once, until {time(latest.expiresAt ?? latest.requestedAt)}.
            </span>
          </p>
        ) : latest?.status === 'downloaded' || taken ? (
          <p className="fine-print">Downloaded; the file is deleted from our servers.</p>
        ) : latest?.status === 'expired' ? (
          <p className="fine-print">Your last file was not downloaded within 24 hours and was deleted.</p>
        ) : null}
      </div>
      {!pending && !ready ? (
        <button
          type="button"
          className="button secondary"
          disabled={ask.isPending}
          onClick={() => ask.mutate()}
        >
          {ask.isPending ? 'Asking…' : 'Prepare my data'}
        </button>
      ) : null}
    </section>
  );
}

const STATUS_TEXT: Record<string, string> = {
  received: 'received',
  completed: 'done',
  refused: 'refused',
};

/** Every right exercised, with when it is due. */
export function MyRequests() {
  const requests = api.privacy.requests.useQuery(undefined, { retry: false });
  const rows = requests.data ?? [];
  return (
    <section className="card" aria-labelledby="requests-title">
      <h2 id="requests-title">Your requests</h2>
      <p>
        Each time you use one of your rights it is recorded here. We answer within one month of receiving it.
      </p>
      {rows.length === 0 ? (
        <p className="muted">No requests yet.</p>
      ) : (
        <ul data-testid="my-requests">
          {rows.map((r) => (
            <li key={r.requestId}>
              <strong>{r.kindLabel}</strong>, received {day(r.receivedAt)}: {STATUS_TEXT[r.status]}
              {r.status === 'received'
                ? ` (due ${day(r.dueAt)})`
                : r.closedAt
                  ? ` on ${day(r.closedAt)}`
                  : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The right to lodge a complaint (P29): with us, and always with a supervisory authority. */
export function Complaint() {
  const utils = api.useUtils();
  const form = useFormProblems();
  const [text, setText] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const complain = api.privacy.complain.useMutation({
    onSuccess: (r) => {
      setSent(r.dueAt);
      setText('');
      void utils.privacy.requests.invalidate();
    },
    onError: form.fail,
  });
  const error = form.fieldError('text');
  return (
    <section className="card" aria-labelledby="complaint-title">
      <h2 id="complaint-title">Make a complaint</h2>
      <p>
        If you think we have not handled your personal data properly, tell us here. Our compliance team sees
        your complaint with its due date and answers within one month.
      </p>
      <p>
        You also have the right to complain to a data protection supervisory authority, in particular in the
        country where you live or work, or where you think the problem happened — whether or not you write to
        us first. In the EU and EEA each country has one (the European Data Protection Board lists them); in
        the UK it is the Information Commissioner’s Office; in California, the California Privacy Protection
        Agency.
      </p>
      <FormShell
        label="Complaint"
        form={form}
        fieldIds={{ text: 'complaint-text' }}
        pending={complain.isPending}
        submitLabel="Send complaint"
        onSubmit={() => {
          if (text.trim().length < 10) {
            form.failWith({ text: 'Please tell us a little more (at least 10 characters).' });
            return;
          }
          complain.mutate({ text });
        }}
        after={
          <p role="status" className="fine-print">
            {sent ? `Your complaint is recorded. We will answer by ${day(sent)}.` : ''}
          </p>
        }
      >
        <div className={`field${error ? ' has-error' : ''}`}>
          <label htmlFor="complaint-text">What went wrong?</label>
          {error ? (
            <p className="field-error" id="complaint-text-error">
              <span className="visually-hidden">Error: </span>
              {error}
            </p>
          ) : null}
          <textarea
            id="complaint-text"
            name="text"
            className="input"
            rows={5}
            maxLength={5000}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'complaint-text-error' : undefined}
          />
        </div>
      </FormShell>
    </section>
  );
}

/** Rectification (P27): correct the name at once; change the email once the new address is proven. */
export function Rectification() {
  const utils = api.useUtils();
  const me = api.auth.me.useQuery(undefined, { retry: false });
  const nameForm = useFormProblems();
  const emailForm = useFormProblems();
  const codeForm = useFormProblems();
  const [name, setName] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const refresh = () => {
    void utils.auth.me.invalidate();
    void utils.privacy.requests.invalidate();
  };
  const correct = api.privacy.correctName.useMutation({
    onSuccess: () => {
      setDone('Your name is corrected.');
      refresh();
    },
    onError: nameForm.fail,
  });
  const change = api.privacy.changeEmail.useMutation({
    onSuccess: (r) => {
      setSentTo(r.sentTo);
      setDone(null);
      refresh();
    },
    onError: emailForm.fail,
  });
  const confirm = api.privacy.confirmEmailChange.useMutation({
    onSuccess: (r) => {
      setSentTo(null);
      setEmail('');
      setCode('');
      setDone(`Your email address is now ${r.email}.`);
      refresh();
    },
    onError: codeForm.fail,
  });
  if (!me.data) return null;
  const shownName = name ?? me.data.name;
  return (
    <section className="card" aria-labelledby="rectify-title">
      <h2 id="rectify-title">Correct your details</h2>
      <p>
        Your name is <strong>{me.data.name}</strong> and your email address is{' '}
        <strong>{me.data.email}</strong>. Earlier values stay in your account’s history (you see them in your
        data copy).
      </p>
      <FormShell
        label="Correct your name"
        form={nameForm}
        fieldIds={{ name: 'rect-name' }}
        pending={correct.isPending}
        submitLabel="Save name"
        onSubmit={() => correct.mutate({ name: shownName })}
      >
        <Field
          id="rect-name"
          name="name"
          label="Name"
          autoComplete="name"
          maxLength={200}
          value={shownName}
          onChange={(e) => setName(e.target.value)}
          error={nameForm.fieldError('name')}
        />
      </FormShell>
      {sentTo === null ? (
        <FormShell
          label="Change your email address"
          form={emailForm}
          fieldIds={{ email: 'rect-email' }}
          pending={change.isPending}
          submitLabel="Send a code to the new address"
          onSubmit={() => change.mutate({ email })}
        >
          <Field
            id="rect-email"
            name="email"
            type="email"
            label="New email address"
            hint="We send a code to it; your address changes only once you enter that code here."
            autoComplete="email"
            maxLength={320}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={emailForm.fieldError('email')}
          />
        </FormShell>
      ) : (
        <FormShell
          label="Confirm your new email address"
          form={codeForm}
          fieldIds={{ code: 'rect-code' }}
          pending={confirm.isPending}
          submitLabel="Confirm the new address"
          onSubmit={() => confirm.mutate({ code })}
          after={
            <p>
              <button type="button" className="link-button" onClick={() => setSentTo(null)}>
                Use another address
              </button>
            </p>
          }
        >
          <CodeField
            id="rect-code"
            name="code"
            label={`Code sent to ${sentTo}`}
            hint="It works once, for 10 minutes."
            value={code}
            onChange={setCode}
            error={codeForm.fieldError('code')}
          />
        </FormShell>
      )}
      <p role="status" className="fine-print" data-testid="rectify-status">
        {done ?? ''}
      </p>
    </section>
  );
}
