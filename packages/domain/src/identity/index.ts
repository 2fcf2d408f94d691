export * from './account.js';
export * from './age.js';
export * from './email.js';
export * from './password-policy.js';
