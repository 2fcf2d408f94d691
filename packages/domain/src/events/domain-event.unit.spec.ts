import { describe, expectTypeOf, it } from 'vitest';
import type { DomainEvent, EventData, EventOf, EventType } from './domain-event.js';
import { eventSlice } from './domain-event.js';
import type { Redacted } from './pii.js';

describe('DomainEvent: one union derived from the event definitions', () => {
  it('knows each catalog type and no other', () => {
    expectTypeOf<'SubjectErased'>().toExtend<EventType>();
    expectTypeOf<'RecordingUploaded'>().toExtend<EventType>();
    expectTypeOf<'SubjectErasd'>().not.toExtend<EventType>();
  });

  it('gives each type the data of its current schema version', () => {
    // The copied decider union lacked `reason`: the derived one cannot.
    expectTypeOf<EventData<'SubjectErased'>>().toEqualTypeOf<{
      subjectId: string;
      reason: 'user_request' | 'retention' | 'minor_reported' | 'admin';
      erasedAt: string;
    }>();
    expectTypeOf<EventData<'AccountRegistered'>['name']>().toEqualTypeOf<string | { redacted: true }>();
    expectTypeOf<Redacted>().toExtend<EventData<'AccountRegistered'>['name']>();
  });

  it('refuses an event with a misspelt type or field', () => {
    const ok = {
      type: 'ConsentWithdrawn' as const,
      data: { subjectId: 'u', purpose: 'marketing_email' as const, withdrawnAt: 't' },
    };
    expectTypeOf(ok).toExtend<DomainEvent>();
    const typo = { type: 'ConsentWithdrawen', data: ok.data };
    expectTypeOf(typo).not.toExtend<DomainEvent>();
    const badField = {
      type: 'ConsentWithdrawn' as const,
      data: { subjectId: 'u', purpose: 'marketing_email' as const, withdrawAt: 't' },
    };
    expectTypeOf(badField).not.toExtend<DomainEvent>();
    const badValue = {
      type: 'ConsentWithdrawn' as const,
      data: { subjectId: 'u', purpose: 'spam' as const, withdrawnAt: 't' },
    };
    expectTypeOf(badValue).not.toExtend<DomainEvent>();
  });

  it('narrows by type', () => {
    expectTypeOf<EventOf<'ConsentGiven'>['data']['policyVersion']>().toEqualTypeOf<string>();
    const slice = eventSlice(['ConsentGiven', 'SubjectErased']);
    const e = {} as DomainEvent;
    if (slice.is(e)) expectTypeOf(e.type).toEqualTypeOf<'ConsentGiven' | 'SubjectErased'>();
  });
});
