import type { Decider, DomainEvent, EventOf, EventType } from '@tia/domain';
import {
  ConcurrencyError,
  type EventMetadata,
  type EventStore,
  type NewEvent,
  type InlineProjection,
} from './event-store.js';
import type { Sql, TxSql } from './sql.js';

/**
 * The one write path (in the style of Emmett's `CommandHandler`): load the stream → fold it with the decider's
 * `evolve` from `initialState` → `decide` → append what was decided at the version that was loaded. Metadata
 * (actor, correlation, causation, request) is built here and nowhere else. A `ConcurrencyError` (someone
 * appended in between) re-runs the whole command on the new state, a bounded number of times; after that it
 * surfaces (the API maps it to 409). Rule violations (`DomainRuleViolated`) pass through untouched.
 *
 * Use it from a use case (`packages/api/src/<area>/<use-case>.ts`):
 *
 *   await commands.handle(privacy.privacyDecider, privacyStream(userId),
 *     (state, now) => ({ type: 'Restrict', subjectId: userId, now }), { actor: user(userId), requestId });
 */

/** Who caused a command and within what (the request, the event being handled). */
export interface CommandContext {
  actor: NonNullable<EventMetadata['actor']>;
  /** The request that carried the command (becomes the correlation id unless one is given). */
  requestId?: string;
  /** Groups everything one action caused (default: the request id). */
  correlationId?: string;
  /** The event that caused this command (worker handlers). */
  causationId?: string;
}

export interface HandleOptions<S> {
  /**
   * Run inside the caller's transaction. The caller then owns retries (a failed statement aborts the whole
   * transaction): wrap it in `retryOnConflict`.
   */
  tx?: TxSql;
  /**
   * Runs in the command's transaction before the stream is loaded: take locks (e.g. `lockSubject`), check
   * what the decider cannot see (read models). Throwing refuses the command.
   */
  before?: (tx: TxSql) => Promise<void>;
  /**
   * Runs after the stream is loaded, before deciding: checks that need I/O (read models, other tables) on the
   * loaded state. Throwing refuses the command.
   */
  guard?: (tx: TxSql, state: S) => Promise<void>;
  /** Runs in the command's transaction after the append (or when nothing was decided): side tables. */
  after?: (tx: TxSql, result: { events: readonly DomainEvent[]; state: S; version: number }) => Promise<void>;
  /** Attempts in all when the stream changed meanwhile (default 4). Ignored with `tx` or `expectedVersion`. */
  maxAttempts?: number;
  /**
   * The version the caller decided on earlier (e.g. before slow read-only work): if the stream moved since,
   * the command is refused with a `ConcurrencyError` and not retried.
   */
  expectedVersion?: number;
}

export interface CommandResult<S, T extends EventType> {
  /** What was decided and appended (empty: nothing to do). */
  events: EventOf<T>[];
  /** The state after the new events. */
  state: S;
  /** The stream version after the append (the loaded one when nothing was decided). */
  version: number;
}

/** The metadata of every event a command appends: built here only. */
export const commandMetadata = (ctx: CommandContext, occurredAt: string): EventMetadata => {
  const correlationId = ctx.correlationId ?? ctx.requestId;
  return {
    occurredAt,
    actor: ctx.actor,
    ...(correlationId ? { correlationId } : {}),
    ...(ctx.causationId ? { causationId: ctx.causationId } : {}),
  };
};

/** Re-runs `work` (a whole transaction) when it lost an optimistic-concurrency race; bounded, with jitter. */
export const retryOnConflict = async <R>(work: () => Promise<R>, maxAttempts = 4): Promise<R> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      if (!(e instanceof ConcurrencyError) || attempt >= maxAttempts) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 15 * attempt));
    }
  }
};

export class CommandHandler {
  constructor(
    private readonly deps: {
      sql: Sql;
      store: EventStore;
      clock: () => Date;
      newId: () => string;
      /** Read models kept in the append's transaction (every command passes them: none is skipped). */
      inline?: readonly InlineProjection[];
    },
  ) {}

  /**
   * Decides `command` (or several, in order, each on the state the previous ones left) on the stream's state
   * and appends the events at the loaded version. `command` may be a function of the state and the time.
   */
  async handle<S, C, T extends EventType>(
    decider: Decider<S, C, T>,
    streamId: string,
    command: C | readonly C[] | ((state: S, now: string) => C | readonly C[]),
    ctx: CommandContext,
    opts: HandleOptions<S> = {},
  ): Promise<CommandResult<S, T>> {
    const run = async (tx: TxSql): Promise<CommandResult<S, T>> => {
      if (opts.before) await opts.before(tx);
      const { state: loaded, version } = await this.deps.store.load(streamId, decider, tx);
      if (opts.expectedVersion !== undefined && opts.expectedVersion !== version)
        throw new ConcurrencyError(
          streamId,
          opts.expectedVersion,
          `stream ${streamId} expected at version ${opts.expectedVersion} but is at ${version}`,
        );
      if (opts.guard) await opts.guard(tx, loaded);
      const now = this.deps.clock().toISOString();
      const c =
        typeof command === 'function' ? (command as (s: S, n: string) => C | C[])(loaded, now) : command;
      const cmds: readonly C[] = Array.isArray(c) ? (c as readonly C[]) : [c as C];
      let state = loaded;
      const events: EventOf<T>[] = [];
      for (const cmd of cmds) {
        const out = decider.decide(cmd, state);
        for (const e of out) state = decider.evolve(state, e);
        events.push(...out);
      }
      let result: CommandResult<S, T> = { events, state, version };
      if (events.length > 0) {
        const metadata = commandMetadata(ctx, now);
        const appended = await this.deps.store.append(
          streamId,
          version,
          // EventOf<T> is a member of DomainEvent; tsc cannot see it through a generic intersection.
          events.map((e) => ({ ...e, eventId: this.deps.newId(), metadata }) as NewEvent),
          { tx, inline: this.deps.inline ?? [] },
        );
        result = { events, state, version: appended.nextVersion };
      }
      if (opts.after) await opts.after(tx, result);
      return result;
    };
    if (opts.tx) return run(opts.tx);
    const attempts = opts.expectedVersion !== undefined ? 1 : (opts.maxAttempts ?? 4);
    return retryOnConflict(() => this.deps.sql.begin(run), attempts);
  }
}
