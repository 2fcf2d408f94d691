/**
 * The right of access and to data portability (P44): a ZIP of everything held about one person — profile,
 * consents, practice sessions and their questions, answers with transcripts, scores and feedback, privacy
 * requests (complaints and reports of a minor among them), policy acknowledgements, cookie choices, sign-ins and
 * open sign-in sessions, and every event about them (decrypted) — as JSON (schema `tia-export/2`, docs/data-export.md) and
 * CSV. The worker builds it (`buildExportArchive`, no transaction open, progress written as it goes), stores it
 * encrypted under the person's key (`storeExportArchive`), and it can be downloaded once
 * (`takeExportArchive`) until it expires 24 hours later (`sweepExports`). Each step is an event on
 * `export-<exportId>`.
 */
import { randomUUID } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import { privacyRequests, type DomainEvent } from '@tia/domain';
import { csvDocument, type CsvValue } from '@tia/domain/csv';
import { open, seal } from './crypto.js';
import { sha256Hex } from './blob-store.js';
import type { EventStore, InlineProjection, StoredEvent } from './event-store.js';
import type { KeyStore } from './key-store.js';
import type { Queryable, Sql, TxSql } from './sql.js';

/** v2 added sign-ins and open sign-in sessions, policy acknowledgements, complaints, minor reports, cookie choices. */
export const EXPORT_SCHEMA = 'tia-export/2';
/** How long a prepared export can be downloaded. */
export const EXPORT_TTL_MS = 24 * 3600 * 1000;

export const exportStream = (exportId: string) => `export-${exportId}`;
const aad = (exportId: string) => `tia:export:${exportId}`;

export interface ExportDeps {
  sql: Sql;
  store: EventStore;
  keys: KeyStore;
  inline: readonly InlineProjection[];
}

