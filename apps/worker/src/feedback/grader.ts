import {
  MODEL_GRADES_RESPONSE_FORMAT,
  MODEL_GRADING_SYSTEM_PROMPT,
  ModelGrades,
  verifyModelGrades,
  type ModelGradingRequest,
  type VerifiedModelGrades,
} from '@tia/domain';
import { createChatJson, type EnricherOptions, type LlmEnv } from './llm.js';

/** Grades the content criteria of an answer with a language model, against the rubric's anchors. */
export interface ModelGrader {
  readonly model: string;
  /**
   * The model's verified grades: a grade whose quotes are not verbatim in the transcript is refused (listed
   * in `refused`, never used). Throws on transport errors or output that does not match the schema.
   */
  grade(req: ModelGradingRequest, opts?: { signal?: AbortSignal }): Promise<VerifiedModelGrades>;
}

/**
 * What is sent, and nothing else: the question, the competency's name and description, the job's key terms
 * (job track), the transcript and the criteria with their anchors. Never the candidate's name, email or ids.
 */
export const gradingMessage = (req: ModelGradingRequest): string =>
  JSON.stringify({
    question: req.question,
    competency: req.competency,
    jobKeyTerms: req.jobKeyTerms,
    criteria: req.criteria,
    transcript: req.transcript,
  });

/** The model grader configured by the env (same endpoint and model as the tips), or null without LLM_BASE_URL. */
export const createModelGrader = (env: LlmEnv, o: EnricherOptions = {}): ModelGrader | null => {
  const chat = createChatJson(env, o);
  if (!chat) return null;
  return {
    model: chat.model,
    async grade(req, opts = {}) {
      const grades = await chat.complete(
        {
          system: MODEL_GRADING_SYSTEM_PROMPT,
          user: gradingMessage(req),
          responseFormat: MODEL_GRADES_RESPONSE_FORMAT,
          schema: ModelGrades,
          what: 'criterion grades',
        },
        opts,
      );
      return verifyModelGrades(
        req.transcript,
        req.criteria.map((c) => c.id),
        grades,
      );
    },
  };
};
