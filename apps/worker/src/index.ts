export * from './env.js';
export * from './worker.js';
export * from './transport/port.js';
export * from './transport/process.js';
export * from './transport/embedded.js';
export * from './transport/kafka.js';
export * from './handlers/diagnostics.js';
export * from './handlers/practice.js';
export type { Transcript, TranscriptionEngine } from './speech/port.js';
