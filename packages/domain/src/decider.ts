import type { EventOf, EventSlice, EventType } from './events/domain-event.js';

/**
 * A decider (Jérémie Chassaing's pattern, as in Emmett): pure `decide(command, state) → events` and
 * `evolve(state, event) → state` from `initialState`. `events` is the slice of the `DomainEvent` union it reads
 * and writes — its event type is derived from the catalog, never copied. No I/O, no clock, no random ids:
 * time and ids arrive inside the command.
 */
export interface Decider<S, C, T extends EventType> {
  readonly events: EventSlice<T>;
  readonly initialState: S;
  decide(command: C, state: S): EventOf<T>[];
  evolve(state: S, event: EventOf<T>): S;
}

/** The event type of a decider. */
export type DeciderEvent<D> = D extends Decider<infer _S, infer _C, infer T> ? EventOf<T> : never;

/** Folds events (of the decider's slice; others are skipped) into its state. */
export const foldWith = <S, C, T extends EventType>(
  d: Decider<S, C, T>,
  events: readonly { type: string }[],
): S => {
  let state = d.initialState;
  for (const e of events) if (d.events.is(e)) state = d.evolve(state, e);
  return state;
};

/**
 * The root of errors raised below the API (deciders, the event store) that a caller may cause. `kind` says how
 * the API reports it, mapped once in `@tia/api` errors: `conflict` → 409, `forbidden` → 403,
 * `not_found` → 404, `invalid` → 400. The message must be safe to show (no personal data, no internals).
 */
export abstract class DomainError extends Error {
  abstract readonly kind: 'conflict' | 'forbidden' | 'not_found' | 'invalid';
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A broken business rule: the command is refused and nothing is appended. */
export abstract class DomainRuleViolated extends DomainError {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}
