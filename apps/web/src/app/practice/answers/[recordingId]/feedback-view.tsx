'use client';

import Link from 'next/link';
import { useEffect, useRef, type ReactNode } from 'react';
import { problemsOf } from '../../../../components/forms';
import { practiceApi } from '../../../../components/practice/api';
import type {
  Annotation,
  CriterionResult,
  Metrics,
  RecordingDetail,
} from '../../../../components/practice/contract';
import { LocalReplay } from '../../../../components/practice/local-replay';
import { formatBytes } from '../../../../components/practice/media';
import { DeleteAnswer } from '../../../../components/practice/delete-data';
import { SignedIn } from '../../../../components/practice/signed-in';
import { isFinal, StatusSteps } from '../../../../components/practice/status-steps';
import styles from './feedback.module.css';

const REASON_TEXT: Record<string, string> = {
  transcribed: 'Deleted right after transcription',
  transcription_failed: 'Deleted because transcription failed',
  consent_withdrawn: 'Deleted because you withdrew consent',
  processing_restricted: 'Deleted because you restricted processing',
  subject_erased: 'Deleted because your account data was erased',
  max_age_exceeded: 'Deleted because it was not processed within the time limit',
};

function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function FeedbackView({ recordingId }: { recordingId: string }) {
  return (
    <SignedIn what="see your feedback">
      <FeedbackInner recordingId={recordingId} />
    </SignedIn>
  );
}

function FeedbackInner({ recordingId }: { recordingId: string }) {
  const rec = practiceApi.recording.useQuery(
    { recordingId },
    { refetchInterval: (q) => (q.state.data && isFinal(q.state.data.status) ? false : 1000), retry: 1 },
  );
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (rec.data) heading.current?.focus();
  }, [rec.data?.recordingId]);

  if (rec.isPending)
    return (
      <p className="muted" aria-live="polite">
        Loading your feedback…
      </p>
    );
  if (!rec.data) {
    const p = problemsOf(rec.error);
    return (
      <div className="notice bad" role="alert">
        <p>
          <strong>
            {p.code === 'NOT_FOUND' ? 'This answer was not found.' : 'The feedback could not be loaded.'}
          </strong>{' '}
          {p.code === 'NOT_FOUND' ? '' : p.message}
        </p>
        <p>
          <Link href="/practice/history">Your answers</Link>
        </p>
      </div>
    );
  }
  const r = rec.data;
  const fb = r.feedback;
  return (
    <>
      <span className="eyebrow">Feedback on your answer</span>
      <h1 ref={heading} tabIndex={-1} className="focus-target">
        {fb ? `You scored ${fb.overall} out of 100` : 'Your answer'}
      </h1>
      {r.question ? (
        <p className={`lead ${styles.questionQuote}`}>
          <span className="visually-hidden">Question: </span>“{r.question.text}”
          {r.question.competencyName ? <span className="track-tag">{r.question.competencyName}</span> : null}
        </p>
      ) : null}

      {r.status !== 'scored' ? <StatusSteps status={r.status} detail={r.statusDetail} /> : null}

      {fb ? (
        <>
          <section className="card" aria-labelledby="scores-title">
            <h2 id="scores-title">Scores</h2>
            <OverallScore value={fb.overall} />
            <CriteriaChart criteria={fb.criteria} />
            <EngineNote engine={fb.engine} rubricVersion={fb.rubricVersion} />
          </section>

          <section aria-labelledby="criteria-title" className="section-block">
            <h2 id="criteria-title">What to keep and what to change</h2>
            <ol className={styles.criteriaList}>
              {fb.criteria.map((c) => (
                <CriterionCard key={c.id} c={c} model={fb.engine.model} />
              ))}
            </ol>
            {fb.llmTips && fb.llmTips.length > 0 ? (
              <div className="callout">
                <h3>More tips from {fb.engine.model ?? 'the language model'}</h3>
                <ul>
                  {fb.llmTips.map((t) => (
                    <li key={t}>{t}</li>
                  ))}
                </ul>
              </div>
            ) : null}
          </section>
        </>
      ) : null}

      {r.transcript ? (
        <section className="card" aria-labelledby="transcript-title">
          <h2 id="transcript-title">What you said</h2>
          <Legend />
          <Transcript text={r.transcript.text} annotations={fb?.annotations ?? []} />
          <p className="fine-print">
            Transcribed by <strong>{r.transcript.engine.name}</strong>
            {r.transcript.engine.model ? ` (model ${r.transcript.engine.model})` : ''}. Automatic transcripts
            can mishear words; judge the feedback with that in mind.
          </p>
        </section>
      ) : null}

      {fb ? <MetricsCard m={fb.metrics} /> : null}

      <section className="card" aria-labelledby="video-title">
        <h2 id="video-title">Your video</h2>
        <LocalReplay recordingId={recordingId} />
      </section>

      <Receipt r={r} />

      {isFinal(r.status) ? <DeleteAnswer recordingId={r.recordingId} sessionId={r.sessionId} /> : null}

      <p className="button-row tight">
        <Link className="button" href={`/practice/${r.sessionId}`}>
          Back to the session
        </Link>
        <Link className="button secondary" href="/practice/history">
          All your answers
        </Link>
      </p>
    </>
  );
}

