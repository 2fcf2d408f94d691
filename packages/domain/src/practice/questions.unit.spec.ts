import { describe, expect, it } from 'vitest';
import { COMPETENCIES, COMPETENCY_IDS } from './competencies';
import { BEHAVIOURAL_TEMPLATES, MOTIVATION_TEMPLATES, ROLE_TEMPLATES } from './job-questions';
import {
  ALL_BANK_QUESTIONS,
  QUESTION_BANKS,
  QUESTION_BANK_VERSION,
  competenciesOf,
  getQuestionById,
} from './questions';
import { questionSchema } from './schemas';

const countBy = (competency: string, track: 'competency' | 'ypp'): number =>
  QUESTION_BANKS[track].filter((q) => q.competency === competency).length;

describe('question banks', () => {
  it('given the bank, then it carries the agreed version', () => {
    expect(QUESTION_BANK_VERSION).toBe('2026-11-30.1');
  });

  it('given the competency-based track, then it has 7 competencies with at least 10 STAR questions each', () => {
    expect(competenciesOf('competency')).toEqual([
      'teamwork',
      'leadership',
      'problem-solving',
      'communication',
      'adaptability',
      'integrity',
      'customer-focus',
    ]);
    for (const c of competenciesOf('competency'))
      expect(countBy(c, 'competency'), c).toBeGreaterThanOrEqual(10);
    expect(QUESTION_BANKS.competency).toHaveLength(72);
    expect(
      QUESTION_BANKS.competency.every(
        (q) => q.expectsStar && q.kind === 'behavioural' && q.track === 'competency',
      ),
    ).toBe(true);
  });

  it('given the YPP track, then it has the five WBG core competencies and mission fit, at least 10 questions each', () => {
    expect(competenciesOf('ypp')).toEqual([
      'wbg-deliver-results',
      'wbg-collaborate',
      'wbg-lead-innovate',
      'wbg-knowledge',
      'wbg-smart-decisions',
      'wbg-mission-fit',
    ]);
    for (const c of competenciesOf('ypp')) expect(countBy(c, 'ypp'), c).toBeGreaterThanOrEqual(10);
    expect(countBy('wbg-mission-fit', 'ypp')).toBe(12);
    expect(QUESTION_BANKS.ypp).toHaveLength(62);
  });

  it('given the WBG competencies, then their labels are the official five', () => {
    expect(
      (
        [
          'wbg-deliver-results',
          'wbg-collaborate',
          'wbg-lead-innovate',
          'wbg-knowledge',
          'wbg-smart-decisions',
        ] as const
      ).map((id) => COMPETENCIES[id].label),
    ).toEqual([
      'Deliver Results for Clients',
      'Collaborate Within Teams and Across Boundaries',
      'Lead and Innovate',
      'Create, Apply and Share Knowledge',
      'Make Smart Decisions',
    ]);
  });

  it('given mission-fit questions, then they are motivation questions without STAR and mention the mission', () => {
    const mission = QUESTION_BANKS.ypp.filter((q) => q.competency === 'wbg-mission-fit');
    expect(mission.every((q) => q.kind === 'motivation' && !q.expectsStar)).toBe(true);
    expect(mission.some((q) => /extreme poverty/.test(q.text) && /shared prosperity/.test(q.text))).toBe(
      true,
    );
  });

  it('given all bank questions, then ids are unique, well-formed and resolvable', () => {
    const ids = ALL_BANK_QUESTIONS.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(cb|ypp)-[a-z]+-\d{2}$/);
    expect(getQuestionById('cb-teamwork-01')?.competency).toBe('teamwork');
    expect(getQuestionById('ypp-mission-12')?.track).toBe('ypp');
    expect(getQuestionById('nope')).toBeUndefined();
  });

  it('given all bank questions, then texts are unique and each says what a strong answer shows', () => {
    const texts = ALL_BANK_QUESTIONS.map((q) => q.text.toLowerCase());
    expect(new Set(texts).size).toBe(texts.length);
    for (const q of ALL_BANK_QUESTIONS) {
      expect(q.strongAnswerShows.length, q.id).toBeGreaterThanOrEqual(2);
      expect(questionSchema.safeParse(q).success, q.id).toBe(true);
    }
  });

  it('given every competency, then it has a lexicon of at least 8 concepts with unique ids', () => {
    for (const id of COMPETENCY_IDS) {
      const lexicon = COMPETENCIES[id].lexicon;
      expect(lexicon.length, id).toBeGreaterThanOrEqual(8);
      expect(new Set(lexicon.map((c) => c.id)).size, id).toBe(lexicon.length);
    }
  });

  it('given the job templates, then there are at least 10 per kind with unique ids', () => {
    expect(ROLE_TEMPLATES.length).toBeGreaterThanOrEqual(10);
    expect(BEHAVIOURAL_TEMPLATES.length).toBeGreaterThanOrEqual(10);
    expect(MOTIVATION_TEMPLATES.length).toBeGreaterThanOrEqual(10);
    const ids = [...ROLE_TEMPLATES, ...BEHAVIOURAL_TEMPLATES, ...MOTIVATION_TEMPLATES].map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
