import { describe, expect, it } from 'vitest';
import { eventRegistry } from '../events/catalog.js';
import { specFor } from '../decider-spec.js';
import {
  evolve,
  initialState,
  recordingDecider,
  RecordingRuleViolated,
  type FeedbackData,
  type RecordingEvent,
  type TranscriptData,
  type Upload,
} from './recording.js';

const T0 = '2026-11-30T10:00:00.000Z';
const T1 = '2026-11-30T10:00:05.000Z';
const T2 = '2026-11-30T10:00:06.000Z';

const upload: Upload = {
  recordingId: 'r1',
  sessionId: 's1',
  userId: 'u1',
  questionId: 'cb-teamwork-01',
  container: 'webm',
  mimeType: 'audio/webm;codecs=opus',
  bytes: 12_345,
  durationSeconds: 11,
  sha256: 'a'.repeat(64),
  uploadedAt: T0,
};
const transcript: TranscriptData = {
  text: 'ask not what your country can do for you',
  words: [{ word: 'ask', start: 0.1, end: 0.4 }],
  engine: { name: 'pocketsphinx', model: 'en-us' },
  audioSeconds: 11,
  engineMs: 2300,
};
const feedback: FeedbackData = {
  competency: 'teamwork',
  rubricVersion: 'v1',
  overall: 62,
  scores: { star: 3 },
  criteria: [],
  metrics: {},
  engine: { name: 'rubric', model: null },
  llmTips: null,
};
const spec = specFor(recordingDecider);
const uploaded: RecordingEvent[] = [{ type: 'RecordingUploaded', data: upload }];
const transcribed = [
  ...uploaded,
  ...spec
    .given(uploaded)
    .when({ type: 'CompleteTranscription', transcript, blobExisted: true, now: T1 })
    .events(),
];

