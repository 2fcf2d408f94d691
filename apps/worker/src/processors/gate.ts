import { loadProcessors, type Queryable } from '@tia/db';
import { registers } from '@tia/domain';
import type { ModelGrader } from '../feedback/grader.js';
import type { FeedbackEnricher } from '../feedback/llm.js';
import { TransientTranscriptionError, type TranscriptionEngine } from '../speech/port.js';

/**
 * Processor gating (P09, P42): the worker sends data to a configured remote service (Whisper, language
 * model) only while an active entry of the processor register lists that endpoint. Checked before every
 * call, so suspending or terminating a processor in the console stops the next call.
 */
export class ProcessorNotCovered extends Error {
  override name = 'ProcessorNotCovered';
  constructor(readonly origin: string) {
    super(
      `No active processor entry covers ${origin}: nothing was sent. Add or activate it in the processor register (/compliance/registers).`,
    );
  }
}

export const assertProcessorCovers = async (db: Queryable, url: string): Promise<void> => {
  if (!registers.processorCovers(await loadProcessors(db), url))
    throw new ProcessorNotCovered(registers.originOf(url));
};

/**
 * The engine, refusing to transcribe while its endpoint is not covered. The refusal is transient: the audio
 * waits (within its retention limit) and goes through once an officer records the processor.
 */
export const gateEngine = (engine: TranscriptionEngine, db: Queryable, url: string): TranscriptionEngine => ({
  name: engine.name,
  model: engine.model,
  check: () => engine.check(),
  async transcribe(wav, opts) {
    try {
      await assertProcessorCovers(db, url);
    } catch (e) {
      if (e instanceof ProcessorNotCovered) throw new TransientTranscriptionError(e.message);
      throw e;
    }
    return engine.transcribe(wav, opts);
  },
});

/** The model grader, refusing while its endpoint is not covered (feedback then falls back to the rubric). */
export const gateGrader = (grader: ModelGrader, db: Queryable, url: string): ModelGrader => ({
  model: grader.model,
  async grade(req, opts) {
    await assertProcessorCovers(db, url);
    return grader.grade(req, opts);
  },
});

export const gateEnricher = (enricher: FeedbackEnricher, db: Queryable, url: string): FeedbackEnricher => ({
  model: enricher.model,
  async enrich(input, opts) {
    await assertProcessorCovers(db, url);
    return enricher.enrich(input, opts);
  },
});
