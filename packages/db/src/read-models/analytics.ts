import { analytics, COMPETENCY_IDS, isRedacted, type CompetencyId, type EventData } from '@tia/domain';
import { defineProjection, type TableNames } from '../projections.js';
import type { TxSql } from '../sql.js';

/**
 * The analyst workspace's aggregates (issue 12, P25, P43), kept by the worker.
 *
 * Each subject's contribution lives in `analytics_private` (subject, their sessions' tracks, each answer's bins):
 * that is what lets an objection, a restriction, a withdrawn product-improvement consent or an erasure take the
 * subject out of figures already built. After every batch that changed anything, the `analytics` tables are
 * recomputed from the contributions of the subjects still included: they hold counts per fixed dimension
 * value and bin, never a person.
 */
const TYPES = [
  'AccountRegistered',
  'EmailVerified',
  'PracticeSessionStarted',
  'RecordingUploaded',
  'FeedbackScored',
  'ProcessingObjected',
  'ObjectionWithdrawn',
  'ProcessingRestricted',
  'ProcessingRestrictionLifted',
  'ConsentGiven',
  'ConsentWithdrawn',
  'SubjectErased',
] as const;

/** The consent whose withdrawal takes a subject out of analytics. */
export const ANALYTICS_CONSENT_PURPOSE = 'product_improvement';

const isCompetency = (c: unknown): c is CompetencyId =>
  typeof c === 'string' && (COMPETENCY_IDS as readonly string[]).includes(c);

/** The bin of every measure for one scored answer. */
export const binsOf = (d: EventData<'FeedbackScored'>, uploadedAt: Date): Record<string, number> => {
  const scores = d.scores;
  const metrics = isRedacted(d.metrics) ? {} : d.metrics;
  const bins: Record<string, number> = { overall: analytics.overallBin(d.overall) };
  for (const c of analytics.CRITERION_IDS) bins[`criterion_${c}`] = analytics.criterionBin(scores[c]);
  bins.pace = analytics.paceBin(typeof metrics.wpm === 'number' ? metrics.wpm : null);
  bins.fillers = analytics.fillersBin(typeof metrics.fillerPer100 === 'number' ? metrics.fillerPer100 : null);
  const seconds = (Date.parse(d.scoredAt) - uploadedAt.getTime()) / 1000;
  bins.latency = analytics.latencyBin(Math.max(0, seconds));
  return bins;
};

const ensureSubject = (tx: TxSql, table: string, id: string) =>
  tx`insert into ${tx(table)} (subject_id) values (${id}) on conflict (subject_id) do nothing`;

/** Recomputes the published aggregates from the included subjects' contributions. */
export const recomputeAnalytics = async (tx: TxSql, t: TableNames): Promise<void> => {
  const subjects = tx(t('analytics_private.subjects'));
  const answers = tx(t('analytics_private.answers'));
  const cells = tx(t('analytics.answer_cells'));
  const funnel = tx(t('analytics.funnel_cells'));
  const freshness = tx(t('analytics.freshness'));
  await tx`delete from ${cells}`;
  await tx`delete from ${funnel}`;
  await tx`delete from ${freshness}`;
  // Included: not objecting, not restricted, consent not withdrawn (erased subjects have no rows at all).
  await tx`
    with included as (
      select a.subject_id, a.track, a.competency, a.question, a.week, s.cohort, a.bins
        from ${answers} a join ${subjects} s on s.subject_id = a.subject_id
       where a.bins is not null and not s.objected and not s.restricted and not s.consent_withdrawn
    ), unpivoted as (
      select i.*, b.key as measure, b.value::smallint as bin from included i cross join lateral jsonb_each_text(i.bins) b
    )
    insert into ${cells} (measure, dimension, track, competency, question, week, cohort, bin, answers, subjects)
    select measure::analytics.measure,
           (case when grouping(track) = 0 then 'track' when grouping(competency) = 0 then 'competency'
                 when grouping(question) = 0 then 'question' when grouping(week) = 0 then 'week'
                 when grouping(cohort) = 0 then 'cohort' else 'all' end)::analytics.dimension,
           track::analytics.track, competency::analytics.competency, question, week, cohort, bin,
           count(*)::int, count(distinct subject_id)::int
      from unpivoted
     group by grouping sets ((measure, bin, track), (measure, bin, competency), (measure, bin, question),
                             (measure, bin, week), (measure, bin, cohort), (measure, bin))
    having not (grouping(question) = 0 and question is null)
    union all
    select 'all'::analytics.measure,
           (case when grouping(track) = 0 then 'track' when grouping(competency) = 0 then 'competency'
                 when grouping(question) = 0 then 'question' when grouping(week) = 0 then 'week'
                 when grouping(cohort) = 0 then 'cohort' else 'all' end)::analytics.dimension,
           track::analytics.track, competency::analytics.competency, question, week, cohort, null,
           count(*)::int, count(distinct subject_id)::int
      from included
     group by grouping sets ((track), (competency), (question), (week), (cohort), ())
    having not (grouping(question) = 0 and question is null)`;
  await tx`
    with included as (
      select cohort, case when answers >= 5 then 4 when answers >= 1 then 3 when verified then 2 else 1 end as stage
        from ${subjects}
       where cohort is not null and not objected and not restricted and not consent_withdrawn
    )
    insert into ${funnel} (cohort, stage, subjects)
    select cohort, stage, count(*)::int from included
     group by grouping sets ((cohort, stage), (cohort), (stage), ())`;
  await tx`insert into ${freshness} (refreshed_at) values (now())`;
};

