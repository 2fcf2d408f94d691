import { describe, expect, it } from 'vitest';
import { specFor } from '../decider-spec.js';
import {
  acceptanceDecider,
  BASELINE,
  currentRevision,
  noticeDecider,
  pendingAcknowledgement,
  PolicyRuleViolated,
  publicationDecider,
  type PublishRevision,
  type RevisionInfo,
} from './policy.js';

const now = '2026-12-07T10:00:00.000Z';
const publish = (over: Partial<PublishRevision> = {}): PublishRevision => ({
  type: 'PublishRevision',
  revisionId: '2026-12-07',
  summary: 'We now keep transcripts 12 months.',
  significant: true,
  effectiveOn: '2026-12-07',
  text: 'Full text',
  by: 'officer',
  now,
  ...over,
});
const published = (revision: number, revisionId: string, effectiveOn = '2026-12-07') => ({
  type: 'PolicyRevisionPublished' as const,
  data: {
    revision,
    revisionId,
    summary: 's',
    significant: true,
    effectiveOn,
    text: 't',
    publishedBy: 'officer',
    publishedAt: now,
  },
});

describe('policy publication decider (P35)', () => {
  it('Given the baseline only, When PublishRevision, Then revision 2 is published', () => {
    specFor(publicationDecider)
      .given([])
      .when(publish())
      .then([
        {
          type: 'PolicyRevisionPublished',
          data: {
            revision: 2,
            revisionId: '2026-12-07',
            summary: 'We now keep transcripts 12 months.',
            significant: true,
            effectiveOn: '2026-12-07',
            text: 'Full text',
            publishedBy: 'officer',
            publishedAt: now,
          },
        },
      ]);
  });
  it('Given revision 2, When the next is published, Then it is revision 3', () => {
    const events = specFor(publicationDecider)
      .given([published(2, 'a')])
      .when(publish({ revisionId: 'b' }))
      .events();
    expect(events[0]!.data.revision).toBe(3);
  });
  it('refuses a label used before (the baseline’s too), a past effective date, and going back in time', () => {
    specFor(publicationDecider)
      .given([published(2, 'a')])
      .when(publish({ revisionId: 'a' }))
      .thenThrows(PolicyRuleViolated);
    specFor(publicationDecider)
      .given([])
      .when(publish({ revisionId: BASELINE.revisionId }))
      .thenThrows(/already published/);
    specFor(publicationDecider)
      .given([])
      .when(publish({ effectiveOn: '2026-12-06' }))
      .thenThrows(/past/);
    specFor(publicationDecider)
      .given([published(2, 'a', '2027-01-10')])
      .when(publish({ revisionId: 'b', effectiveOn: '2027-01-01' }))
      .thenThrows(/previous revision/);
  });
});

describe('policy acknowledgement decider (P35)', () => {
  const accept = {
    type: 'AcceptRevision' as const,
    userId: 'u',
    revision: { revision: 2, revisionId: 'a' },
    now,
  };
  const accepted = {
    type: 'PolicyRevisionAccepted' as const,
    data: { userId: 'u', revision: 2, revisionId: 'a', acceptedAt: now },
  };
  it('Given nothing, When AcceptRevision, Then PolicyRevisionAccepted; again: nothing', () => {
    specFor(acceptanceDecider).given([]).when(accept).then([accepted]);
    specFor(acceptanceDecider).given([accepted]).when(accept).then([]);
  });
  it('refuses an unknown revision', () => {
    specFor(acceptanceDecider)
      .given([])
      .when({ ...accept, revision: null })
      .thenThrows(PolicyRuleViolated);
  });
});

describe('reading revisions', () => {
  const rev = (
    revision: number,
    significant: boolean,
    publishedAt: string,
    effectiveOn: string,
  ): RevisionInfo => ({
    revision,
    revisionId: `r${revision}`,
    summary: 's',
    significant,
    effectiveOn,
    publishedAt,
  });
  const revisions = [
    BASELINE,
    rev(2, true, '2026-12-02T00:00:00.000Z', '2026-12-02'),
    rev(3, false, '2026-12-03T00:00:00.000Z', '2026-12-03'),
    rev(4, true, '2026-12-04T00:00:00.000Z', '2026-12-20'),
  ];
  it('the current revision is the latest in force', () => {
    expect(currentRevision(revisions, '2026-12-10')?.revision).toBe(3);
    expect(currentRevision(revisions, '2026-12-20')?.revision).toBe(4);
    expect(currentRevision(revisions, '2026-11-01')).toBeNull();
  });
  it('asks for the latest significant revision published after sign-up, unless acknowledged', () => {
    expect(pendingAcknowledgement(revisions, '2026-12-01T00:00:00.000Z', [])?.revision).toBe(4);
    expect(pendingAcknowledgement(revisions, '2026-12-01T00:00:00.000Z', [4])).toBeNull();
    expect(pendingAcknowledgement(revisions, '2026-12-01T00:00:00.000Z', [2])?.revision).toBe(4);
    expect(pendingAcknowledgement(revisions, '2026-12-05T00:00:00.000Z', [])).toBeNull();
    expect(pendingAcknowledgement([BASELINE], '2026-12-01T00:00:00.000Z', [])).toBeNull();
  });
});

describe('policy notice decider (P07)', () => {
  const revision = { ...BASELINE, revision: 2, revisionId: 'a', significant: true };
  const sent = {
    type: 'PolicyChangeNoticeSent' as const,
    data: { userId: 'u', revision: 2, revisionId: 'a', sentAt: now },
  };
  it('Given no email, When RecordNoticeSent, Then PolicyChangeNoticeSent; a second time nothing', () => {
    specFor(noticeDecider)
      .given([])
      .when({ type: 'RecordNoticeSent', userId: 'u', revision, now })
      .then([sent]);
    specFor(noticeDecider)
      .given([sent])
      .when({ type: 'RecordNoticeSent', userId: 'u', revision, now })
      .then([]);
  });
  it('refuses to record an email about a minor revision', () => {
    specFor(noticeDecider)
      .given([])
      .when({ type: 'RecordNoticeSent', userId: 'u', revision: { ...revision, significant: false }, now })
      .thenThrows(PolicyRuleViolated);
  });
});
