import { describe, expect, it } from 'vitest';
import { ALL_EVENTS } from './catalog.js';
import { USAGE_RECORD } from './usage.js';

describe('usage record (P06)', () => {
  it('every event type belongs to exactly one declared use case', () => {
    const declared = Object.values(USAGE_RECORD).flat();
    expect([...declared].sort()).toEqual(ALL_EVENTS.map((e) => e.type).sort());
    expect(new Set(declared).size).toBe(declared.length);
  });

  it('event types are past tense and carry their personal fields explicitly', () => {
    for (const e of ALL_EVENTS) {
      // Past tense, or a past participle with a particle (SignedIn, SignedOut).
      expect(e.type).toMatch(/^[A-Z][A-Za-z]+(ed|Given|Withdrawn|Sent)(In|Out)?$/);
      const shape = (e.versions.at(-1)!.schema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
      for (const f of e.pii) expect(Object.keys(shape)).toContain(f);
    }
  });
});