export const analyticsProjection = defineProjection({
  name: 'analytics',
  tables: [
    'analytics_private.subjects',
    'analytics_private.sessions',
    'analytics_private.answers',
    'analytics.answer_cells',
    'analytics.funnel_cells',
    'analytics.freshness',
  ],
  types: TYPES,
  apply: async (tx, events, t) => {
    const subjects = tx(t('analytics_private.subjects'));
    const sessions = tx(t('analytics_private.sessions'));
    const answers = tx(t('analytics_private.answers'));
    for (const e of events) {
      switch (e.type) {
        case 'AccountRegistered':
          await tx`insert into ${subjects} (subject_id, cohort)
                   values (${e.data.userId}, ${analytics.monthStart(e.data.registeredAt)})
                   on conflict (subject_id) do update set cohort = excluded.cohort`;
          break;
        case 'EmailVerified':
          await ensureSubject(tx, t('analytics_private.subjects'), e.data.userId);
          await tx`update ${subjects} set verified = true where subject_id = ${e.data.userId}`;
          break;
        case 'PracticeSessionStarted':
          await tx`insert into ${sessions} (session_id, subject_id, track)
                   values (${e.data.sessionId}, ${e.data.userId}, ${e.data.track})
                   on conflict (session_id) do nothing`;
          break;
        case 'RecordingUploaded': {
          const session = await tx<{ track: string }[]>`
            select track from ${sessions} where session_id = ${e.data.sessionId}`;
          if (!session[0]) break; // the session's subject was erased
          const inserted = await tx`
            insert into ${answers} (recording_id, subject_id, track, week, uploaded_at)
            values (${e.data.recordingId}, ${e.data.userId}, ${session[0].track},
                    ${analytics.isoWeekStart(e.data.uploadedAt)}, ${e.data.uploadedAt})
            on conflict (recording_id) do nothing returning recording_id`;
          if (inserted.length > 0) {
            await ensureSubject(tx, t('analytics_private.subjects'), e.data.userId);
            await tx`update ${subjects} set answers = answers + 1 where subject_id = ${e.data.userId}`;
          }
          break;
        }
        case 'FeedbackScored': {
          const rows = await tx<{ uploaded_at: Date }[]>`
            select uploaded_at from ${answers} where recording_id = ${e.data.recordingId}`;
          if (!rows[0]) break;
          const competency = isCompetency(e.data.competency) ? e.data.competency : null;
          await tx`update ${answers} set competency = ${competency},
                     question = ${analytics.questionNumber(e.data.questionId)},
                     bins = ${tx.json(binsOf(e.data, rows[0].uploaded_at))}
                   where recording_id = ${e.data.recordingId}`;
          break;
        }
        case 'ProcessingObjected':
        case 'ObjectionWithdrawn':
          if (e.data.scope !== 'analytics') break;
          await ensureSubject(tx, t('analytics_private.subjects'), e.data.subjectId);
          await tx`update ${subjects} set objected = ${e.type === 'ProcessingObjected'}
                   where subject_id = ${e.data.subjectId}`;
          break;
        case 'ProcessingRestricted':
        case 'ProcessingRestrictionLifted':
          await ensureSubject(tx, t('analytics_private.subjects'), e.data.subjectId);
          await tx`update ${subjects} set restricted = ${e.type === 'ProcessingRestricted'}
                   where subject_id = ${e.data.subjectId}`;
          break;
        case 'ConsentGiven':
        case 'ConsentWithdrawn':
          if (e.data.purpose !== ANALYTICS_CONSENT_PURPOSE) break;
          await ensureSubject(tx, t('analytics_private.subjects'), e.data.subjectId);
          await tx`update ${subjects} set consent_withdrawn = ${e.type === 'ConsentWithdrawn'}
                   where subject_id = ${e.data.subjectId}`;
          break;
        case 'SubjectErased':
          await tx`delete from ${answers} where subject_id = ${e.data.subjectId}`;
          await tx`delete from ${sessions} where subject_id = ${e.data.subjectId}`;
          await tx`delete from ${subjects} where subject_id = ${e.data.subjectId}`;
          break;
      }
    }
    if (events.length > 0) await recomputeAnalytics(tx, t);
  },
});
