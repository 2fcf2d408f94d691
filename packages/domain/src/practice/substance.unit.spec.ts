import { describe, expect, it } from 'vitest';
import { getQuestionById } from './questions';
import { scoreAnswer, type AnswerScore, type CriterionId } from './rubric';

const q = getQuestionById('cb-teamwork-02');
if (q === undefined) throw new Error('fixture question missing');

const score = (transcript: string): AnswerScore =>
  scoreAnswer({ transcript, durationSeconds: 0, question: q });
const crit = (s: AnswerScore, id: CriterionId) => {
  const c = s.criteria.find((x) => x.id === id);
  if (c === undefined) throw new Error(`criterion ${id} missing`);
  return c;
};
/** What the offline engine writes: lower case, no punctuation. */
const spoken = (t: string): string =>
  t
    .toLowerCase()
    .replace(/[^\p{L}\p{N}%'\s-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The answer class of issue 13: STAR cue words and percentages with no story (scored 75 on the old rubric). */
const GAMED = [
  'Situation: the project was behind. Task: my task was to fix it. Action: I led, I organised, I decided, I coordinated, I delegated, I prioritised. Result: as a result, 40%, 25%, 3 weeks, 100%. I achieved, I improved, I increased, I reduced. Teamwork, collaboration, alignment, trust.',
  'I led, I organised, I decided, I communicated, I supported, I delivered. As a result 40% 25% 60% 90%. Outcome achieved, results achieved, impact achieved.',
  'When I was working in my previous role the project was behind. I led the team and I organised the team and I led the team again. As a result we improved by 50% and increased by 30%. As a result we improved by 50% and increased by 30%. Teamwork and collaboration and trust.',
];
/** Honest but vague answers: a real attempt, no specifics. */
const HONEST_VAGUE = [
  'We had a project once that was behind schedule. It was a difficult time for everyone. We talked about it as a team and decided to work harder and communicate better. Everybody did their part and we supported each other. In the end it went well and the client was happy with what we delivered.',
  'At my last job our website redesign was late because the content was not ready. I wrote some of the pages myself and asked my manager for an extra week. It was fine in the end.',
];

describe('substance: cue words count only with content', () => {
  it('given the gamed answer class, then every gamed answer scores below every honest vague answer', () => {
    const gamed = GAMED.map((t) => score(t).overall);
    const honest = HONEST_VAGUE.map((t) => score(t).overall);
    expect(Math.max(...gamed)).toBeLessThan(Math.min(...honest));
    // and the same on the speech engine's unpunctuated, lower-case form of the same answers
    const gamedSpoken = GAMED.map((t) => score(spoken(t)).overall);
    const honestSpoken = HONEST_VAGUE.map((t) => score(spoken(t)).overall);
    expect(Math.max(...gamedSpoken)).toBeLessThan(Math.min(...honestSpoken));
  });

  it('given cue-word stuffing, then STAR, result, ownership and substance are 1 and the reason says why', () => {
    const s = score(GAMED[0] ?? '');
    for (const id of ['star', 'result', 'ownership', 'competency', 'substance'] as const)
      expect(crit(s, id).score).toBe(1);
    expect(s.metrics.stuffing.length).toBeGreaterThan(0);
    expect(crit(s, 'substance').reason).toMatch(/cue words|numbers|no object/);
    expect(s.metrics.deliveryCredit).toBe(0);
  });

  it('given "I led," with no object, then it is not an action; "I rebuilt the rota" is', () => {
    const bare = score('I led, I organised, I decided.');
    expect(bare.metrics.iActions).toBe(0);
    const real = score('I rebuilt the night-shift rota and I called the agency nurses.');
    expect(real.metrics.iActions).toBe(2);
    expect(crit(real, 'ownership').evidence.map((e) => e.text)).toEqual([
      'I rebuilt the night-shift',
      'I called the agency',
    ]);
  });

  it('given numbers with and without a referent, then only the measured change counts', () => {
    const s = score(
      'In 2022 I ran the returns desk at a furniture shop in Leeds. I rewrote the returns form. As a result, refund errors fell by 30% and complaints halved within two months.',
    );
    const measures = crit(s, 'result')
      .evidence.filter((e) => e.label === 'measure')
      .map((e) => e.text);
    expect(measures).toContain('errors fell by 30%');
    const listed = score('I rewrote the returns form. As a result: 30%, 45%, 12%, 80%.');
    expect(listed.metrics.unattachedNumbers).toBe(4);
    expect(crit(listed, 'result').score).toBeLessThanOrEqual(1);
  });

  it('given the same words over and over, then it is read as repetition', () => {
    const s = score(
      'I collaborated with the donor. I collaborated with the donor. I collaborated with the donor. I collaborated with the donor. I built trust and I built trust and I built trust.',
    );
    expect(s.metrics.stuffing.join(' ')).toMatch(/repeated|again and again/);
    expect(crit(s, 'substance').score).toBe(1);
  });

  it('given a filler-heavy but real story, then fillers between subject, verb and object do not hide the action', () => {
    const s = score(
      'So, um, I, uh, I kind of rebuilt, like, the whole schedule, you know, and I, um, called the printer.',
    );
    expect(s.metrics.iActions).toBe(2);
  });

  it('given any answer, then every evidence span is the exact transcript slice and says what its label claims', () => {
    for (const t of [...GAMED, ...HONEST_VAGUE]) {
      const s = score(t);
      for (const c of s.criteria)
        for (const e of c.evidence) {
          expect(t.slice(e.start, e.end)).toBe(e.text);
          if (e.label === 'Action' || e.label === 'action + object')
            expect(e.text.split(/\s+/).length).toBeGreaterThanOrEqual(3);
          if (e.label === 'measure') expect(e.text).toMatch(/\d|percent|half|doubled|tripled|halved/i);
        }
    }
  });
});
