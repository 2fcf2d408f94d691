/**
 * Issue 9 "Done when": tsc rejects an append or a projection that names an event type or field that does not
 * exist. The `@ts-expect-error` lines are the test: `npm run typecheck` fails if any of them stops being an
 * error (typing loosened), and vitest runs the values for good measure.
 */
import { describe, expect, it } from 'vitest';
import type { EventStore, NewEvent } from './event-store.js';
import { defineProjection } from './projections.js';

const metadata = { occurredAt: '2026-12-07T00:00:00.000Z' };
const data = { subjectId: 'u', purpose: 'marketing_email' as const, withdrawnAt: 't' };

describe('typed writes', () => {
  it('append takes members of DomainEvent only', () => {
    const ok: NewEvent[] = [{ eventId: 'e1', type: 'ConsentWithdrawn', data, metadata }];
    // @ts-expect-error — no such event type
    const typo: NewEvent[] = [{ eventId: 'e2', type: 'ConsentWithdrawen', data, metadata }];
    const badField: NewEvent[] = [
      {
        eventId: 'e3',
        type: 'ConsentWithdrawn',
        // @ts-expect-error — no such field on ConsentWithdrawn (withdrawAt)
        data: { subjectId: 'u', purpose: 'marketing_email', withdrawAt: 't' },
        metadata,
      },
    ];
    const append = (store: EventStore) => store.append('privacy-u', 0, ok);
    expect([ok, typo, badField, append].length).toBe(4);
  });

  it('a projection names existing types and reads their fields as typed', () => {
    const good = defineProjection({
      name: 'typed_check',
      tables: [],
      types: ['ConsentWithdrawn'],
      apply: async (_tx, events) => {
        for (const e of events) void e.data.withdrawnAt;
        // @ts-expect-error — no such field on ConsentWithdrawn
        for (const e of events) void e.data.withdrawAt;
        await Promise.resolve();
      },
    });
    const typo = defineProjection({
      name: 'typed_typo',
      tables: [],
      // @ts-expect-error — no such event type
      types: ['ConsentWithdrawen'],
      apply: () => Promise.resolve(),
    });
    expect([good.name, typo.name]).toEqual(['typed_check', 'typed_typo']);
  });
});
