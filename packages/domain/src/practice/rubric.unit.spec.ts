import { describe, expect, it } from 'vitest';
import { getQuestionById } from './questions';
import {
  DELIVERY_CREDIT,
  DELIVERY_CRITERIA,
  RUBRIC_CRITERIA,
  RUBRIC_VERSION,
  scoreAnswer,
  type AnswerScore,
  type CriterionId,
  type ScoreAnswerInput,
} from './rubric';
import { scoreAnswerInputSchema } from './schemas';

const teamworkQ = getQuestionById('cb-teamwork-07');
if (teamworkQ === undefined) throw new Error('fixture question missing');
const missionQ = getQuestionById('ypp-mission-01');
if (missionQ === undefined) throw new Error('fixture question missing');

const STRONG = `In 2023 I was a project coordinator at a health NGO in Nairobi, and our monthly donor report was consistently two weeks late because data from five clinics arrived in different formats. My task was to get the report out on time without adding staff. First, I mapped how each clinic collected its data and found that three of them re-typed paper forms. I proposed a shared spreadsheet template, and I trained the clinic staff in two short workshops. I also set up a weekly check-in with the finance team so we could catch gaps early. When one clinic manager resisted, I listened to her concerns and we agreed to pilot the template for one month. As a result, the report went out on time for six months in a row, preparation time fell from 10 days to 4, and data errors dropped by 60%. I learned that asking people how they work before changing it saves a lot of resistance later.`;

const RAMBLING = `Um, so, basically, like, I was, um, working on this thing, you know, and uh it was kind of a big project I guess. And like, we had, um, a lot of stuff going on, you know, and I think maybe we sort of, uh, figured it out. Actually it was, like, really hard. I like teamwork though, and I'd like to say we did okay. Um, yeah, it went well I guess.`;

const crit = (s: AnswerScore, id: CriterionId) => {
  const c = s.criteria.find((x) => x.id === id);
  if (c === undefined) throw new Error(`criterion ${id} missing`);
  return c;
};

const score = (over: Partial<ScoreAnswerInput>): AnswerScore =>
  scoreAnswer({ transcript: STRONG, durationSeconds: 75, question: teamworkQ, ...over });

/** n words of neutral text. */
const words = (n: number): string =>
  Array.from({ length: n }, (_, i) => (i % 10 === 9 ? 'report.' : 'report')).join(' ');

describe('scoreAnswer — STAR and result', () => {
  const s = score({});

  it('given a strong STAR answer with numbers, then STAR and Result both score 5 and overall is high', () => {
    expect(crit(s, 'star').score).toBe(5);
    expect(crit(s, 'result').score).toBe(5);
    expect(crit(s, 'ownership').score).toBe(5);
    // every criterion 5 except competency 4 (Teamwork: 3–4 behaviours) → 100 − 15 × ¼ = 96.25
    expect(crit(s, 'competency').score).toBe(4);
    expect(s.overall).toBe(96);
    expect(s.rubricVersion).toBe(RUBRIC_VERSION);
  });

  it('given a strong answer, then the evidence quotes the STAR elements and the measures', () => {
    expect(crit(s, 'star').evidence.map((e) => `${e.label}:${e.text}`)).toEqual([
      'Situation:In 2023 I was a project coordinator at a health NGO in Nairobi',
      'Task:My task was to get the report out on time without adding',
      'Action:I mapped how each clinic',
      'Action:I proposed a shared spreadsheet',
      'Action:I trained the clinic',
      'Result:As a result, the report',
    ]);
    expect(
      crit(s, 'result')
        .evidence.filter((e) => e.label === 'measure')
        .map((e) => e.text),
    ).toEqual(['six months in a row', 'preparation time fell from 10 days to 4', 'errors dropped by 60%']);
    expect(crit(s, 'result').reason).toContain('3 measures');
  });

  it('given any criterion, then every evidence span is an exact slice of the transcript', () => {
    for (const c of s.criteria) for (const e of c.evidence) expect(STRONG.slice(e.start, e.end)).toBe(e.text);
  });

  it('given the same input twice, then the output is deeply equal', () => {
    expect(score({})).toEqual(s);
  });

  it('given a result without numbers, then Result is 3 and the tip asks to quantify', () => {
    const r = score({
      transcript:
        'At my previous job our goal was to fix onboarding. I interviewed new hires and I rewrote the guide. As a result, onboarding improved.',
    });
    expect(crit(r, 'result').score).toBe(3);
    expect(crit(r, 'result').tip).toMatch(/number/);
  });

  it('given only a vague outcome, then Result is 2 and the tip quotes it', () => {
    const r = score({
      transcript: 'I was asked to help. I called the client and I fixed the file. It went well.',
    });
    expect(crit(r, 'result').score).toBe(2);
    expect(crit(r, 'result').tip).toContain('“went well”');
  });

  it('given a year in the situation but no result, then the year is not counted as a measure', () => {
    const r = score({
      transcript:
        'In 2021 I was an intern at a city hospital and my task was to clean the patient survey. I removed duplicate rows and I sent the file to the analysts.',
    });
    expect(crit(r, 'result').score).toBe(1);
    expect(crit(r, 'star').score).toBe(3);
    expect(crit(r, 'star').reason).toContain('Missing: Result');
  });

  it('given actions told mostly as "we", then ownership is low and the evidence lists the "we" clauses', () => {
    const r = score({
      transcript:
        'We decided to move fast. We organised a workshop and we built a prototype. I suggested the name. We launched it in June.',
    });
    expect(r.metrics.iActions).toBe(1);
    expect(r.metrics.weActions).toBe(4);
    expect(crit(r, 'ownership').score).toBe(2);
    expect(crit(r, 'ownership').evidence.map((e) => e.text)).toEqual([
      'We decided to move',
      'We organised a workshop',
      'we built a prototype',
      'We launched it in June',
    ]);
  });

  it('given a motivation question, then STAR, result and ownership are not applied', () => {
    const r = scoreAnswer({
      transcript:
        'I want to work on ending extreme poverty because of my fieldwork in rural Malawi with the World Bank.',
      durationSeconds: 10,
      question: missionQ,
    });
    expect(r.criteria.map((c) => c.id)).toEqual([
      'competency',
      'substance',
      'length',
      'pace',
      'fillers',
      'hedging',
    ]);
    expect(crit(r, 'competency').score).toBe(4);
  });
});

