'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { CompetencyId } from '@tia/domain';
import { FormShell, useFormProblems } from '@/components/form-shell';
import { Field } from '@/components/forms';
import { practiceApi } from '@/components/practice/api';
import {
  MediaPromise,
  SignedIn,
  SpeechUnavailableNotice,
  TrialCounter,
  useSpeechAvailable,
} from '@/components/practice/signed-in';
import styles from './start-form.module.css';
type TrackId = 'competency' | 'ypp' | 'job';

const IDS: Record<string, string> = {
  track: 'ps-track-competency',
  competency: 'ps-competency',
  jobTitle: 'ps-job-title',
  jobDescription: 'ps-job-description',
  count: 'ps-count',
  answerTimeLimitSeconds: 'ps-limit',
};

const JD_MIN = 50;
const JD_MAX = 50_000;
const LIMITS = [30, 60, 90, 120, 180, 240, 300];

const FALLBACK_TRACKS: { id: TrackId; name: string; description: string }[] = [
  {
    id: 'competency',
    name: 'Competency-based',
    description: 'Behavioural questions on teamwork, leadership, problem solving and more.',
  },
  {
    id: 'ypp',
    name: 'World Bank Young Professionals Program',
    description: 'Questions on the World Bank Group core competencies and your motivation.',
  },
  {
    id: 'job',
    name: 'Job-specific',
    description: 'Questions built from the job description you paste.',
  },
];

function limitLabel(s: number): string {
  return s < 60
    ? `${s} seconds`
    : s % 60 === 0
      ? `${s / 60} minute${s === 60 ? '' : 's'}`
      : `${s / 60} minutes`;
}

export function StartForm() {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <>
      <span className="eyebrow">Practice</span>
      <h1 ref={heading} tabIndex={-1} className="focus-target">
        Practise an interview
      </h1>
      <SignedIn what="practise">
        <StartFormInner />
      </SignedIn>
    </>
  );
}

