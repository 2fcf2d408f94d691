/**
 * Interview practice: question banks (competency-based, World Bank YPP),
 * job-specific question generation and the answer rubric engine.
 */
export * from './competencies';
export * from './questions';
export * from './pick';
export * from './job-questions';
export * from './annotate';
export * from './rubric';
export * from './model-grading';
export { analyseSubstance, GENERIC_WORDS, type SubstanceAnalysis } from './substance';
export * from './schemas';
export * from './job-redaction';
export { createRng, hashString, mulberry32, shuffle, type Seed } from './prng';
export type { Span } from './text';