describe('scoreAnswer — delivery', () => {
  it('given a rambling, filler-heavy answer, then the filler score is 1 with the exact filler spans as evidence', () => {
    const r = score({ transcript: RAMBLING, durationSeconds: 40 });
    const fillers = crit(r, 'fillers');
    expect(fillers.score).toBe(1);
    expect(r.metrics.wordCount).toBe(73);
    expect(r.metrics.fillerPer100).toBe(19.2);
    expect(fillers.evidence.map((e) => `${e.text}@${e.start}`)).toEqual([
      'Um@0',
      'basically@8',
      'like@19',
      'um@32',
      'you know@59',
      'uh@73',
      'like@118',
      'um@132',
      'you know@161',
      'sort of@192',
      'uh@201',
      'Actually@221',
      'like@238',
      'Um@314',
    ]);
    for (const e of fillers.evidence) expect(RAMBLING.slice(e.start, e.end)).toBe(e.text);
    // "I like teamwork" and "I'd like to say" in the same answer are not fillers
    expect(fillers.evidence.some((e) => e.start === RAMBLING.indexOf('like teamwork'))).toBe(false);
    expect(fillers.tip).toContain('“um” (4×)');
    expect(crit(r, 'hedging').score).toBe(1);
    expect(r.metrics.hedges).toBe(4);
    expect(r.overall).toBeLessThan(25);
  });

  it('given "I like teamwork", then "like" is not counted as a filler', () => {
    const r = score({ transcript: 'I like teamwork and I like leading people.' });
    expect(r.metrics.fillerCount).toBe(0);
    expect(crit(r, 'fillers').score).toBe(5);
  });

  it('given word timings, then pace is computed from first to last word, not from the recording length', () => {
    // 140 words spoken over exactly 60 s, inside a 120 s recording
    const timed = Array.from({ length: 140 }, (_, i) => ({
      word: 'report',
      start: 10 + (i * 60) / 140,
      end: 10 + ((i + 1) * 60) / 140,
    }));
    const r = score({ transcript: words(140), words: timed, durationSeconds: 120 });
    expect(r.metrics.wpm).toBe(140);
    expect(r.metrics.paceSource).toBe('word-timings');
    expect(r.metrics.speakingSeconds).toBe(60);
    expect(crit(r, 'pace').score).toBe(5);
  });

  it('given no word timings, then pace falls back to the duration', () => {
    const r = score({ transcript: words(140), durationSeconds: 120 });
    expect(r.metrics.wpm).toBe(70);
    expect(r.metrics.paceSource).toBe('duration');
    expect(crit(r, 'pace').score).toBe(1);
    expect(crit(r, 'pace').tip).toContain('70 wpm');
  });

  it('given a fast speaker, then pace is penalised', () => {
    expect(crit(score({ transcript: words(200), durationSeconds: 60 }), 'pace').score).toBe(2);
    expect(crit(score({ transcript: words(170), durationSeconds: 60 }), 'pace').score).toBe(4);
  });

  it('given neither timings nor a duration, then pace is left out rather than guessed', () => {
    const r = score({ durationSeconds: 0 });
    expect(r.metrics.wpm).toBeNull();
    expect(r.criteria.some((c) => c.id === 'pace')).toBe(false);
  });

  it('given answers of different lengths, then length is scored against a 1–2 minute answer', () => {
    expect(crit(score({ transcript: words(40) }), 'length').score).toBe(1);
    expect(crit(score({ transcript: words(100) }), 'length').score).toBe(3);
    expect(crit(score({ transcript: words(200) }), 'length').score).toBe(5);
    expect(crit(score({ transcript: words(450) }), 'length').score).toBe(2);
    expect(crit(score({ transcript: words(600) }), 'length').score).toBe(1);
  });

  it('given repeated words, then topWords lists non-stop words by frequency, ties alphabetical', () => {
    const r = score({
      transcript: 'The budget, the budget and the schedule. Schedule risk. Budget again, um, risk.',
    });
    expect(r.metrics.topWords).toEqual([
      { word: 'budget', count: 3 },
      { word: 'risk', count: 2 },
      { word: 'schedule', count: 2 },
    ]);
  });
});

