'use client';

import Link from 'next/link';
import { api } from '../../../components/auth/api';
import { problemsOf } from '../../../components/forms';
import { Complaint, DataExport, MyRequests, Rectification } from './rights';
import { EraseAccount } from './erase-account';
import { ReportMinor } from '../../../components/report-minor';
import styles from './privacy-view.module.css';

const PURPOSES: Record<string, { title: string; about: string }> = {
  recording_feedback: {
    title: 'Recording feedback',
    about:
      'Your recorded answers are transcribed and scored to give you feedback. Without it you cannot practise; withdrawing it also deletes, untranscribed, any answer still waiting, and gives it back to your free trial.',
  },
  product_improvement: {
    title: 'Service improvement',
    about: 'Your transcripts, without your name, help us improve the questions and the feedback.',
  },
  marketing_email: {
    title: 'News by email',
    about: 'Occasional emails about new practice tracks and features.',
  },
};

const dateOf = (iso: string) => new Date(iso).toLocaleString();

/** The candidate's privacy center: consents, restriction of processing and objection. */
export function PrivacyView() {
  const me = api.auth.me.useQuery(undefined, { retry: false });
  if (me.isPending)
    return (
      <p className="muted" aria-live="polite">
        Loading your choices…
      </p>
    );
  if (!me.data || !me.data.roles.includes('candidate'))
    return (
      <div className="auth-card">
        <p>Sign in with your candidate account to see your data choices.</p>
        <p className="button-row tight">
          <Link className="button" href="/signin">
            Sign in
          </Link>
        </p>
      </div>
    );
  return (
    <>
      <Consents />
      <ProcessingRestriction />
      <AnalyticsObjection />
      <DataExport />
      <Rectification />
      <MyRequests />
      <Complaint />
      <ReportMinor />
      <EraseAccount />
    </>
  );
}

/** Each consent with its state; one button gives or withdraws it (under the published policy version). */
function Consents() {
  const utils = api.useUtils();
  const current = api.privacy.consents.useQuery(undefined, { retry: false });
  const set = api.privacy.setConsent.useMutation({
    onSuccess: (next) => utils.privacy.consents.setData(undefined, next),
  });
  if (!current.data) return null;
  return (
    <section className="card" aria-labelledby="consents-title">
      <h2 id="consents-title">My consents</h2>
      {set.error ? (
        <p className="notice bad" role="alert">
          {problemsOf(set.error).message}
        </p>
      ) : null}
      <ul className={styles.consents}>
        {current.data.map((c) => {
          const label = PURPOSES[c.purpose] ?? { title: c.purpose, about: '' };
          const given = c.status === 'given';
          return (
            <li key={c.purpose} data-purpose={c.purpose}>
              <h3>{label.title}</h3>
              <p>{label.about}</p>
              <p className="fine-print">
                {given
                  ? `Given${c.since ? ` on ${dateOf(c.since)}` : ''}${c.policyVersion ? ` under the privacy notice of ${c.policyVersion}` : ''}.`
                  : c.status === 'withdrawn'
                    ? `Withdrawn${c.since ? ` on ${dateOf(c.since)}` : ''}.`
                    : 'Never given.'}
              </p>
              <button
                type="button"
                className={given ? 'button secondary' : 'button'}
                disabled={set.isPending}
                aria-label={`${given ? 'Withdraw' : 'Give'} consent: ${label.title}`}
                onClick={() => set.mutate({ purpose: c.purpose, given: !given })}
              >
                {given ? 'Withdraw' : 'Give consent'}
              </button>
            </li>
          );
        })}
      </ul>
      <p role="status" className="fine-print">
        {set.isSuccess ? 'Your choice is saved.' : ''}
      </p>
    </section>
  );
}

/** Right to restriction: keep my data but stop processing it (uploads refused, pending audio deleted unheard). */
export function ProcessingRestriction() {
  const utils = api.useUtils();
  const current = api.practice.restriction.useQuery(undefined, { retry: false });
  const set = api.practice.setRestriction.useMutation({
    onSuccess: () => utils.practice.restriction.invalidate(),
  });
  if (!current.data) return null;
  const { restricted, since } = current.data;
  return (
    <section className="card" aria-labelledby="restrict-title">
      <h2 id="restrict-title">Pause processing of my data</h2>
      <p>
        {restricted
          ? `Processing is paused${since ? ` since ${new Date(since).toLocaleString()}` : ''}. We keep your data but do not analyse it: no new practice session can start, new answers cannot be uploaded, and any answer still waiting is deleted without being transcribed.`
          : 'You can ask us to keep your data but stop processing it (for example while you check something with us). New sessions and answers are then refused, and answers still waiting for transcription are deleted unheard.'}
      </p>
      {set.error ? (
        <p className="notice bad" role="alert">
          {problemsOf(set.error).message}
        </p>
      ) : null}
      <button
        type="button"
        className={restricted ? 'button' : 'button secondary'}
        disabled={set.isPending}
        onClick={() => set.mutate({ restricted: !restricted })}
      >
        {set.isPending ? 'Saving…' : restricted ? 'Resume processing' : 'Pause processing'}
      </button>
      <p role="status" className="fine-print">
        {set.isSuccess ? (restricted ? 'Processing is paused.' : 'Processing resumed.') : ''}
      </p>
    </section>
  );
}

/** Right to object (P25): leave aggregate statistics and service improvement, including figures already built. */
export function AnalyticsObjection() {
  const utils = api.useUtils();
  const current = api.privacy.objection.useQuery(undefined, { retry: false });
  const set = api.privacy.setObjection.useMutation({
    onSuccess: () => utils.privacy.objection.invalidate(),
  });
  if (!current.data) return null;
  const { objecting } = current.data;
  return (
    <section className="card" aria-labelledby="object-title">
      <h2 id="object-title">Object to statistics and service improvement</h2>
      <p>
        {objecting
          ? 'You object: your answers and sign-up are left out of every aggregate figure, including those already made.'
          : 'We count answers, scores and sign-ups in anonymous totals (never fewer than 11 people per figure) to improve the service. You can object, and you will be left out of every figure, including those already made.'}
      </p>
      {set.error ? (
        <p className="notice bad" role="alert">
          {problemsOf(set.error).message}
        </p>
      ) : null}
      <button
        type="button"
        className={objecting ? 'button' : 'button secondary'}
        disabled={set.isPending}
        onClick={() => set.mutate({ objecting: !objecting })}
      >
        {set.isPending ? 'Saving…' : objecting ? 'Withdraw my objection' : 'Object'}
      </button>
      <p role="status" className="fine-print">
        {set.isSuccess ? (objecting ? 'Your objection is recorded.' : 'Your objection is withdrawn.') : ''}
      </p>
    </section>
  );
}
