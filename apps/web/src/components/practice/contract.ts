/**
 * Names for the `practice` router's outputs (docs/practice.md), taken from `AppRouter` so they follow the
 * server. Type-only: nothing here ends up in the browser bundle.
 */
import type { AppRouter } from '@tia/api';
import type { inferRouterOutputs } from '@trpc/server';

type Out = inferRouterOutputs<AppRouter>['practice'];

export type RecordingDetail = Out['recording'];
export type RecordingSummary = Out['history']['answers'][number];
export type RecordingStatus = RecordingSummary['status'];
export type HistoryView = Out['history'];
export type SessionView = Out['session'];
type Feedback = NonNullable<RecordingDetail['feedback']>;
export type CriterionResult = Feedback['criteria'][number];
export type Annotation = Feedback['annotations'][number];

/** `feedback.metrics` is an open record on the wire; these are the fields the rubric writes (AnswerMetrics). */
export interface Metrics {
  wordCount?: number;
  wpm?: number | null;
  paceSource?: string;
  speakingSeconds?: number | null;
  fillerCount?: number;
  fillerPer100?: number;
  hedges?: number;
  hedgesPer100?: number;
  iActions?: number;
  weActions?: number;
  topWords?: { word: string; count: number }[];
}