describe('scoreAnswer — job relevance and overall', () => {
  it('given no job key terms, then relevance is not scored', () => {
    expect(score({}).criteria.some((c) => c.id === 'relevance')).toBe(false);
  });

  it('given job key terms, then relevance counts the ones used, matching plurals', () => {
    const r = score({
      transcript: 'I wrote SQL queries and built a Tableau dashboard for the stakeholder meeting.',
      jobKeyTerms: ['SQL', { term: 'Tableau' }, 'stakeholders', 'Python', 'dbt'],
    });
    const rel = crit(r, 'relevance');
    expect(rel.score).toBe(4);
    expect(rel.evidence.map((e) => e.text)).toEqual(['SQL', 'Tableau', 'stakeholder']);
    expect(rel.tip).toContain('Python');
  });

  it('given an empty transcript, then every criterion is 1 and overall is 0', () => {
    const r = score({ transcript: '   ', durationSeconds: 30 });
    expect(r.overall).toBe(0);
    expect(r.criteria.every((c) => c.score === 1)).toBe(true);
    expect(r.metrics.wpm).toBeNull();
  });

  it('given the criteria weights, then they sum to 100 and overall is the documented weighted mean', () => {
    expect(Object.values(RUBRIC_CRITERIA).reduce((s, c) => s + c.weight, 0)).toBe(100);
    const r = score({ transcript: RAMBLING, durationSeconds: 40 });
    const w = r.criteria.reduce((s, c) => s + c.weight, 0);
    const credit = r.metrics.deliveryCredit;
    const expected = Math.round(
      (100 *
        r.criteria.reduce(
          (s, c) => s + (c.weight * (DELIVERY_CRITERIA.has(c.id) ? credit : 1) * (c.score - 1)) / 4,
          0,
        )) /
        w,
    );
    expect(r.overall).toBe(expected);
    const sub = crit(r, 'substance').score;
    expect(credit).toBe(r.metrics.stuffing.length > 0 ? 0 : DELIVERY_CREDIT[sub]);
  });

  it('given every criterion, then it carries anchors for 1, 3 and 5, a reason and a tip', () => {
    for (const c of score({ jobKeyTerms: ['SQL'] }).criteria) {
      expect(c.anchors[1].length).toBeGreaterThan(10);
      expect(c.anchors[3].length).toBeGreaterThan(10);
      expect(c.anchors[5].length).toBeGreaterThan(10);
      expect(c.reason.length).toBeGreaterThan(10);
      expect(c.tip.length).toBeGreaterThan(20);
    }
  });

  it('given untrusted input, then the zod schema accepts valid and rejects invalid timings', () => {
    expect(
      scoreAnswerInputSchema.safeParse({ transcript: 'x', durationSeconds: 1, question: teamworkQ }).success,
    ).toBe(true);
    expect(
      scoreAnswerInputSchema.safeParse({
        transcript: 'x',
        durationSeconds: 1,
        question: teamworkQ,
        words: [{ word: 'x', start: 2, end: 1 }],
      }).success,
    ).toBe(false);
  });
});
