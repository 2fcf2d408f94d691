/** Use cases: the caller's free trial, and every answer with scores over time. */
import { trialOf, type Trial } from '@tia/db';
import { COMPETENCIES, COMPETENCY_IDS, RUBRIC_CRITERIA, type CompetencyId } from '@tia/domain';
import type { AuthServices } from '../services.js';
import type { Actor } from './access.js';
import { recordingsWhere, toSummary } from './views.js';

export { trialOf, type Trial };

export const getTrial = (a: AuthServices, actor: Actor): Promise<Trial> => trialOf(a.sql, actor.userId);

export interface Progress {
  byCriterion: { criterion: string; label: string; points: { at: string; score: number }[] }[];
  byCompetency: { competency: string; name: string; points: { at: string; overall: number }[] }[];
}

/** Every answer of the caller (newest first), the trial, and the scores over time. */
export const getHistory = async (a: AuthServices, actor: Actor) => {
  const rows = await recordingsWhere(a.sql, actor.userId, {});
  const answers = rows.map(toSummary);
  const scored = answers
    .filter((r) => r.status === 'scored' && r.scoredAt !== null)
    .sort((x, y) => (x.scoredAt! < y.scoredAt! ? -1 : x.scoredAt! > y.scoredAt! ? 1 : 0));
  const criterionIds = [
    ...Object.keys(RUBRIC_CRITERIA),
    ...new Set(scored.flatMap((r) => Object.keys(r.scores ?? {}))),
  ].filter((id, i, all) => all.indexOf(id) === i);
  const byCriterion = criterionIds
    .map((criterion) => ({
      criterion,
      label:
        criterion in RUBRIC_CRITERIA
          ? RUBRIC_CRITERIA[criterion as keyof typeof RUBRIC_CRITERIA].label
          : criterion,
      points: scored.flatMap((r) => {
        const score = r.scores?.[criterion];
        return typeof score === 'number' ? [{ at: r.scoredAt!, score }] : [];
      }),
    }))
    .filter((c) => c.points.length > 0);
  const competencies = [
    ...COMPETENCY_IDS.filter((c) => scored.some((r) => r.competency === c)),
    ...new Set(
      scored.map((r) => r.competency).filter((c): c is string => c !== null && !(c in COMPETENCIES)),
    ),
  ];
  const byCompetency = competencies.map((competency) => ({
    competency,
    name: competency in COMPETENCIES ? COMPETENCIES[competency as CompetencyId].label : competency,
    points: scored
      .filter((r) => r.competency === competency && r.overall !== null)
      .map((r) => ({ at: r.scoredAt!, overall: r.overall! })),
  }));
  return {
    trial: await trialOf(a.sql, actor.userId),
    answers: answers.reverse(),
    progress: { byCriterion, byCompetency } satisfies Progress,
  };
};
