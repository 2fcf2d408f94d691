export * from './merkle.js';
export * from './digest.js';
export * from './checkpoint.js';
export * from './log.js';
export * from './mirror.js';
