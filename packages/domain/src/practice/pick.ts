import type { BankTrack, CompetencyId } from './competencies';
import { createRng, shuffle, type Seed } from './prng';
import { QUESTION_BANKS, competenciesOf, type Question } from './questions';

export interface PickQuestionsInput {
  readonly track: BankTrack;
  /** How many questions; clamped to the number available (never repeats). */
  readonly count: number;
  readonly seed: Seed;
  /** Restrict to one competency of the track. */
  readonly competency?: CompetencyId;
}

/**
 * Deterministic selection without repeats. Each competency's questions are
 * shuffled with the seed, the competency order is shuffled too, then questions
 * are taken round-robin so that a set of N questions covers min(N, #competencies)
 * different competencies.
 */
export function pickQuestions(input: PickQuestionsInput): Question[] {
  const { track, seed, competency } = input;
  if (!Number.isInteger(input.count) || input.count < 0) {
    throw new RangeError(`count must be a non-negative integer, got ${input.count}`);
  }
  const bank = QUESTION_BANKS[track];
  const competencies =
    competency === undefined ? competenciesOf(track) : competenciesOf(track).filter((c) => c === competency);
  if (competency !== undefined && competencies.length === 0) {
    throw new RangeError(`competency ${competency} is not part of track ${track}`);
  }
  const rng = createRng(seed);
  const order = shuffle(competencies, rng);
  const queues = order.map((c) =>
    shuffle(
      bank.filter((q) => q.competency === c),
      rng,
    ),
  );
  const total = queues.reduce((n, q) => n + q.length, 0);
  const count = Math.min(input.count, total);
  const out: Question[] = [];
  for (let round = 0; out.length < count; round++) {
    for (const queue of queues) {
      const q = queue[round];
      if (q !== undefined && out.length < count) out.push(q);
    }
  }
  return out;
}
