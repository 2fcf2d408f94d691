import { describe, expect, it } from 'vitest';
import { eventRegistry, AccountRegistered } from './catalog.js';
import { EventSchemaError, UnknownEventTypeError, currentVersion } from './registry.js';
import { REDACTED } from './pii.js';

describe('event registry', () => {
  it('Given a v1 AccountRegistered, When read, Then it is upcast to v2 (fullName → name, signupMethod)', () => {
    expect(currentVersion(AccountRegistered)).toBe(2);
    const v1 = {
      userId: 'u1',
      fullName: 'Ada',
      email: 'ada@example.org',
      registeredAt: '2026-01-01T00:00:00Z',
    };
    expect(eventRegistry.upcast('AccountRegistered', 1, v1)).toEqual({
      userId: 'u1',
      name: 'Ada',
      email: 'ada@example.org',
      signupMethod: 'password',
      registeredAt: '2026-01-01T00:00:00Z',
    });
  });

  it('Given a v1 TranscriptionFailed with engine text, When read, Then it is v2 with code unknown and no text', () => {
    const v1 = {
      recordingId: 'r1',
      userId: 'u1',
      engine: 'whisper-http',
      error: 'transcription request to http://user:pw@whisper.internal/v1 failed: "I led the team"',
      failedAt: '2026-01-01T00:00:00Z',
    };
    const read = eventRegistry.upcast('TranscriptionFailed', 1, v1);
    expect(read).toEqual({
      recordingId: 'r1',
      userId: 'u1',
      engine: 'whisper-http',
      code: 'unknown',
      failedAt: '2026-01-01T00:00:00Z',
    });
    expect(JSON.stringify(read)).not.toMatch(/whisper\.internal|led the team/);
  });

  it('Given an erased subject, When their event is read, Then redacted fields still validate', () => {
    const data = {
      userId: 'u1',
      name: REDACTED,
      email: REDACTED,
      signupMethod: 'google',
      registeredAt: '2026-01-01T00:00:00Z',
    };
    expect(eventRegistry.upcast('AccountRegistered', 2, data)).toEqual(data);
  });

  it('rejects data that does not match the current schema, naming the field', () => {
    expect(() =>
      eventRegistry.validate('ConsentGiven', {
        subjectId: 'u1',
        purpose: 'spam',
        policyVersion: 'v',
        givenAt: 'x',
      }),
    ).toThrow(EventSchemaError);
    try {
      eventRegistry.validate('ConsentGiven', {
        subjectId: 'u1',
        purpose: 'spam',
        policyVersion: 'v',
        givenAt: '2026-01-01T00:00:00Z',
      });
    } catch (e) {
      expect((e as Error).message).toMatch(/purpose/);
    }
  });

  it('rejects unknown types and declares PII fields per type', () => {
    expect(() => eventRegistry.get('Nope')).toThrow(UnknownEventTypeError);
    expect(eventRegistry.get('AccountRegistered').pii).toEqual(['name', 'email']);
    expect(eventRegistry.get('AccountRegistered').subject({ userId: 'u9' })).toBe('u9');
  });
});
