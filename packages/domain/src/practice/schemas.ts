/**
 * zod schemas for the inputs of the practice module, for the API layer to
 * validate untrusted input before calling the pure functions.
 */
import { z } from 'zod';
import { BANK_TRACKS, COMPETENCY_IDS, TRACKS } from './competencies';
import { QUESTION_KINDS } from './questions';

export const seedSchema = z.union([z.number().int().finite(), z.string().min(1).max(200)]);

export const questionSchema = z.object({
  id: z.string().min(1).max(200),
  track: z.enum(TRACKS),
  competency: z.enum(COMPETENCY_IDS),
  kind: z.enum(QUESTION_KINDS),
  text: z.string().min(1).max(2000),
  strongAnswerShows: z.array(z.string().max(500)).max(20),
  expectsStar: z.boolean(),
});

export const pickQuestionsInputSchema = z.object({
  track: z.enum(BANK_TRACKS),
  count: z.number().int().min(0).max(100),
  seed: seedSchema,
  competency: z.enum(COMPETENCY_IDS).optional(),
});

export const generateJobQuestionsInputSchema = z.object({
  jobTitle: z.string().trim().min(1).max(200),
  jobDescription: z.string().max(50_000),
  count: z.number().int().min(0).max(40),
  seed: seedSchema,
});

export const wordTimingSchema = z
  .object({
    word: z.string().max(200),
    start: z.number().finite().min(0),
    end: z.number().finite().min(0),
  })
  .refine((w) => w.end >= w.start, { message: 'end must not be before start' });

export const scoreAnswerInputSchema = z.object({
  transcript: z.string().max(50_000),
  words: z.array(wordTimingSchema).max(20_000).optional(),
  durationSeconds: z.number().finite().min(0).max(3600),
  question: z.object({
    id: z.string().optional(),
    text: z.string().optional(),
    competency: z.enum(COMPETENCY_IDS),
    expectsStar: z.boolean(),
  }),
  jobKeyTerms: z
    .array(z.union([z.string().min(1).max(200), z.object({ term: z.string().min(1).max(200) })]))
    .max(50)
    .optional(),
});