function OverallScore({ value }: { value: number }) {
  const v = Math.max(0, Math.min(100, value));
  return (
    <div className="overall" data-testid="overall">
      <p className={styles.overallNum}>
        <span className="num">{v}</span>
        <span className="muted"> / 100 overall</span>
      </p>
      <svg className={styles.overallBar} viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
        <rect className={styles.track} x="0" y="0" width="100" height="6" rx="3" />
        <rect className={styles.fill} x="0" y="0" width={v} height="6" rx="3" />
      </svg>
    </div>
  );
}

function CriteriaChart({ criteria }: { criteria: CriterionResult[] }) {
  return (
    <figure className={styles.criteriaChart}>
      <figcaption className="visually-hidden">
        Score for each criterion, from 1 (weak) to 5 (strong)
      </figcaption>
      <ul data-testid="criteria-scores">
        {criteria.map((c) => (
          <li key={c.id}>
            <span className={styles.critLabel}>{c.label}</span>
            <svg className={styles.critBar} viewBox="0 0 50 8" preserveAspectRatio="none" aria-hidden="true">
              {[0, 1, 2, 3, 4].map((n) => (
                <rect
                  key={n}
                  className={
                    n >= c.score ? styles.off : c.score <= 2 ? `${styles.on} ${styles.s2}` : styles.on
                  }
                  x={n * 10 + 0.5}
                  y="0"
                  width="9"
                  height="8"
                  rx="1.5"
                />
              ))}
            </svg>
            <span className={`${styles.critScore} num`}>
              {c.score}
              <span className="muted">/5</span>
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

function EngineNote({
  engine,
  rubricVersion,
}: {
  engine: { name: string; model: string | null };
  rubricVersion: string;
}) {
  return (
    <p className={`fine-print ${styles.engineNote}`} data-testid="feedback-engine">
      {engine.name === 'rubric' ? (
        <>
          This feedback comes from our built-in scoring rubric (version {rubricVersion}), not from an AI
          model: fixed rules that check structure, concrete detail, examples, pace, filler words and hedges.
        </>
      ) : engine.name === 'rubric+model' ? (
        <>
          Content scores combine our built-in rubric (version {rubricVersion}) and a language model
          {engine.model ? ` (${engine.model})` : ''} grading against the same anchors; each criterion says
          which grader scored it. Length, pace, fillers and hedges are measured by the rubric alone.
        </>
      ) : (
        <>
          Scores come from our built-in rubric (version {rubricVersion}); the extra tips were written by a
          language model{engine.model ? ` (${engine.model})` : ''}.
        </>
      )}
    </p>
  );
}

/** Who produced a criterion's score, in words; criteria scored before graders were recorded are the rubric's. */
function graderText(c: CriterionResult, model: string | null): string {
  if (c.grader !== 'rubric+model' || !c.model) return 'Scored by the rubric';
  const who = model ? `the language model (${model})` : 'the language model';
  return `Scored by the rubric (${c.rubricScore ?? c.score}/5) and ${who} (${c.model.score}/5) together`;
}

function CriterionCard({ c, model }: { c: CriterionResult; model: string | null }) {
  return (
    <li className={`card ${styles.criterion}`}>
      <h3>
        {c.label} <span className="crit-badge num">{c.score}/5</span>
      </h3>
      <p className={`${styles.grader} fine-print`} data-testid="criterion-grader">
        {graderText(c, model)}
      </p>
      {c.gradersDiffer ? (
        <p className="notice warn graders-differ" data-testid="graders-differ">
          <strong>The two graders differ</strong> by more than one point here: the rubric gave{' '}
          {c.rubricScore ?? c.score}/5, the language model {c.model?.score}/5. Read both reasons and judge for
          yourself.
        </p>
      ) : null}
      <p>{c.reason}</p>
      {c.model ? (
        <p className="model-reason">
          <strong>The language model’s reason:</strong> {c.model.reason}
          {c.model.evidence.length > 0 ? (
            <>
              {' '}
              (quoting{' '}
              {c.model.evidence.map((e, n) => (
                <span key={n}>
                  {n > 0 ? ', ' : ''}
                  <q>{e.text}</q>
                </span>
              ))}
              )
            </>
          ) : null}
        </p>
      ) : null}
      {c.evidence.length > 0 ? (
        <>
          <p className={styles.evidenceTitle}>From your answer:</p>
          <ul className={styles.evidence}>
            {c.evidence.map((e, n) => (
              <li key={n}>
                {e.label ? <span className={styles.evLabel}>{e.label}: </span> : null}
                <q>{e.text}</q>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p className={styles.tip}>
        <strong>Tip:</strong> {c.tip}
      </p>
    </li>
  );
}

function Legend() {
  return (
    <p className={styles.legend} aria-label="Highlight legend">
      <mark className={styles.mkFiller}>filler</mark> filler words such as “um” or “you know” ·{' '}
      <mark className={styles.mkHedge}>hedge</mark> hedges such as “I think maybe” or “kind of”
    </p>
  );
}

/** The transcript with filler and hedge spans wrapped in <mark>. Overlaps keep the earlier span. */
export function Transcript({ text, annotations }: { text: string; annotations: Annotation[] }) {
  const spans = [...annotations]
    .filter((a) => a.start >= 0 && a.end > a.start && a.end <= text.length)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const parts: ReactNode[] = [];
  let at = 0;
  spans.forEach((a, n) => {
    if (a.start < at) return;
    if (a.start > at) parts.push(text.slice(at, a.start));
    parts.push(
      <mark
        key={n}
        className={a.kind === 'hedge' ? styles.mkHedge : styles.mkFiller}
        title={`${a.kind}: ${a.label}`}
      >
        {text.slice(a.start, a.end)}
        <span className="visually-hidden"> ({a.kind})</span>
      </mark>,
    );
    at = a.end;
  });
  if (at < text.length) parts.push(text.slice(at));
  return (
    <blockquote className={styles.transcript} data-testid="transcript">
      {text ? parts : <em>No words were recognised in this recording.</em>}
    </blockquote>
  );
}

function PaceBand({ wpm }: { wpm: number }) {
  const lo = 60;
  const hi = 240;
  const x = (v: number) => ((Math.max(lo, Math.min(hi, v)) - lo) / (hi - lo)) * 200;
  return (
    <svg className={styles.paceBand} viewBox="0 0 200 28" role="img" aria-labelledby="pace-t">
      <title id="pace-t">{`Your pace ${Math.round(wpm)} words per minute; the comfortable band is 130 to 160.`}</title>
      <rect className={styles.track} x="0" y="8" width="200" height="8" rx="4" />
      <rect className={styles.band} x={x(130)} y="8" width={x(160) - x(130)} height="8" />
      <line className={styles.marker} x1={x(wpm)} x2={x(wpm)} y1="2" y2="22" />
      <text x={x(130)} y="27" className="tick" textAnchor="middle">
        130
      </text>
      <text x={x(160)} y="27" className="tick" textAnchor="middle">
        160
      </text>
    </svg>
  );
}

function MetricsCard({ m }: { m: Metrics }) {
  const wpm = typeof m.wpm === 'number' ? m.wpm : null;
  const pace =
    wpm === null
      ? 'not measured'
      : wpm < 130
        ? 'slower than the comfortable band'
        : wpm > 160
          ? 'faster than the comfortable band'
          : 'in the comfortable band';
  return (
    <section className="card" aria-labelledby="metrics-title">
      <h2 id="metrics-title">How you spoke</h2>
      <dl className={`metric-list ${styles.stackNarrow}`}>
        <dt>Pace</dt>
        <dd data-testid="wpm">
          {wpm === null ? 'Not measured' : `${Math.round(wpm)} words per minute`}{' '}
          <span className="muted">({pace}; comfortable is 130–160)</span>
        </dd>
        <dt>Filler words</dt>
        <dd>
          {m.fillerCount ?? 0} ({(m.fillerPer100 ?? 0).toFixed(1)} per 100 words)
        </dd>
        <dt>Hedges</dt>
        <dd>
          {m.hedges ?? 0}
          {typeof m.hedgesPer100 === 'number' ? ` (${m.hedgesPer100.toFixed(1)} per 100 words)` : ''}
        </dd>
        <dt>Words</dt>
        <dd>{m.wordCount ?? '—'}</dd>
        {typeof m.iActions === 'number' ? (
          <>
            <dt>“I” vs “we” actions</dt>
            <dd>
              {m.iActions} “I” · {m.weActions ?? 0} “we”
            </dd>
          </>
        ) : null}
        <dt>Most-used words</dt>
        <dd>
          {m.topWords && m.topWords.length > 0
            ? m.topWords.map((w) => `${w.word} (${w.count})`).join(', ')
            : '—'}
        </dd>
      </dl>
      {wpm !== null ? <PaceBand wpm={wpm} /> : null}
    </section>
  );
}

function Receipt({ r }: { r: RecordingDetail }) {
  const deleted = Boolean(r.audioDeletedAt);
  return (
    <section className={`card ${styles.receipt}`} aria-labelledby="receipt-title" data-testid="receipt">
      <h2 id="receipt-title">Deletion receipt</h2>
      <p>
        {deleted ? (
          <span className="badge ok">Audio deleted</span>
        ) : (
          <span className="badge unknown">Audio not deleted yet</span>
        )}{' '}
        {deleted ? null : <span className="muted">It is deleted as soon as it has been transcribed.</span>}
      </p>
      <dl className={`metric-list ${styles.stackNarrow}`}>
        <dt>Uploaded</dt>
        <dd>{when(r.uploadedAt)}</dd>
        <dt>Transcribed</dt>
        <dd>{when(r.transcribedAt)}</dd>
        <dt>Audio deleted</dt>
        <dd>{when(r.audioDeletedAt)}</dd>
        <dt>Reason</dt>
        <dd>{r.deletionReason ? (REASON_TEXT[r.deletionReason] ?? r.deletionReason) : '—'}</dd>
        <dt>Size</dt>
        <dd>{formatBytes(r.bytes)}</dd>
        <dt>Length</dt>
        <dd>{r.durationSeconds.toFixed(1)} seconds</dd>
        <dt>SHA-256 of the audio</dt>
        <dd className={`break ${styles.mono}`} data-testid="sha256">
          {r.sha256}
        </dd>
      </dl>
      <p className="fine-print">
        The SHA-256 is a fingerprint of the exact audio we received. We keep it (not the audio) so you can
        check what was processed.
      </p>
    </section>
  );
}
