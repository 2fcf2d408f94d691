import { z } from 'zod';

/**
 * The compliance registers (P09, P10, P23, P40–P42): records of processing (GDPR Art. 30(1)(a)–(g)), DPIAs,
 * processors and disclosures. One source: the checked-in defaults below, then officers' edits as events
 * (`RegisterEntrySaved` / `RegisterEntryRemoved`), projected into `rm_register_entries`.
 */

const line = (max: number) => z.string().trim().min(1).max(max);
const day = z.iso.date();
const list = (max: number) => z.array(line(300)).min(1).max(max);

export const ProcessingRecord = z
  .object({
    /** (b) purpose of the processing */
    name: line(200),
    purposes: line(2000),
    /** (a) controller (and representative) and DPO contact */
    controller: line(500),
    dpoContact: line(300),
    /** Art. 6 basis (not required by Art. 30, but what the privacy center shows next to the purpose) */
    legalBasis: line(300),
    /** (c) categories of data subjects and of personal data */
    subjectCategories: list(20),
    dataCategories: list(30),
    /** (d) categories of recipients */
    recipients: list(20),
    /** (e) transfers to third countries and their safeguards (P23); empty when none */
    transfers: z.array(z.object({ country: line(100), safeguard: line(500) }).strict()).max(20),
    /** (f) envisaged time limits for erasure; `{retention:<id>}` names a period of the retention configuration */
    retention: line(1000),
    /** (g) technical and organisational security measures */
    securityMeasures: line(2000),
  })
  .strict();
export type ProcessingRecord = z.infer<typeof ProcessingRecord>;

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export const RiskLevel = z.enum(RISK_LEVELS);

export const Dpia = z
  .object({
    title: line(200),
    /** The record of processing it assesses (entry id in `processing`) */
    processingId: line(100),
    risks: list(30),
    safeguards: list(30),
    residualRisk: RiskLevel,
    reviewedOn: day,
    nextReviewOn: day,
  })
  .strict();
export type Dpia = z.infer<typeof Dpia>;

export const PROCESSOR_STATUSES = ['active', 'suspended', 'terminated'] as const;
export const Processor = z
  .object({
    name: line(200),
    purpose: line(1000),
    dataShared: list(20),
    /**
     * Base URLs (scheme, host, port) the worker may send data to on this processor's behalf. The worker refuses
     * to call a configured endpoint (Whisper, LLM) no active entry lists.
     */
    endpoints: z.array(z.url({ protocol: /^https?$/ }).max(500)).max(10),
    location: line(200),
    dpaSignedOn: day.nullable(),
    lastAuditOn: day.nullable(),
    status: z.enum(PROCESSOR_STATUSES),
  })
  .strict();
export type Processor = z.infer<typeof Processor>;

export const Disclosure = z
  .object({
    recipient: line(300),
    kind: z.enum(['authority', 'business_transfer', 'legal_claim', 'other']),
    legalBasis: line(1000),
    dataDisclosed: list(20),
    approxSubjects: z.number().int().min(0).max(1_000_000_000),
    disclosedOn: day,
    reference: line(300),
  })
  .strict();
export type Disclosure = z.infer<typeof Disclosure>;

export const REGISTER_SCHEMAS = {
  processing: ProcessingRecord,
  dpia: Dpia,
  processor: Processor,
  disclosure: Disclosure,
} as const;
export type RegisterName = keyof typeof REGISTER_SCHEMAS;
export const REGISTER_NAMES = Object.keys(REGISTER_SCHEMAS) as [RegisterName, ...RegisterName[]];
export const RegisterNameSchema = z.enum(REGISTER_NAMES);

export type RegisterFields = { [K in RegisterName]: z.infer<(typeof REGISTER_SCHEMAS)[K]> };

export const EntryId = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and - only');

/** One entry of any register, as stored in an event and in the read model. */
export const RegisterEntry = z.discriminatedUnion('register', [
  z.object({ register: z.literal('processing'), entryId: EntryId, fields: ProcessingRecord }),
  z.object({ register: z.literal('dpia'), entryId: EntryId, fields: Dpia }),
  z.object({ register: z.literal('processor'), entryId: EntryId, fields: Processor }),
  z.object({ register: z.literal('disclosure'), entryId: EntryId, fields: Disclosure }),
]);
export type RegisterEntry = z.infer<typeof RegisterEntry>;

/** A DPIA whose next review date has passed. */
export const dpiaOverdue = (d: Dpia, today: string): boolean => d.nextReviewOn < today;

/** Scheme + host + port of a URL, the unit a processor entry covers. */
export const originOf = (url: string): string => new URL(url).origin;

/** Whether an active processor entry lists the origin of `url`. */
export const processorCovers = (processors: readonly Processor[], url: string): boolean => {
  const origin = originOf(url);
  return processors.some((p) => p.status === 'active' && p.endpoints.some((e) => originOf(e) === origin));
};

