/**
 * The data export holds everything the issue lists (P44), found by opening the ZIP: profile, consents, sign-ins
 * and the open sign-in sessions (sessions' metadata), practice sessions with questions, the transcript, scores
 * and feedback, privacy requests, complaints with their text, a report that the person is a minor, their
 * acknowledgement of a policy revision, the cookie choice made while signed in, and the events about them —
 * each in `data.json` (`tia-export/2`) and in its CSV.
 */
import { randomUUID } from 'node:crypto';
import { buildExportArchive, storeExportArchive } from '@tia/db';
import { createTestDatabase, type TestDatabase } from '@tia/db/testing';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../context.js';
import type { AuthServices } from '../services.js';
import { appRouter } from '../root.js';
import { givenAnsweredSession } from '../testing/answered-session.js';
import { createTestAccount, sessionContext, testAuthServices, testClock } from '../testing/identity.js';
import { createCallerFactory } from '../trpc.js';
import { acceptRevision, publishRevision } from '../policy/revisions.js';
import { downloadExport } from './export-data.js';

let db: TestDatabase;
let a: AuthServices;
const clock = testClock(new Date('2026-12-07T10:00:00.000Z'));
const call = (ctx: Context) => createCallerFactory(appRouter)(ctx);
const deps = () => ({ sql: a.sql, store: a.store, keys: a.keys, inline: a.inline });

beforeAll(async () => {
  db = await createTestDatabase();
  a = testAuthServices(db.sql, clock);
});
afterAll(async () => db?.drop());

const TRANSCRIPT = 'I reconciled the harbour ledgers by pairing every invoice with a barnacle count';
const COMPLAINT = 'You kept my practice answers longer than the notice says, please check the cormorant job.';

