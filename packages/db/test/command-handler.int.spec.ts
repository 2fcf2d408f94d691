import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consent, type ConsentPurpose } from '@tia/domain';
import { createTestPersistence, T, type TestDatabase } from '../src/testing/index.js';
import type { Persistence } from '../src/factory.js';
import { CommandHandler, type CommandContext } from '../src/command-handler.js';
import { ConcurrencyError } from '../src/event-store.js';
import { asInline } from '../src/projections.js';
import { consentsProjection } from '../src/read-models/index.js';

let db: TestDatabase;
let p: Persistence;
let commands: CommandHandler;

beforeAll(async () => {
  ({ db, p } = await createTestPersistence());
  commands = new CommandHandler({
    sql: db.sql,
    store: p.store,
    clock: () => new Date(T),
    newId: randomUUID,
    inline: [asInline(consentsProjection)],
  });
});
afterAll(async () => db?.drop());

const give = (subjectId: string, purpose: ConsentPurpose): consent.ConsentCommand => ({
  type: 'GiveConsent',
  subjectId,
  purpose,
  policyVersion: 'v1',
  now: T,
});
const ctx = (userId: string): CommandContext => ({ actor: { kind: 'user', id: userId }, requestId: 'req-1' });

describe('CommandHandler: load → fold → decide → append at the loaded version', () => {
  it('appends what the decider decided, with the metadata built in one place, and keeps read models current', async () => {
    const u = randomUUID();
    const r = await commands.handle(consent.consentDecider, `privacy-${u}`, give(u, 'marketing_email'), {
      ...ctx(u),
      causationId: 'cause-1',
    });
    expect(r.version).toBe(1);
    expect(r.events.map((e) => e.type)).toEqual(['ConsentGiven']);
    expect(consent.purposeStatus(r.state, 'marketing_email').status).toBe('given');
    const [e] = await p.store.readStream(`privacy-${u}`);
    expect(e!.metadata).toEqual({
      occurredAt: T,
      actor: { kind: 'user', id: u },
      correlationId: 'req-1',
      causationId: 'cause-1',
    });
    expect(await db.sql`select status from rm_consents where subject_id = ${u}`).toEqual([
      { status: 'given' },
    ]);
  });

  it('decides several commands in order on the state the previous ones left, in one append', async () => {
    const u = randomUUID();
    const r = await commands.handle(
      consent.consentDecider,
      `privacy-${u}`,
      [give(u, 'marketing_email'), give(u, 'marketing_email'), give(u, 'product_improvement')],
      ctx(u),
    );
    expect(r.events.map((e) => e.type)).toEqual(['ConsentGiven', 'ConsentGiven']);
    expect(r.version).toBe(2);
  });

  it('appends nothing when nothing was decided (and says so with the loaded version)', async () => {
    const u = randomUUID();
    await commands.handle(consent.consentDecider, `privacy-${u}`, give(u, 'marketing_email'), ctx(u));
    const again = await commands.handle(
      consent.consentDecider,
      `privacy-${u}`,
      give(u, 'marketing_email'),
      ctx(u),
    );
    expect(again).toMatchObject({ events: [], version: 1 });
    expect(await p.store.readStream(`privacy-${u}`)).toHaveLength(1);
  });

  it('passes a broken rule through untouched and appends nothing', async () => {
    const u = randomUUID();
    await p.store.append(`privacy-${u}`, 0, [
      {
        eventId: randomUUID(),
        type: 'SubjectErased',
        data: { subjectId: u, reason: 'user_request', erasedAt: T },
        metadata: { occurredAt: T },
      },
    ]);
    const refused = commands.handle(
      consent.consentDecider,
      `privacy-${u}`,
      give(u, 'marketing_email'),
      ctx(u),
    );
    await expect(refused).rejects.toBeInstanceOf(consent.ConsentRuleViolated);
    await expect(refused).rejects.toMatchObject({ kind: 'forbidden' });
    expect(await p.store.readStream(`privacy-${u}`)).toHaveLength(1);
  });

  /** Two commands that both load the stream before either appends (a barrier in `before`, first attempt only). */
  const race = (u: string, maxAttempts?: number) => {
    let waiting = 0;
    let release!: () => void;
    const bothLoaded = new Promise<void>((r) => (release = r));
    let attempts = 0;
    const one = (purpose: ConsentPurpose) =>
      commands.handle(consent.consentDecider, `privacy-${u}`, give(u, purpose), ctx(u), {
        ...(maxAttempts ? { maxAttempts } : {}),
        // The barrier sits after the load (`guard`), so both have read the same version before either appends
        // (a barrier before the load let one commit before the other had even read, under load).
        guard: async () => {
          attempts++;
          if (attempts > 2) return;
          if (++waiting === 2) release();
          await bothLoaded;
        },
      });
    return {
      results: Promise.allSettled([one('marketing_email'), one('product_improvement')]),
      attempts: () => attempts,
    };
  };

  it('retries the whole command on a concurrency conflict: both racing commands land, in order', async () => {
    const u = randomUUID();
    const r = race(u);
    const results = await r.results;
    expect(results.map((x) => x.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(r.attempts()).toBe(3); // the loser was decided again on the new state
    const events = await p.store.readStream(`privacy-${u}`);
    expect(events.map((e) => e.streamVersion)).toEqual([1, 2]);
  });

  it('lets the conflict surface as ConcurrencyError once the attempts are used up', async () => {
    const u = randomUUID();
    const results = await race(u, 1).results;
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((x) => x.status === 'rejected');
    expect(lost && lost.status === 'rejected' ? lost.reason : null).toBeInstanceOf(ConcurrencyError);
    expect(await p.store.readStream(`privacy-${u}`)).toHaveLength(1);
  });

  it('refuses, without retrying, when the stream moved past the version the caller decided on', async () => {
    const u = randomUUID();
    await commands.handle(consent.consentDecider, `privacy-${u}`, give(u, 'marketing_email'), ctx(u));
    await expect(
      commands.handle(consent.consentDecider, `privacy-${u}`, give(u, 'product_improvement'), ctx(u), {
        expectedVersion: 0,
      }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await p.store.readStream(`privacy-${u}`)).toHaveLength(1);
  });

  it('runs inside the caller transaction when given one (the caller owns retries)', async () => {
    const u = randomUUID();
    await expect(
      db.sql.begin(async (tx) => {
        await commands.handle(consent.consentDecider, `privacy-${u}`, give(u, 'marketing_email'), ctx(u), {
          tx,
        });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await p.store.readStream(`privacy-${u}`)).toHaveLength(0);
  });
});
