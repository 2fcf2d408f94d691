export * from './events/pii.js';
export * from './events/registry.js';
export * from './events/catalog.js';
export * from './events/usage.js';
export * as consent from './consent/consent.js';
export * from './practice/index.js';
