export * from './catalog.js';
export * from './suppression.js';
export * from './noise.js';
export * as budget from './budget.js';
export * from './release.js';