function StartFormInner() {
  const router = useRouter();
  const tracks = practiceApi.tracks.useQuery(undefined, { staleTime: 60_000 });
  const trial = practiceApi.trial.useQuery();
  const speechAvailable = useSpeechAvailable();
  const [track, setTrack] = useState<TrackId>('competency');
  const [competency, setCompetency] = useState<CompetencyId | ''>('');
  const [jobTitle, setJobTitle] = useState('');
  const [jobDescription, setJobDescription] = useState('');
  const [count, setCount] = useState(3);
  const [limit, setLimit] = useState(120);
  const form = useFormProblems();

  const start = practiceApi.start.useMutation({
    onSuccess: (res) => router.push(`/practice/${encodeURIComponent(res.sessionId)}`),
    onError: form.fail,
  });

  const trackList = tracks.data?.tracks ?? FALLBACK_TRACKS.map((t) => ({ ...t, competencies: [] }));
  const current = trackList.find((t) => t.id === track);
  const competencyTrack = trackList.find((t) => t.id === 'competency');
  const yppTrack = trackList.find((t) => t.id === 'ypp');

  function onSubmit() {
    const jd = jobDescription.trim().length;
    const job = track === 'job';
    const ok = form.check({
      jobTitle: job && !jobTitle.trim() && 'Enter the job title.',
      jobDescription:
        job &&
        (jd < JD_MIN
          ? `Paste the job description (at least ${JD_MIN} characters; ${jd} so far).`
          : jd > JD_MAX && `The job description is too long (at most ${JD_MAX} characters).`),
      count: !(count >= 1 && count <= 10) && 'Choose between 1 and 10 questions.',
    });
    if (!ok) return;
    start.mutate({
      track,
      count,
      answerTimeLimitSeconds: limit,
      ...(track === 'competency' && competency ? { competency } : {}),
      ...(track === 'job' ? { jobTitle: jobTitle.trim(), jobDescription: jobDescription.trim() } : {}),
    });
  }

  const f = form.problems.fields;
  const noneLeft = trial.data ? trial.data.remaining <= 0 : false;
  const jdLength = jobDescription.trim().length;

  return (
    <>
      <SpeechUnavailableNotice available={speechAvailable} />
      <div className="status-grid practice-cards">
        <section className="card" aria-labelledby="trial-title">
          <h2 id="trial-title">Your free trial</h2>
          <TrialCounter trial={trial.data} />
          <p className="fine-print">
            Each submitted answer uses one. <Link href="/practice/history">See your past answers</Link>.
          </p>
        </section>
        <section className="card" aria-labelledby="privacy-title">
          <h2 id="privacy-title">What happens to your recording</h2>
          <MediaPromise />
        </section>
      </div>

      {noneLeft ? (
        <p className="notice warn" role="status">
          You have used all your free practice answers. You can still look at your{' '}
          <Link href="/practice/history">past answers and feedback</Link>.
        </p>
      ) : null}

      <section className={`card ${styles.formCard}`} aria-labelledby="start-title">
        <h2 id="start-title">Set up your practice</h2>
        <FormShell
          label="Set up your practice"
          layout="stack"
          className={styles.startForm}
          form={form}
          fieldIds={IDS}
          pending={start.isPending}
          submitLabel="Start practising"
          onSubmit={onSubmit}
        >
          <fieldset className={`tracks${f.track ? ' has-error' : ''}`}>
            <legend>What kind of interview?</legend>
            {f.track ? (
              <p className="field-error" id="ps-track-error">
                <span className="visually-hidden">Error: </span>
                {f.track}
              </p>
            ) : null}
            <div className={styles.trackOptions}>
              {trackList.map((t) => (
                <div
                  key={t.id}
                  className={`${styles.trackOption}${track === t.id ? ` ${styles.isSelected}` : ''}`}
                >
                  <input
                    type="radio"
                    id={`ps-track-${t.id}`}
                    name="track"
                    value={t.id}
                    checked={track === t.id}
                    onChange={() => {
                      setTrack(t.id);
                      // Errors about the job's title and description mean nothing on another track.
                      if (t.id !== 'job') form.dropFields(['jobTitle', 'jobDescription']);
                    }}
                    aria-describedby={`ps-track-${t.id}-hint`}
                  />
                  <label htmlFor={`ps-track-${t.id}`}>
                    <strong>{t.name}</strong>
                    <span id={`ps-track-${t.id}-hint`} className="hint">
                      {t.description}
                    </span>
                  </label>
                </div>
              ))}
            </div>
          </fieldset>

          {track === 'competency' ? (
            <div className={`field${f.competency ? ' has-error' : ''}`}>
              <label htmlFor={IDS.competency}>
                Competency <span className="opt">(optional)</span>
              </label>
              <p className="hint" id={`${IDS.competency}-hint`}>
                Pick one to focus on, or leave it on “A mix” for a range of questions.
              </p>
              {f.competency ? (
                <p className="field-error" id={`${IDS.competency}-error`}>
                  <span className="visually-hidden">Error: </span>
                  {f.competency}
                </p>
              ) : null}
              <select
                id={IDS.competency}
                className="input"
                value={competency}
                onChange={(e) => setCompetency(e.target.value as CompetencyId | '')}
                aria-invalid={f.competency ? true : undefined}
                aria-describedby={[f.competency ? `${IDS.competency}-error` : '', `${IDS.competency}-hint`]
                  .filter(Boolean)
                  .join(' ')}
              >
                <option value="">A mix of competencies</option>
                {(competencyTrack?.competencies ?? []).map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </div>
          ) : null}

          {track === 'ypp' ? (
            <div className="callout" data-testid="ypp-explainer">
              <p>
                The Young Professionals Program interviews test the five World Bank Group core competencies,
                plus why you want to work for the World Bank Group (mission fit):
              </p>
              <ul className={styles.competencyList}>
                {(yppTrack?.competencies ?? []).length > 0 ? (
                  yppTrack!.competencies.map((c) => <li key={c.id}>{c.name}</li>)
                ) : (
                  <>
                    <li>Deliver results for clients</li>
                    <li>Collaborate within teams and across boundaries</li>
                    <li>Lead and innovate</li>
                    <li>Create, apply and share knowledge</li>
                    <li>Make smart decisions</li>
                    <li>Motivation and mission fit: why the World Bank Group, and why you</li>
                  </>
                )}
              </ul>
              <p className="fine-print">
                Mission fit means showing that you care about ending extreme poverty and boosting shared
                prosperity, and can say how your experience serves that goal.
              </p>
            </div>
          ) : null}

          {track === 'job' ? (
            <>
              <Field
                id={IDS.jobTitle!}
                name="jobTitle"
                label="Job title"
                autoComplete="off"
                maxLength={200}
                required
                value={jobTitle}
                onChange={(e) => setJobTitle(e.target.value)}
                error={f.jobTitle}
              />
              <div className={`field${f.jobDescription ? ' has-error' : ''}`}>
                <label htmlFor={IDS.jobDescription}>Job description</label>
                <p className="hint" id={`${IDS.jobDescription}-hint`}>
                  Paste the advert or the description of the role (at least {JD_MIN} characters). We pick key
                  terms from it to ask about; it is stored encrypted with your account.
                </p>
                {f.jobDescription ? (
                  <p className="field-error" id={`${IDS.jobDescription}-error`}>
                    <span className="visually-hidden">Error: </span>
                    {f.jobDescription}
                  </p>
                ) : null}
                <textarea
                  id={IDS.jobDescription}
                  name="jobDescription"
                  className="input textarea"
                  rows={8}
                  maxLength={JD_MAX}
                  required
                  value={jobDescription}
                  onChange={(e) => setJobDescription(e.target.value)}
                  aria-invalid={f.jobDescription ? true : undefined}
                  aria-describedby={[
                    f.jobDescription ? `${IDS.jobDescription}-error` : '',
                    `${IDS.jobDescription}-hint`,
                    `${IDS.jobDescription}-count`,
                  ]
                    .filter(Boolean)
                    .join(' ')}
                />
                <p
                  className={`${styles.charCount} num${jdLength > 0 && jdLength < JD_MIN ? ` ${styles.short}` : ''}`}
                  id={`${IDS.jobDescription}-count`}
                  aria-live="polite"
                >
                  {jdLength.toLocaleString('en')} / {JD_MAX.toLocaleString('en')} characters
                  {jdLength < JD_MIN ? ` (${JD_MIN - jdLength} more needed)` : ''}
                </p>
              </div>
            </>
          ) : null}

          <div className={styles.fieldPair}>
            <div className={`field${f.count ? ' has-error' : ''}`}>
              <label htmlFor={IDS.count}>Number of questions</label>
              {f.count ? (
                <p className="field-error" id={`${IDS.count}-error`}>
                  <span className="visually-hidden">Error: </span>
                  {f.count}
                </p>
              ) : null}
              <select
                id={IDS.count}
                className="input narrow"
                value={count}
                onChange={(e) => setCount(Number(e.target.value))}
                aria-invalid={f.count ? true : undefined}
                aria-describedby={f.count ? `${IDS.count}-error` : undefined}
              >
                {Array.from({ length: 10 }, (_, i) => i + 1).map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </div>
            <div className={`field${f.answerTimeLimitSeconds ? ' has-error' : ''}`}>
              <label htmlFor={IDS.answerTimeLimitSeconds}>Time for each answer</label>
              {f.answerTimeLimitSeconds ? (
                <p className="field-error" id={`${IDS.answerTimeLimitSeconds}-error`}>
                  <span className="visually-hidden">Error: </span>
                  {f.answerTimeLimitSeconds}
                </p>
              ) : null}
              <select
                id={IDS.answerTimeLimitSeconds}
                className="input narrow"
                value={limit}
                onChange={(e) => setLimit(Number(e.target.value))}
                aria-invalid={f.answerTimeLimitSeconds ? true : undefined}
                aria-describedby={
                  f.answerTimeLimitSeconds ? `${IDS.answerTimeLimitSeconds}-error` : undefined
                }
              >
                {LIMITS.map((s) => (
                  <option key={s} value={s}>
                    {limitLabel(s)}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <p className="hint">
            {current ? `${current.name}: ` : ''}
            {count} question{count === 1 ? '' : 's'}, up to {limitLabel(limit)} each. Recording stops by
            itself at the limit.
          </p>
        </FormShell>
      </section>
    </>
  );
}
