import type { PracticeQuestion } from '../events/practice.js';

/**
 * Job-track questions are made from what the candidate typed: their texts quote the job title and key terms
 * from the description. Those stay encrypted (the PII fields of `PracticeSessionStarted`); the plain `questions`
 * of the event and of `rm_practice_sessions` carry placeholders instead — `{{title}}` and `{{term:<i>}}` (index
 * into the event's `keyTerms`) — and neutral ids (`job-1`, `job-2`, …: the generated ones contain a term).
 * `revealQuestion` puts the words back (lossless: one pass each way, longest match first).
 */
export const redactJobQuestions = (
  questions: readonly PracticeQuestion[],
  pii: { jobTitle: string; keyTerms: readonly string[] },
): PracticeQuestion[] => {
  const tokens = new Map<string, string>();
  pii.keyTerms.forEach((t, i) => {
    if (t.trim() !== '' && !tokens.has(t)) tokens.set(t, `{{term:${i}}}`);
  });
  if (pii.jobTitle.trim() !== '') tokens.set(pii.jobTitle, '{{title}}');
  const alternatives = [...tokens.keys()]
    .sort((x, y) => y.length - x.length)
    .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'g') : null;
  const redact = (text: string) => (pattern ? text.replace(pattern, (m) => tokens.get(m) ?? m) : text);
  return questions.map((q, i) => ({
    ...q,
    id: `job-${i + 1}`,
    text: redact(q.text),
    strongAnswerShows: q.strongAnswerShows.map(redact),
  }));
};

/** A stored question with the job title and key terms (decrypted from the session's event) put back. */
export const revealQuestion = (
  q: PracticeQuestion,
  pii: { jobTitle: string | null; keyTerms: readonly string[] },
): PracticeQuestion => {
  const reveal = (text: string) =>
    text.replace(/\{\{(title|term:(\d+))\}\}/g, (_m: string, what: string, index: string | undefined) =>
      what === 'title' ? (pii.jobTitle ?? 'this role') : (pii.keyTerms[Number(index)] ?? 'this skill'),
    );
  return { ...q, text: reveal(q.text), strongAnswerShows: q.strongAnswerShows.map(reveal) };
};