const CONTROLLER = 'TrueInterviewAI (controller) — privacy@trueinterview.example';
const DPO = 'Data protection officer — dpo@trueinterview.example';
const SECURITY =
  'Personal fields encrypted per person (crypto-shredding on erasure); passwords hashed (argon2id); staff roles with two-factor sign-in and periodic access reviews; append-only audit log with signed checkpoints; CSP and CSRF protection.';

/** The checked-in starting point of the registers (officers' edits override or remove these by id). */
export const DEFAULT_REGISTER: readonly RegisterEntry[] = [
  {
    register: 'processing',
    entryId: 'accounts',
    fields: {
      name: 'Accounts and sign-in',
      purposes: 'Create and run your account, sign you in securely and write to you about your account.',
      controller: CONTROLLER,
      dpoContact: DPO,
      legalBasis: 'Contract (Art. 6(1)(b))',
      subjectCategories: ['Candidates', 'Staff'],
      dataCategories: [
        'Name',
        'Email address',
        'Date of birth (age check)',
        'Google profile (if used)',
        'Sign-in times',
      ],
      recipients: ['Email delivery provider (processor)'],
      transfers: [],
      retention: 'Account data: {retention:account} Sign-in technical data: {retention:technical}',
      securityMeasures: SECURITY,
    },
  },
  {
    register: 'processing',
    entryId: 'practice-feedback',
    fields: {
      name: 'Interview practice and feedback',
      purposes: 'Transcribe your recorded answers and give feedback on them.',
      controller: CONTROLLER,
      dpoContact: DPO,
      legalBasis: 'Consent (Art. 6(1)(a)) for recordings; contract for feedback',
      subjectCategories: ['Candidates'],
      dataCategories: ['Audio of answers (deleted once transcribed)', 'Transcripts', 'Scores and feedback'],
      recipients: [
        'Speech recognition service (processor, when configured)',
        'Language model service (processor, when configured)',
      ],
      transfers: [],
      retention: 'Audio: {retention:audio} Transcripts, scores and feedback: {retention:practice}',
      securityMeasures: SECURITY,
    },
  },
  {
    register: 'processing',
    entryId: 'service-improvement',
    fields: {
      name: 'Service improvement statistics',
      purposes: 'Improve the service from aggregate, anonymised statistics.',
      controller: CONTROLLER,
      dpoContact: DPO,
      legalBasis: 'Legitimate interest (Art. 6(1)(f)); you can object',
      subjectCategories: ['Candidates who did not object'],
      dataCategories: ['Answer scores', 'Usage events'],
      recipients: ['Staff analysts (aggregates only)'],
      transfers: [],
      retention: 'Aggregates only; individual data follows the practice retention.',
      securityMeasures: SECURITY,
    },
  },
  {
    register: 'processing',
    entryId: 'security-compliance',
    fields: {
      name: 'Security and legal compliance',
      purposes: 'Detect attacks, keep an audit trail, answer legal requests and handle breaches.',
      controller: CONTROLLER,
      dpoContact: DPO,
      legalBasis: 'Legal obligation (Art. 6(1)(c)) and legitimate interest (Art. 6(1)(f))',
      subjectCategories: ['Candidates', 'Staff'],
      dataCategories: ['Truncated IP addresses', 'Browser family', 'Audit events'],
      recipients: ['Supervisory authority (breach reports)', 'Authorities with a legal order'],
      transfers: [],
      retention:
        'Technical data: {retention:technical} Audit events: for the life of the service (personal fields erased with you).',
      securityMeasures: SECURITY,
    },
  },
  {
    register: 'dpia',
    entryId: 'voice-recordings',
    fields: {
      title: 'Voice recordings and automated feedback',
      processingId: 'practice-feedback',
      risks: [
        'Voice is biometric-like data',
        'Transcripts may reveal sensitive details',
        'Automated scores may be unfair',
      ],
      safeguards: [
        'Audio deleted in the same transaction that stores the transcript',
        'Per-person encryption keys, destroyed on erasure',
        'Model grades only accepted with verbatim quotes; rubric fallback',
      ],
      residualRisk: 'low',
      reviewedOn: '2026-11-30',
      nextReviewOn: '2027-05-30',
    },
  },
  {
    register: 'processor',
    entryId: 'speech-recognition',
    fields: {
      name: 'Speech recognition service (Whisper-compatible)',
      purpose: 'Transcribe recorded answers when the worker is configured with WHISPER_URL.',
      dataShared: ['Audio of one answer (no name, email or ids)'],
      endpoints: [],
      location: 'To be set with the endpoint',
      dpaSignedOn: null,
      lastAuditOn: null,
      status: 'suspended',
    },
  },
  {
    register: 'processor',
    entryId: 'language-model',
    fields: {
      name: 'Language model service (OpenAI-compatible)',
      purpose: 'Grade answers and write tips when the worker is configured with LLM_BASE_URL.',
      dataShared: ['Question, rubric and transcript of one answer (no name, email or ids)'],
      endpoints: [],
      location: 'To be set with the endpoint',
      dpaSignedOn: null,
      lastAuditOn: null,
      status: 'suspended',
    },
  },
];
