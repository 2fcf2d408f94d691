/** Practice: one use case per file (docs/architecture.md, code map). */
export {
  CANDIDATE,
  CONSENT_REQUIRED_MESSAGE,
  DURATION_GRACE_SECONDS,
  MAX_RECORDING_BYTES,
  MIN_DURATION_SECONDS,
  RESTRICTED_MESSAGE,
  speechStatus,
  TRANSCRIPTION_UNAVAILABLE_MESSAGE,
  VERIFY_FIRST_MESSAGE,
  type Actor,
} from './access.js';
export { tracks } from './tracks.js';
export { startSession, startInput, JOB_DESCRIPTION_MIN, type StartInput } from './start-session.js';
export { getSession, sessionInput } from './get-session.js';
export {
  getRecording,
  recordingInput,
  type CriterionFeedback,
  type RecordingDetail,
} from './get-recording.js';
export { getHistory, getTrial, trialOf, type Progress, type Trial } from './get-history.js';
export { getRestriction, setRestriction, restrictionInput } from './restriction.js';
export { uploadAnswer, type AnswerUpload } from './upload-answer.js';
export {
  handleRecordingUpload,
  readLimited,
  uploadQuery,
  type UploadBody,
  type UploadRequest,
  type UploadResponse,
} from './upload-http.js';
export type { RecordingStatus, RecordingSummary, SessionQuestion } from './views.js';
export { sniffAudio, type SniffResult, type SniffedContainer } from './sniff.js';
export { redactJobQuestions, revealQuestion } from '@tia/domain';
