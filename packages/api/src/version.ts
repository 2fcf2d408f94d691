import pkg from '../package.json';

export const APP_VERSION: string = pkg.version;
/** Version of the privacy notice / terms currently in force (placeholder until policies are versioned in the DB). */
export const POLICY_VERSION = '2026-11-30';