describe('recording decider', () => {
  it('Given nothing, When audio is uploaded, Then RecordingUploaded (valid against the event schema)', () => {
    const when = spec.given([]).when({ type: 'Upload', upload });
    when.then(uploaded);
    expect(() => eventRegistry.validate('RecordingUploaded', when.events()[0]!.data)).not.toThrow();
  });

  it('Given an upload, When the same bytes are uploaded again, Then nothing; different bytes are refused', () => {
    spec.given(uploaded).when({ type: 'Upload', upload }).then([]);
    spec
      .given(uploaded)
      .when({ type: 'Upload', upload: { ...upload, sha256: 'b'.repeat(64) } })
      .thenThrows(RecordingRuleViolated, 'already_uploaded');
  });

  it('Given an upload, When transcribed, Then TranscriptProduced and AudioDeleted (reason transcribed) together', () => {
    const events = spec
      .given(uploaded)
      .when({ type: 'CompleteTranscription', transcript, blobExisted: true, now: T1 })
      .events();
    expect(events.map((e) => e.type)).toEqual(['TranscriptProduced', 'AudioDeleted']);
    expect(events[1]!.data).toMatchObject({
      reason: 'transcribed',
      uploadedAt: T0,
      transcribedAt: T1,
      deletedAt: T1,
      sha256: upload.sha256,
      blobExisted: true,
    });
    for (const e of events) expect(() => eventRegistry.validate(e.type, e.data)).not.toThrow();
    expect(spec.given(transcribed).state).toMatchObject({
      kind: 'transcribed',
      transcribedAt: T1,
      audioDeletedAt: T1,
    });
  });

  it('Given a transcript, When transcription completes again (redelivery), Then nothing', () => {
    spec
      .given(transcribed)
      .when({ type: 'CompleteTranscription', transcript, blobExisted: false, now: T2 })
      .then([]);
  });

  it.each(['consent_withdrawn', 'processing_restricted', 'subject_erased'] as const)(
    'Given an upload, When processing is skipped (%s), Then the audio is deleted with that reason',
    (reason) => {
      const events = spec
        .given(uploaded)
        .when({ type: 'SkipProcessing', reason, blobExisted: true, now: T1 })
        .events();
      expect(events.map((e) => e.type)).toEqual(['RecordingProcessingSkipped', 'AudioDeleted']);
      expect(events[1]!.data).toMatchObject({ reason, transcribedAt: null });
      const ended = spec.given([...uploaded, ...events]);
      expect(ended.state).toMatchObject({ kind: 'ended', reason });
      // Once ended, nothing else happens to it.
      ended.when({ type: 'CompleteTranscription', transcript, blobExisted: false, now: T2 }).then([]);
      ended.when({ type: 'ExpireAudio', blobExisted: false, now: T2 }).then([]);
    },
  );

  it('Given an upload, When transcription fails for good, Then TranscriptionFailed and AudioDeleted', () => {
    const events = spec
      .given(uploaded)
      .when({
        type: 'FailTranscription',
        engine: 'pocketsphinx',
        code: 'audio_unreadable',
        blobExisted: true,
        now: T1,
      })
      .events();
    expect(events.map((e) => e.type)).toEqual(['TranscriptionFailed', 'AudioDeleted']);
    expect(events[0]!.data).toMatchObject({ code: 'audio_unreadable' });
    expect(events[0]!.data).not.toHaveProperty('error'); // no engine text in the event
    expect(events[1]!.data).toMatchObject({ reason: 'transcription_failed' });
  });

  it('Given an upload never transcribed, When the sweeper expires it, Then AudioDeleted (max_age_exceeded)', () => {
    const events = spec.given(uploaded).when({ type: 'ExpireAudio', blobExisted: true, now: T2 }).events();
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ reason: 'max_age_exceeded', transcribedAt: null });
    spec.given(transcribed).when({ type: 'ExpireAudio', blobExisted: false, now: T2 }).then([]);
  });

  it('Given a transcript, When scored, Then FeedbackScored once', () => {
    const events = spec.given(transcribed).when({ type: 'ScoreFeedback', feedback, now: T2 }).events();
    expect(events.map((e) => e.type)).toEqual(['FeedbackScored']);
    expect(() => eventRegistry.validate('FeedbackScored', events[0]!.data)).not.toThrow();
    const scored = spec.given([...transcribed, ...events]);
    expect(scored.state.kind).toBe('scored');
    scored.when({ type: 'ScoreFeedback', feedback, now: T2 }).then([]);
    spec.given(uploaded).when({ type: 'ScoreFeedback', feedback, now: T2 }).then([]);
  });

  it('Given a transcript, When consent is gone before scoring, Then FeedbackSkipped and nothing is scored after', () => {
    const when = spec.given(transcribed).when({ type: 'SkipFeedback', reason: 'consent_withdrawn', now: T2 });
    when.then([
      {
        type: 'FeedbackSkipped',
        data: { recordingId: 'r1', userId: 'u1', reason: 'consent_withdrawn', skippedAt: T2 },
      },
    ]);
    const events = when.events();
    expect(() => eventRegistry.validate('FeedbackSkipped', events[0]!.data)).not.toThrow();
    const unscored = spec.given([...transcribed, ...events]);
    expect(unscored.state).toMatchObject({ kind: 'unscored', reason: 'consent_withdrawn' });
    unscored.when({ type: 'ScoreFeedback', feedback, now: T2 }).then([]);
    unscored.when({ type: 'SkipFeedback', reason: 'consent_withdrawn', now: T2 }).then([]);
    spec.given(uploaded).when({ type: 'SkipFeedback', reason: 'subject_erased', now: T2 }).then([]);
  });

  it('Given nothing, When anything but an upload arrives, Then it is refused', () => {
    spec
      .given([])
      .when({ type: 'ExpireAudio', blobExisted: false, now: T0 })
      .thenThrows(RecordingRuleViolated, 'not_uploaded');
    expect(evolve(initialState, { type: 'TranscriptionFailed', data: {} as never })).toBe(initialState);
  });
});
