import { describe, expect, it } from 'vitest';
import { annotateTranscript } from './annotate';

const tags = (text: string): string[] =>
  annotateTranscript(text).map((a) => `${a.kind}:${a.text}@${a.start}`);

describe('annotateTranscript', () => {
  it('given "I like teamwork", then nothing is tagged', () => {
    expect(annotateTranscript('I like teamwork and I would like to lead.')).toEqual([]);
  });

  it('given "like" as a comparison or preposition, then it is not a filler', () => {
    expect(tags('It looks like the tools like SQL were something like a safety net.')).toEqual([]);
  });

  it('given "like" between commas, then it is a filler with exact offsets', () => {
    const text = 'It was, like, really hard.';
    expect(annotateTranscript(text)).toEqual([
      { kind: 'filler', label: 'like', text: 'like', start: 8, end: 12 },
    ]);
  });

  it('given "like" as an approximator or before an intensifier, then it is a filler', () => {
    expect(tags('It took like three weeks and it was like really slow.')).toEqual([
      'filler:like@8',
      'filler:like@36',
    ]);
  });

  it('given vocal fillers, then each is tagged where it occurs', () => {
    expect(tags('Um, we shipped it. Uh, then erm we stopped.')).toEqual([
      'filler:Um@0',
      'filler:Uh@19',
      'filler:erm@28',
    ]);
  });

  it('given "you know" as padding, then it is a filler, but not as a verb', () => {
    expect(tags('We were, you know, late.')).toEqual(['filler:you know@9']);
    expect(tags('Do you know the team? As you know, it was late. Make sure you know what to do.')).toEqual(
      [],
    );
  });

  it('given "kind of" after a determiner, then it is a noun phrase; otherwise a hedge', () => {
    expect(tags('What kind of problem was it?')).toEqual([]);
    expect(tags('It was kind of hard.')).toEqual(['hedge:kind of@7']);
  });

  it('given overlapping hedges, then the longest phrase wins once', () => {
    expect(annotateTranscript('I think maybe we should.')).toEqual([
      { kind: 'hedge', label: 'I think maybe', text: 'I think maybe', start: 0, end: 13 },
    ]);
  });

  it('given "I mean" with a comma, then it is a filler; "what I mean" is not', () => {
    expect(tags('I mean, it worked. That is what I mean.')).toEqual(['filler:I mean@0']);
  });

  it('given any transcript, then every span quotes the transcript exactly', () => {
    const text =
      'So, um, basically I guess we sort of, you know, probably finished it, like, on time or something.';
    const spans = annotateTranscript(text);
    expect(spans.map((s) => s.label)).toEqual([
      'um',
      'basically',
      'I guess',
      'sort of',
      'you know',
      'probably',
      'like',
      'or something',
    ]);
    for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.text);
  });
});
