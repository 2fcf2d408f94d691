import { describe, expect, it } from 'vitest';
import { extractKeyTerms, generateJobQuestions, isAudienceTerm } from './job-questions';
import { QUESTION_BANK_VERSION } from './questions';

const DATA_ANALYST = `Data Analyst — Growth Team

About the role
We are looking for a Data Analyst to join our Growth team. You will turn raw data into insights that help product managers and marketing stakeholders make better decisions.

Responsibilities
- Write SQL queries to extract and transform data from our data warehouse (BigQuery).
- Build and maintain dashboards in Tableau to track key product metrics.
- Design and analyse A/B tests and communicate results to stakeholders.
- Partner with stakeholders across product, marketing and finance to define KPIs.
- Clean and validate data to ensure data quality.

Requirements
- 3+ years of experience with SQL and Python (pandas).
- Proficient in Tableau or Power BI.
- Strong understanding of statistics and experimental design.
- Excellent communication skills and the ability to present findings to non-technical stakeholders.
- Experience with dbt is a plus.`;

describe('extractKeyTerms', () => {
  const terms = extractKeyTerms(DATA_ANALYST, { jobTitle: 'Data Analyst' });
  const byKey = new Map(terms.map((t) => [t.key, t]));

  it('given a data analyst posting, then the obvious skills and audiences are found', () => {
    for (const key of ['sql', 'python', 'tableau', 'stakeholder', 'power bi', 'statistics', 'dbt']) {
      expect(byKey.has(key), key).toBe(true);
    }
    expect(byKey.get('sql')?.term).toBe('SQL');
    expect(byKey.get('stakeholder')?.term).toBe('stakeholders');
    expect(byKey.get('stakeholder')?.count).toBe(4);
  });

  it('given requirement phrases, then terms after "experience with" / "proficient in" are flagged', () => {
    expect(byKey.get('python')?.fromRequirement).toBe(true);
    expect(byKey.get('power bi')?.fromRequirement).toBe(true);
    expect(byKey.get('experimental design')?.fromRequirement).toBe(true);
    expect(byKey.get('stakeholder')?.fromRequirement).toBe(false);
  });

  it('given frequency, position and requirement weighting, then SQL outranks a single late mention like dbt', () => {
    const sql = byKey.get('sql');
    const dbt = byKey.get('dbt');
    expect(sql?.score).toBe(5.01);
    expect((sql?.score ?? 0) > (dbt?.score ?? 0)).toBe(true);
    expect(byKey.get('data')?.inTitle).toBe(true);
  });

  it('given job-posting boilerplate, then it never becomes a key term', () => {
    for (const noise of [
      'experience',
      'strong',
      'ability',
      'skills',
      'team',
      'years',
      'role',
      'excellent',
      'plus',
    ]) {
      expect(byKey.has(noise), noise).toBe(false);
    }
    expect(terms.length).toBeLessThanOrEqual(12);
  });

  it('given a max, then at most that many terms are returned, best first', () => {
    const top3 = extractKeyTerms(DATA_ANALYST, { jobTitle: 'Data Analyst', max: 3 });
    expect(top3.map((t) => t.key)).toEqual(terms.slice(0, 3).map((t) => t.key));
  });

  it('given an empty description, then there are no terms', () => {
    expect(extractKeyTerms('')).toEqual([]);
  });

  it('given people words, then they are classified as audiences, not skills', () => {
    expect(isAudienceTerm('stakeholder')).toBe(true);
    expect(isAudienceTerm('product manager')).toBe(true);
    expect(isAudienceTerm('sql')).toBe(false);
  });
});

describe('generateJobQuestions', () => {
  const input = { jobTitle: 'Data Analyst', jobDescription: DATA_ANALYST, count: 10, seed: 42 };

  it('given the same input and seed, when generating twice, then the output is identical', () => {
    expect(generateJobQuestions(input)).toEqual(generateJobQuestions(input));
  });

  it('given a different seed, then the questions differ but the key terms do not', () => {
    const a = generateJobQuestions(input);
    const b = generateJobQuestions({ ...input, seed: 43 });
    expect(a.questions.map((q) => q.id)).not.toEqual(b.questions.map((q) => q.id));
    expect(a.keyTerms).toEqual(b.keyTerms);
  });

  it('given 10 questions, then the mix is 5 role-specific, 3 behavioural and 2 motivation, opening with motivation', () => {
    const { questions, bankVersion } = generateJobQuestions(input);
    expect(bankVersion).toBe(QUESTION_BANK_VERSION);
    expect(questions).toHaveLength(10);
    const kinds = questions.map((q) => q.kind);
    expect(kinds.filter((k) => k === 'role')).toHaveLength(5);
    expect(kinds.filter((k) => k === 'behavioural')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'motivation')).toHaveLength(2);
    expect(kinds[0]).toBe('motivation');
  });

  it('given generated questions, then placeholders are filled, ids and texts unique, track is job', () => {
    const { questions } = generateJobQuestions({ ...input, count: 30 });
    expect(questions.length).toBe(30);
    expect(new Set(questions.map((q) => q.id)).size).toBe(30);
    expect(new Set(questions.map((q) => q.text)).size).toBe(30);
    for (const q of questions) {
      expect(q.text, q.id).not.toMatch(/[{}]/);
      expect(q.strongAnswerShows.join(' '), q.id).not.toMatch(/[{}]/);
      expect(q.track).toBe('job');
      expect(q.id.startsWith('job-')).toBe(true);
    }
  });

  it('given role questions, then they are about the top skills of the posting, never about people', () => {
    const { questions } = generateJobQuestions(input);
    const role = questions.filter((q) => q.kind === 'role');
    expect(role.some((q) => q.text.includes('SQL'))).toBe(true);
    expect(role.every((q) => q.competency === 'role-expertise')).toBe(true);
    expect(questions.some((q) => /your stakeholders (skills|work)/.test(q.text))).toBe(false);
  });

  it('given a description without usable terms, then only term-free templates are used', () => {
    const { questions, keyTerms } = generateJobQuestions({
      jobTitle: 'Nurse',
      jobDescription: '',
      count: 5,
      seed: 1,
    });
    expect(keyTerms).toEqual([]);
    expect(questions).toHaveLength(5);
    expect(questions.every((q) => q.kind !== 'role')).toBe(true);
    expect(questions.every((q) => !/[{}]/.test(q.text))).toBe(true);
  });

  it('given an invalid count, then it throws', () => {
    expect(() => generateJobQuestions({ ...input, count: -2 })).toThrow(RangeError);
  });
});