describe('data export completeness (P44)', () => {
  it('holds every category the issue lists, in data.json and in CSV', async () => {
    const me = await createTestAccount(a, { name: 'Wilhelmina Whole', email: 'wilhelmina@example.org' });
    const ctx = await sessionContext(a, me);
    // A sign-in on record (technical data: encrypted under the day's key), and the session open now.
    // Test setup writes the event directly at expected version 'any': no decider owns this seed.
    const signedInAt = clock().toISOString();
    await a.store.append(`user-${me}`, 'any', [
      {
        eventId: randomUUID(),
        type: 'SignedIn',
        data: {
          userId: me,
          method: 'password',
          ipPrefix: '198.51.100.0/24',
          uaFamily: 'Firefox on Linux',
          signedInAt,
        },
        metadata: { occurredAt: signedInAt },
      },
    ]);
    await call(ctx).privacy.setConsent({ purpose: 'marketing_email', given: true });
    await givenAnsweredSession(a, me, [TRANSCRIPT]);
    // A significant revision of the notice, acknowledged.
    const { revision } = await publishRevision(
      a,
      { userId: 'officer-1', requestId: 'req-p' },
      {
        revisionId: '2026-12-07',
        summary: 'We keep request records 36 months.',
        significant: true,
        effectiveOn: '2026-12-07',
        text: 'Privacy notice, revision of 7 December 2026.',
      },
    );
    clock.advance(60_000);
    expect(await acceptRevision(a, { userId: me, requestId: 'req-a' }, { revision })).toMatchObject({
      accepted: true,
    });
    // A cookie choice made while signed in; a complaint; a report (by someone signed out) that I am under 16.
    const cookie = await call(ctx).privacy.recordCookieConsent({
      performance: true,
      functional: false,
      targeting: false,
    });
    const { requestId: complaintId } = await call(ctx).privacy.complain({ text: COMPLAINT });
    await call({ ...ctx, session: null, ip: '192.0.2.44' }).privacy.reportMinor({
      email: 'wilhelmina@example.org',
    });
    // Someone else's data, which must not appear.
    const other = await createTestAccount(a, { name: 'Osbert Other', email: 'osbert@example.org' });
    const otherCtx = await sessionContext(a, other);
    await call(otherCtx).privacy.complain({ text: 'Osbert complains about the pelican report.' });

    const { exportId } = await call(ctx).privacy.requestExport();
    const archive = await buildExportArchive(deps(), exportId, clock());
    await a.sql.begin((tx) => storeExportArchive(deps(), tx, exportId, archive!, clock()));
    const { zip } = await downloadExport(a, ctx.session, exportId);
    const files = unzipSync(new Uint8Array(zip));
    const csv = (name: string) => {
      expect(files[name], name).toBeDefined();
      return strFromU8(files[name]!);
    };
    const doc = JSON.parse(strFromU8(files['data.json']!)) as Record<string, unknown> & {
      schema: string;
      profile: Record<string, unknown>;
      answers: { transcript: string; overall: number | null; feedback: unknown }[];
      sessions: { questions: unknown[] }[];
      requests: { kind: string; requestId: string }[];
      signIns: Record<string, unknown>[];
      openSessions: Record<string, unknown>[];
      policyAcknowledgements: Record<string, unknown>[];
      complaints: Record<string, unknown>[];
      minorReports: Record<string, unknown>[];
      cookieConsents: Record<string, unknown>[];
      events: { type: string }[];
    };
    expect(doc.schema).toBe('tia-export/2');

    // Profile and consents.
    expect(doc.profile).toMatchObject({ name: 'Wilhelmina Whole', email: 'wilhelmina@example.org' });
    expect(csv('profile.csv')).toContain('wilhelmina@example.org');
    expect(csv('consents.csv')).toContain('marketing_email');
    // Sessions' metadata: the sign-in with its truncated IP and browser, and the open sign-in session.
    expect(doc.signIns).toEqual([
      { signedInAt, method: 'password', ipPrefix: '198.51.100.0/24', browser: 'Firefox on Linux' },
    ]);
    expect(csv('sign-ins.csv')).toContain('198.51.100.0/24');
    expect(doc.openSessions).toHaveLength(1);
    expect(doc.openSessions[0]).toMatchObject({
      startedAt: expect.any(String) as unknown,
      secondFactor: false,
    });
    expect(csv('open-sessions.csv').split('\r\n')[0]).toBe('startedAt,idleExpiresAt,expiresAt,secondFactor');
    // Practice sessions, questions, transcript, scores, feedback.
    expect(doc.sessions[0]!.questions).toHaveLength(1);
    expect(doc.answers[0]).toMatchObject({ transcript: TRANSCRIPT });
    expect(doc.answers[0]!.overall).toEqual(expect.any(Number));
    expect(doc.answers[0]!.feedback).not.toBeNull();
    expect(csv('answers.csv')).toContain(TRANSCRIPT);
    expect(csv('questions.csv').split('\r\n')).toHaveLength(3); // header, one question, trailing line
    // Requests, among them the export, the complaint and the minor report.
    expect(doc.requests.map((r) => r.kind).sort()).toEqual(['complaint', 'export', 'minor_report']);
    expect(csv('requests.csv')).toContain('minor_report');
    // The complaint with its text and status.
    expect(doc.complaints).toEqual([
      {
        requestId: complaintId,
        lodgedAt: expect.any(String) as unknown,
        text: COMPLAINT,
        status: 'received',
        closedAt: null,
      },
    ]);
    expect(csv('complaints.csv')).toContain('cormorant job');
    // The report of a minor about me, without who made it.
    expect(doc.minorReports).toEqual([
      {
        requestId: doc.requests.find((r) => r.kind === 'minor_report')!.requestId,
        receivedAt: expect.any(String) as unknown,
        status: 'received',
        closedAt: null,
      },
    ]);
    expect(csv('minor-reports.csv').split('\r\n')).toHaveLength(3);
    // The policy acknowledgement.
    expect(doc.policyAcknowledgements).toEqual([
      { revision, revisionId: '2026-12-07', acceptedAt: '2026-12-07T10:01:00.000Z' },
    ]);
    expect(csv('policy-acknowledgements.csv')).toContain('2026-12-07T10:01:00.000Z');
    // The cookie choice linked to the account.
    expect(doc.cookieConsents).toEqual([
      {
        consentId: cookie.consentId,
        recordedAt: expect.any(String) as unknown,
        policyVersion: expect.any(String) as unknown,
        essential: true,
        performance: true,
        functional: false,
        targeting: false,
      },
    ]);
    expect(csv('cookie-consents.csv')).toContain(cookie.consentId);
    // The events about me, decrypted.
    const types = new Set(doc.events.map((e) => e.type));
    for (const t of [
      'AccountRegistered',
      'SignedIn',
      'ConsentGiven',
      'TranscriptProduced',
      'FeedbackScored',
      'PolicyRevisionAccepted',
      'CookieConsentRecorded',
      'ComplaintLodged',
      'PrivacyRequestReceived',
      'DataExportRequested',
    ])
      expect(types, t).toContain(t);
    expect(csv('events.csv')).toContain('ComplaintLodged');
    // Nothing of the other person.
    const all = Object.values(files)
      .map((f) => strFromU8(f))
      .join('\n');
    for (const never of ['Osbert', 'osbert@example.org', 'pelican', other]) expect(all).not.toContain(never);
  });
});