interface ExportRow {
  export_id: string;
  subject_id: string;
  request_id: string;
  status: 'requested' | 'building' | 'ready' | 'downloaded' | 'expired';
  progress: number;
  ciphertext: Buffer | null;
  bytes: number | null;
  requested_at: Date;
  ready_at: Date | null;
  expires_at: Date | null;
  closed_at: Date | null;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** A table as CSV (`@tia/domain/csv`: RFC 4180 quoting, formulas neutralised for spreadsheets). */
export const toCsv = (columns: readonly string[], rows: readonly Record<string, unknown>[]): string =>
  csvDocument([columns, ...rows.map((r) => columns.map((c) => r[c] as CsvValue))]);

/** Every event about the person (their own streams or naming them), decrypted, oldest first. */
const eventsAbout = async (deps: ExportDeps, subjectId: string): Promise<StoredEvent[]> => {
  const rows = await deps.sql<
    {
      global_position: string;
      transaction_id: string;
      stream_id: string;
      stream_version: string;
      event_id: string;
      type: string;
      schema_version: number;
      data: Record<string, unknown>;
      metadata: StoredEvent['metadata'];
      recorded_at: Date;
    }[]
  >`
    select global_position, transaction_id::text, stream_id, stream_version, event_id, type, schema_version,
           data, metadata, recorded_at
      from events
     where stream_id = ${`user-${subjectId}`} or stream_id = ${`privacy-${subjectId}`}
        or data->>'userId' = ${subjectId} or data->>'subjectId' = ${subjectId}
     order by global_position`;
  return deps.store.codec.decodeMany(
    deps.sql,
    rows.map((r) => ({
      globalPosition: Number(r.global_position),
      transactionId: r.transaction_id,
      streamId: r.stream_id,
      streamVersion: Number(r.stream_version),
      eventId: r.event_id,
      type: r.type,
      schemaVersion: r.schema_version,
      data: r.data,
      metadata: r.metadata,
      recordedAt: r.recorded_at,
    })),
  );
};

const setProgress = (sql: Queryable, exportId: string, progress: number) =>
  sql`update privacy_exports set progress = greatest(progress, ${progress}),
        status = case when status = 'requested' then 'building' else status end
      where export_id = ${exportId} and status in ('requested', 'building')`;

export interface ExportArchive {
  zip: Buffer;
  files: number;
  /** What the JSON holds (for tests and logs: counts only). */
  counts: Record<string, number>;
}

/**
 * Builds the ZIP for one export (no transaction held: reads, decrypts and compresses). Answers and sessions
 * the person deleted are left out, with every event about them.
 */
export const buildExportArchive = async (
  deps: ExportDeps,
  exportId: string,
  now: Date,
): Promise<ExportArchive | null> => {
  const found = await deps.sql<ExportRow[]>`select * from privacy_exports where export_id = ${exportId}`;
  const row = found[0];
  if (!row || (row.status !== 'requested' && row.status !== 'building')) return null;
  const subjectId = row.subject_id;
  await setProgress(deps.sql, exportId, 10);

  const all = await eventsAbout(deps, subjectId);
  const deletedRecordings = new Set<string>();
  const deletedSessions = new Set<string>();
  for (const e of all) {
    if (e.type === 'AnswerDeleted') deletedRecordings.add(e.data.recordingId as string);
    if (e.type === 'PracticeSessionDeleted') {
      deletedSessions.add(e.data.sessionId as string);
      for (const r of e.data.recordingIds as string[]) deletedRecordings.add(r);
    }
  }
  const gone = (e: StoredEvent) => {
    const r = e.data.recordingId;
    const s = e.data.sessionId;
    if (e.type === 'AnswerDeleted' || e.type === 'PracticeSessionDeleted') return false; // the fact stays
    return (
      (typeof r === 'string' && deletedRecordings.has(r)) || (typeof s === 'string' && deletedSessions.has(s))
    );
  };
  const events = all.filter((e) => !gone(e));
  await setProgress(deps.sql, exportId, 40);

  // Profile: from the account's own events (the read model may hold it only encrypted or hashed).
  const profile: Record<string, unknown> = { userId: subjectId };
  for (const e of events) {
    if (e.streamId !== `user-${subjectId}`) continue;
    if (e.type === 'AccountRegistered') {
      Object.assign(profile, {
        name: e.data.name,
        email: e.data.email,
        signupMethod: e.data.signupMethod,
        registeredAt: e.data.registeredAt,
      });
    } else if (e.type === 'EmailVerified') profile.emailVerifiedAt = e.data.verifiedAt;
    else if (e.type === 'NameCorrected') profile.name = e.data.name;
    else if (e.type === 'EmailChanged') profile.email = e.data.email;
  }

  const consents = (
    await deps.sql<{ purpose: string; status: string; policy_version: string | null; since: Date }[]>`
      select purpose, status, policy_version, since from rm_consents where subject_id = ${subjectId}
       order by purpose`
  ).map((c) => ({
    purpose: c.purpose,
    status: c.status,
    policyVersion: c.policy_version,
    since: iso(c.since),
  }));

  const sessionRows = await deps.sql<
    { session_id: string; track: string; questions: unknown; time_limit_s: number; started_at: Date }[]
  >`select session_id, track, questions, time_limit_s, started_at from rm_practice_sessions
     where user_id = ${subjectId} order by started_at`;
  const sessions = sessionRows.map((s) => ({
    sessionId: s.session_id,
    track: s.track,
    answerTimeLimitSeconds: s.time_limit_s,
    startedAt: iso(s.started_at),
    questions: Array.isArray(s.questions) ? (s.questions as Record<string, unknown>[]) : [],
  }));
  const questions = sessions.flatMap((s) =>
    s.questions.map((q) => ({
      sessionId: s.sessionId,
      questionId: q.id,
      competency: q.competency,
      kind: q.kind,
      text: q.text,
    })),
  );

  const recs = await deps.sql<
    {
      recording_id: string;
      session_id: string;
      question_id: string;
      status: string;
      duration_seconds: number;
      uploaded_at: Date;
      transcribed_at: Date | null;
      audio_deleted_at: Date | null;
      deletion_reason: string | null;
      scored_at: Date | null;
      overall: number | null;
      scores: Record<string, number> | null;
      competency: string | null;
    }[]
  >`select recording_id, session_id, question_id, status, duration_seconds, uploaded_at, transcribed_at,
           audio_deleted_at, deletion_reason, scored_at, overall, scores, competency
      from rm_recordings where user_id = ${subjectId} order by uploaded_at, recording_id`;
  const lastData = (recordingId: string, type: string) =>
    events.filter((e) => e.type === type && e.data.recordingId === recordingId).at(-1)?.data;
  const answers = recs.map((r) => {
    const t = lastData(r.recording_id, 'TranscriptProduced');
    const f = lastData(r.recording_id, 'FeedbackScored');
    return {
      recordingId: r.recording_id,
      sessionId: r.session_id,
      questionId: r.question_id,
      status: r.status,
      durationSeconds: Math.round(Number(r.duration_seconds) * 100) / 100,
      uploadedAt: iso(r.uploaded_at),
      transcribedAt: iso(r.transcribed_at),
      audioDeletedAt: iso(r.audio_deleted_at),
      audioDeletionReason: r.deletion_reason,
      transcript: typeof t?.text === 'string' ? t.text : null,
      scoredAt: iso(r.scored_at),
      overall: r.overall,
      scores: r.scores,
      competency: r.competency,
      feedback: f
        ? {
            rubricVersion: f.rubricVersion ?? null,
            criteria: f.criteria ?? null,
            metrics: f.metrics ?? null,
            tips: f.llmTips ?? null,
          }
        : null,
    };
  });
  await setProgress(deps.sql, exportId, 70);

  const requests = (
    await deps.sql<
      {
        request_id: string;
        kind: string;
        status: string;
        received_at: Date;
        due_at: Date;
        closed_at: Date | null;
        refusal: string | null;
      }[]
    >`select request_id, kind, status, received_at, due_at, closed_at, refusal from rm_privacy_requests
       where subject_id = ${subjectId} order by received_at`
  ).map((r) => ({
    requestId: r.request_id,
    kind: r.kind,
    status: r.status,
    receivedAt: iso(r.received_at),
    dueAt: iso(r.due_at),
    closedAt: iso(r.closed_at),
    refusal: r.refusal,
  }));

  // Sessions' metadata: every sign-in still on record (technical data past its days reads as null), and the
  // sign-in sessions open now (times only: the cookie's token is never stored).
  const signIns = events
    .filter((e) => e.type === 'SignedIn')
    .map((e) => ({
      signedInAt: e.data.signedInAt as string,
      method: e.data.method as string,
      ipPrefix: (e.data.ipPrefix as string | null | undefined) ?? null,
      browser: (e.data.uaFamily as string | null | undefined) ?? null,
    }));
  const openSessions = (
    await deps.sql<
      { created_at: Date; expires_at: Date; absolute_expires_at: Date; mfa_passed: boolean }[]
    >`select created_at, expires_at, absolute_expires_at, mfa_passed from auth_sessions
       where user_id = ${subjectId} order by created_at`
  ).map((r) => ({
    startedAt: iso(r.created_at),
    idleExpiresAt: iso(r.expires_at),
    expiresAt: iso(r.absolute_expires_at),
    secondFactor: r.mfa_passed,
  }));

  // Acknowledgements of significant revisions of the privacy notice (P35).
  const policyAcknowledgements = (
    await deps.sql<{ revision: number; revision_id: string; accepted_at: Date }[]>`
      select revision, revision_id, accepted_at from rm_policy_acceptances
       where user_id = ${subjectId} order by revision`
  ).map((r) => ({ revision: r.revision, revisionId: r.revision_id, acceptedAt: iso(r.accepted_at) }));

  // Complaints, with the text as written and where each stands.
  const requestById = new Map(requests.map((r) => [r.requestId, r]));
  const complaints = events
    .filter((e) => e.type === 'ComplaintLodged')
    .map((e) => {
      const r = requestById.get(e.data.requestId as string);
      return {
        requestId: e.data.requestId as string,
        lodgedAt: e.data.lodgedAt as string,
        text: typeof e.data.text === 'string' ? e.data.text : null,
        status: r?.status ?? null,
        closedAt: r?.closedAt ?? null,
      };
    });

  // Reports that this account's holder is under 16 (who reported is not disclosed: that is another person).
  const minorReports = requests
    .filter((r) => r.kind === 'minor_report')
    .map((r) => ({
      requestId: r.requestId,
      receivedAt: r.receivedAt,
      status: r.status,
      closedAt: r.closedAt,
    }));

  // Cookie choices made while signed in to this account (P34).
  const cookieConsents = events
    .filter((e) => e.type === 'CookieConsentRecorded')
    .map((e) => {
      const c = e.data.categories as Record<string, boolean>;
      return {
        consentId: e.data.consentId as string,
        recordedAt: e.data.recordedAt as string,
        policyVersion: e.data.policyVersion as string,
        essential: c.essential === true,
        performance: c.performance === true,
        functional: c.functional === true,
        targeting: c.targeting === true,
      };
    });

  const eventList = events.map((e) => ({
    position: e.globalPosition,
    recordedAt: e.recordedAt.toISOString(),
    type: e.type,
    stream: e.streamId,
    data: e.data,
  }));

  const document = {
    schema: EXPORT_SCHEMA,
    exportId,
    generatedAt: now.toISOString(),
    subjectId,
    profile,
    consents,
    sessions,
    answers,
    requests,
    signIns,
    openSessions,
    policyAcknowledgements,
    complaints,
    minorReports,
    cookieConsents,
    events: eventList,
  };
  const files: Record<string, Uint8Array> = {
    'README.txt': strToU8(
      [
        'Your data from TrueInterviewAI',
        '',
        `Made ${now.toISOString()} for account ${subjectId}.`,
        `data.json holds everything in one file (format "${EXPORT_SCHEMA}", described in docs/data-export.md).`,
        'The .csv files hold the same data as tables that open in any spreadsheet.',
        'Answers or sessions you deleted are not included.',
        '',
      ].join('\r\n'),
    ),
    'data.json': strToU8(JSON.stringify(document, null, 2)),
    'profile.csv': strToU8(
      toCsv(['userId', 'name', 'email', 'signupMethod', 'registeredAt', 'emailVerifiedAt'], [profile]),
    ),
    'consents.csv': strToU8(toCsv(['purpose', 'status', 'policyVersion', 'since'], consents)),
    'sessions.csv': strToU8(toCsv(['sessionId', 'track', 'answerTimeLimitSeconds', 'startedAt'], sessions)),
    'questions.csv': strToU8(toCsv(['sessionId', 'questionId', 'competency', 'kind', 'text'], questions)),
    'answers.csv': strToU8(
      toCsv(
        [
          'recordingId',
          'sessionId',
          'questionId',
          'status',
          'durationSeconds',
          'uploadedAt',
          'transcribedAt',
          'audioDeletedAt',
          'audioDeletionReason',
          'transcript',
          'scoredAt',
          'overall',
          'scores',
          'competency',
          'feedback',
        ],
        answers,
      ),
    ),
    'requests.csv': strToU8(
      toCsv(['requestId', 'kind', 'status', 'receivedAt', 'dueAt', 'closedAt', 'refusal'], requests),
    ),
    'sign-ins.csv': strToU8(toCsv(['signedInAt', 'method', 'ipPrefix', 'browser'], signIns)),
    'open-sessions.csv': strToU8(
      toCsv(['startedAt', 'idleExpiresAt', 'expiresAt', 'secondFactor'], openSessions),
    ),
    'policy-acknowledgements.csv': strToU8(
      toCsv(['revision', 'revisionId', 'acceptedAt'], policyAcknowledgements),
    ),
    'complaints.csv': strToU8(toCsv(['requestId', 'lodgedAt', 'text', 'status', 'closedAt'], complaints)),
    'minor-reports.csv': strToU8(toCsv(['requestId', 'receivedAt', 'status', 'closedAt'], minorReports)),
    'cookie-consents.csv': strToU8(
      toCsv(
        ['consentId', 'recordedAt', 'policyVersion', 'essential', 'performance', 'functional', 'targeting'],
        cookieConsents,
      ),
    ),
    'events.csv': strToU8(toCsv(['position', 'recordedAt', 'type', 'stream', 'data'], eventList)),
  };
  const zip = Buffer.from(zipSync(files, { level: 6, mtime: now }));
  await setProgress(deps.sql, exportId, 90);
  return {
    zip,
    files: Object.keys(files).length,
    counts: {
      consents: consents.length,
      sessions: sessions.length,
      questions: questions.length,
      answers: answers.length,
      requests: requests.length,
      signIns: signIns.length,
      openSessions: openSessions.length,
      policyAcknowledgements: policyAcknowledgements.length,
      complaints: complaints.length,
      minorReports: minorReports.length,
      cookieConsents: cookieConsents.length,
      events: eventList.length,
    },
  };
};

// Callers pass 'any' on purpose: each step is decided under the export row's `for update` lock, not on the stream.
const appendExportEvents = (
  deps: ExportDeps,
  tx: TxSql,
  stream: string,
  expected: number | 'any',
  now: string,
  events: DomainEvent[],
) =>
  deps.store.append(
    stream,
    expected,
    events.map((e) => ({
      ...e,
      eventId: randomUUID(),
      metadata: { occurredAt: now, actor: { kind: 'system' as const, id: 'privacy-export' } },
    })),
    { tx, inline: deps.inline },
  );

/**
 * Stores a built archive encrypted under the person's key, marks it ready for 24 hours and closes the
 * request (`DataExportPrepared`, `PrivacyRequestCompleted`). False when the export is no longer waiting.
 */
export const storeExportArchive = async (
  deps: ExportDeps,
  tx: TxSql,
  exportId: string,
  archive: ExportArchive,
  now: Date,
): Promise<boolean> => {
  const rows = await tx<ExportRow[]>`
    select * from privacy_exports where export_id = ${exportId} for update`;
  const row = rows[0];
  if (!row || (row.status !== 'requested' && row.status !== 'building')) return false;
  const key = await deps.keys.keyFor(tx, row.subject_id);
  const expiresAt = new Date(now.getTime() + EXPORT_TTL_MS);
  await tx`update privacy_exports set status = 'ready', progress = 100,
             ciphertext = ${seal(key, archive.zip, aad(exportId))}, bytes = ${archive.zip.length},
             ready_at = ${now}, expires_at = ${expiresAt}
           where export_id = ${exportId}`;
  const at = now.toISOString();
  // 'any': decided under the export row's lock (see appendExportEvents).
  await appendExportEvents(deps, tx, exportStream(exportId), 'any', at, [
    {
      type: 'DataExportPrepared',
      data: {
        exportId,
        subjectId: row.subject_id,
        bytes: archive.zip.length,
        sha256: sha256Hex(archive.zip),
        files: archive.files,
        readyAt: at,
        expiresAt: expiresAt.toISOString(),
      },
    },
  ]);
  // 'any': decided under the export row's lock (see appendExportEvents).
  await appendExportEvents(deps, tx, privacyRequests.requestStream(row.request_id), 'any', at, [
    {
      type: 'PrivacyRequestCompleted',
      data: {
        requestId: row.request_id,
        subjectId: row.subject_id,
        handledBy: { kind: 'system' },
        completedAt: at,
      },
    },
  ]);
  return true;
};

export type TakeResult =
  | { kind: 'ok'; zip: Buffer; exportId: string }
  | { kind: 'not_found' }
  | { kind: 'not_ready' }
  | { kind: 'used' }
  | { kind: 'expired' };

/**
 * The one download of a ready export, by its owner: decrypts it, deletes it, records
 * `DataExportDownloaded` and `DataExportDeleted`. A second try, or one after expiry, gets nothing.
 */
export const takeExportArchive = async (
  deps: ExportDeps,
  owner: string,
  exportId: string,
  now: Date,
): Promise<TakeResult> =>
  deps.sql.begin<TakeResult>(async (tx): Promise<TakeResult> => {
    const rows = await tx<ExportRow[]>`
      select * from privacy_exports where export_id = ${exportId} and subject_id = ${owner} for update`;
    const row = rows[0];
    if (!row) return { kind: 'not_found' };
    if (row.status === 'downloaded') return { kind: 'used' };
    if (row.status === 'expired') return { kind: 'expired' };
    if (row.status !== 'ready' || !row.ciphertext) return { kind: 'not_ready' };
    if (row.expires_at && row.expires_at.getTime() <= now.getTime()) {
      await expireOne(deps, tx, row, now);
      return { kind: 'expired' };
    }
    const key = await deps.keys.find(tx, owner);
    if (!key) return { kind: 'not_found' };
    const zip = open(key, row.ciphertext, aad(exportId));
    await tx`update privacy_exports set status = 'downloaded', ciphertext = null, closed_at = ${now}
             where export_id = ${exportId}`;
    const at = now.toISOString();
    // 'any': decided under the export row's lock (see appendExportEvents).
    await appendExportEvents(deps, tx, exportStream(exportId), 'any', at, [
      { type: 'DataExportDownloaded', data: { exportId, subjectId: owner, downloadedAt: at } },
      {
        type: 'DataExportDeleted',
        data: { exportId, subjectId: owner, reason: 'downloaded', deletedAt: at },
      },
    ]);
    return { kind: 'ok', zip, exportId };
  });

const expireOne = async (deps: ExportDeps, tx: TxSql, row: ExportRow, now: Date) => {
  await tx`update privacy_exports set status = 'expired', ciphertext = null, closed_at = ${now}
           where export_id = ${row.export_id}`;
  const at = now.toISOString();
  // 'any': decided under the export row's lock (see appendExportEvents).
  await appendExportEvents(deps, tx, exportStream(row.export_id), 'any', at, [
    {
      type: 'DataExportDeleted',
      data: { exportId: row.export_id, subjectId: row.subject_id, reason: 'expired', deletedAt: at },
    },
  ]);
};

/** Deletes every ready export nobody downloaded within 24 hours (`DataExportDeleted`, reason expired). */
export const sweepExports = async (deps: ExportDeps, now: Date): Promise<number> =>
  deps.sql.begin<number>(async (tx) => {
    const rows = await tx<ExportRow[]>`
      select * from privacy_exports where status = 'ready' and expires_at <= ${now}
       order by expires_at limit 100 for update skip locked`;
    for (const r of rows) await expireOne(deps, tx, r, now);
    return rows.length;
  });

export interface ExportStatus {
  exportId: string;
  status: ExportRow['status'];
  progress: number;
  bytes: number | null;
  requestedAt: string;
  readyAt: string | null;
  expiresAt: string | null;
}

/** The person's exports, newest first (no bytes). */
export const exportsOf = async (db: Queryable, owner: string): Promise<ExportStatus[]> => {
  const rows = await db<Omit<ExportRow, 'ciphertext'>[]>`
    select export_id, subject_id, request_id, status, progress, bytes, requested_at, ready_at, expires_at,
           closed_at
      from privacy_exports where subject_id = ${owner} order by requested_at desc limit 20`;
  return rows.map((r) => ({
    exportId: r.export_id,
    status: r.status,
    progress: r.progress,
    bytes: r.bytes,
    requestedAt: r.requested_at.toISOString(),
    readyAt: iso(r.ready_at),
    expiresAt: iso(r.expires_at),
  }));
};
