import { describe, expect, it } from 'vitest';
import { combineWithModel, modelGradingRequest, rubricOnly, verifyModelGrades } from './model-grading';
import { getQuestionById } from './questions';
import { scoreAnswer } from './rubric';

const q = getQuestionById('cb-teamwork-02');
if (q === undefined) throw new Error('fixture question missing');
const T =
  'Last spring our release at a booking startup was two weeks late. I rebuilt the test plan and I paired with the new developer. As a result we shipped on 3 May and support tickets fell by 30%.';
const s = scoreAnswer({ transcript: T, durationSeconds: 0, question: q });
const rubric = (id: string) => s.criteria.find((c) => c.id === id)?.score ?? 0;

describe('model grading: verbatim quotes and combination', () => {
  it('given quotes, then only grades whose every quote is verbatim are kept, with exact offsets', () => {
    const v = verifyModelGrades(T, ['star', 'result'], {
      criteria: [
        { id: 'star', score: 4, reason: 'ok', evidence: ['I rebuilt the test plan', 'two weeks late'] },
        { id: 'result', score: 5, reason: 'ok', evidence: ['tickets fell by 40%'] },
        { id: 'length', score: 1, reason: 'not asked', evidence: [] },
      ],
    });
    expect(v.accepted.map((g) => g.id)).toEqual(['star']);
    for (const e of v.accepted[0]?.evidence ?? []) expect(T.slice(e.start, e.end)).toBe(e.text);
    expect(v.refused.map((r) => r.id)).toEqual(['result', 'length']);
  });

  it('given a model grade, then the final score is the mean rounded towards the rubric, and a gap over 1 is flagged', () => {
    const starR = rubric('star');
    const model = starR >= 3 ? 1 : 5;
    const c = combineWithModel(s, [{ id: 'star', score: model, reason: 'model', evidence: [] }]);
    const star = c.criteria.find((x) => x.id === 'star');
    const mean = (starR + model) / 2;
    const expected = Number.isInteger(mean) ? mean : starR < model ? Math.floor(mean) : Math.ceil(mean);
    expect(star?.score).toBe(expected);
    expect(star?.grader).toBe('rubric+model');
    expect(star?.rubricScore).toBe(starR);
    expect(star?.gradersDiffer).toBe(Math.abs(starR - model) > 1);
    expect(c.criteria.filter((x) => x.id !== 'star').every((x) => x.grader === 'rubric')).toBe(true);
  });

  it('given agreeing graders, then the overall score is unchanged; rubric-only labels every criterion as the rubric', () => {
    const same = s.criteria.map((c) => ({ id: c.id, score: c.score, reason: 'same', evidence: [] }));
    expect(combineWithModel(s, same).overall).toBe(s.overall);
    expect(rubricOnly(s).criteria.every((c) => c.grader === 'rubric' && !c.gradersDiffer)).toBe(true);
  });

  it('given a request, then it holds the question, competency, transcript and content criteria only', () => {
    const r = modelGradingRequest({ question: q.text, competency: q.competency, transcript: T, score: s });
    expect(Object.keys(r).sort()).toEqual([
      'competency',
      'criteria',
      'jobKeyTerms',
      'question',
      'transcript',
    ]);
    expect(r.criteria.map((c) => c.id)).toEqual(['star', 'result', 'ownership', 'competency', 'substance']);
  });
});
