export * from './merkle.js';
export * from './digest.js';
export * from './checkpoint.js';
export * from './log.js';
export * from './mirror.js';
export * from './s3-anchor.js';
export { refineS3AnchorEnv, s3AnchorEnvSchema, s3AnchorStoreFromEnv, type S3AnchorEnv } from './env.js';
