import type { ALL_EVENTS } from './catalog.js';

/**
 * What each use case records (P06: usage data is the event log). Every event type must belong to exactly
 * one use case, so the privacy notice's "what we record when you…" stays true as the catalogue grows.
 */
export const USAGE_RECORD = {
  'create an account': ['AccountRegistered'],
  'give or withdraw consent': ['ConsentGiven', 'ConsentWithdrawn'],
  'contact us / complaints': ['NoteRecorded'],
  'erase my data': ['SubjectErased'],
  'keep data only as long as necessary': [
    'TechnicalDataExpired',
    'RetentionExpired',
    'InactivityWarningSent',
    'RetentionRunCompleted',
  ],
  'verify my email, sign in and out, change or reset my password': [
    'EmailVerificationSent',
    'EmailVerified',
    'PasswordChanged',
    'PasswordResetRequested',
    'SignedIn',
    'SignInFailed',
    'SignedOut',
    'SessionsRevoked',
  ],
  'free trial': ['TrialGranted'],
  'protect accounts from attacks (repeated failed sign-ins)': ['SecurityAlertRaised'],
  'staff roles and access reviews': ['RoleGranted', 'RoleRevoked', 'AccessReviewed'],
  'compliance officers consult the audit trail': ['AuditTrailConsulted'],
  'two-factor authentication': ['MfaEnrolled', 'MfaRecoveryCodeUsed'],
  'sign in with Google': ['GoogleAccountLinked'],
  'practise interview answers': ['PracticeSessionStarted', 'RecordingUploaded'],
  'transcribe an answer and delete its audio': [
    'TranscriptProduced',
    'AudioDeleted',
    'TranscriptionFailed',
    'RecordingProcessingSkipped',
  ],
  'score an answer and give feedback': ['FeedbackScored', 'FeedbackSkipped'],
  'restrict processing of my data': ['ProcessingRestricted', 'ProcessingRestrictionLifted'],
  'object to analytics and service improvement': ['ProcessingObjected', 'ObjectionWithdrawn'],
  'choose which cookies to allow': ['CookieConsentRecorded'],
  'publish privacy notice revisions, acknowledge and announce significant changes': [
    'PolicyRevisionPublished',
    'PolicyRevisionAccepted',
    'PolicyChangeNoticeSent',
  ],
  'analyst queries of anonymised aggregates': ['AnalyticsQueried'],
  'privacy requests and their due dates': [
    'PrivacyRequestReceived',
    'PrivacyRequestCompleted',
    'PrivacyRequestRefused',
  ],
  'lodge a complaint': ['ComplaintLodged'],
  'download a copy of my data': [
    'DataExportRequested',
    'DataExportPrepared',
    'DataExportDownloaded',
    'DataExportDeleted',
  ],
  'delete one answer or practice session': ['AnswerDeleted', 'PracticeSessionDeleted'],
  'correct my name or email': ['NameCorrected', 'EmailChangeRequested', 'EmailChanged'],
  'respond to a personal data breach (contain, assess, notify, report, close)': [
    'BreachRegistered',
    'BreachContained',
    'BreachAffectedAssessed',
    'BreachNoticeWorded',
    'BreachNoticeSent',
    'BreachAuthorityReported',
    'BreachRemediationNoted',
    'BreachClosed',
    'AccountSuspended',
    'AccountSuspensionLifted',
  ],
  'keep the compliance registers (processing, DPIAs, processors, disclosures)': [
    'RegisterEntrySaved',
    'RegisterEntryRemoved',
  ],
  'monitor dependencies for known vulnerabilities': ['DependencyAuditRecorded'],
  'operate the service (no personal data)': ['DiagnosticPinged'],
} as const satisfies Record<string, readonly (typeof ALL_EVENTS)[number]['type'][]>;
