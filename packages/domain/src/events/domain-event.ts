import type { EventDefinition } from './registry.js';
import type { ALL_EVENTS } from './catalog.js';

/**
 * The one typed event union, derived from the event definitions in `catalog.ts` (`ALL_EVENTS`): each member is
 * `{ type, data }` with `data` the zod-inferred data of that type's current schema version. Add an event to
 * `ALL_EVENTS` and it is part of the union; a misspelt type or field anywhere is a compile error.
 */
type Definitions = (typeof ALL_EVENTS)[number];

/** Every event type name the code knows. */
export type EventType = Definitions['type'];

/** The (current-version) data of one event type. */
export type EventData<T extends EventType> =
  Extract<Definitions, { type: T }> extends EventDefinition<T, infer D> ? D : never;

/** Each event type's `{ type, data }`, by type name. */
export type DomainEventMap = { [T in EventType]: { type: T; data: EventData<T> } };

export type DomainEvent = DomainEventMap[EventType];

/** The members of the union with these type names (an indexed access: covariant in `T`). */
export type EventOf<T extends EventType> = DomainEventMap[T];

/**
 * A decider's or reader's slice of the union, from one list of type names: `Event` is its type (compile-checked
 * against the catalog), `types` the runtime list (for store filters), `is` the narrowing guard.
 */
export interface EventSlice<T extends EventType> {
  readonly types: readonly T[];
  is(e: { type: string }): e is EventOf<T>;
  /** Only the type, for `typeof slice.Event`; undefined at run time. */
  readonly Event?: EventOf<T>;
}

export const eventSlice = <const T extends EventType>(types: readonly T[]): EventSlice<T> => {
  const set: ReadonlySet<string> = new Set(types);
  return { types, is: (e): e is EventOf<T> => set.has(e.type) };
};

/** The events of a slice, in order (others dropped). */
export const eventsOf = <T extends EventType, E extends { type: string }>(
  slice: EventSlice<T>,
  events: readonly E[],
): (E & EventOf<T>)[] => events.filter((e): e is E & EventOf<T> => slice.is(e));
