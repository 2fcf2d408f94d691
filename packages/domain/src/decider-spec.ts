import type { Decider } from './decider.js';
import type { EventOf, EventType } from './events/domain-event.js';

/**
 * Given/When/Then for deciders (as Emmett's `DeciderSpecification`): `given(events).when(command).then(events)`
 * or `.thenThrows(ErrorClass | pattern, rule?)` (`rule`: the `DomainRuleViolated` rule it must name). Pure: `then` throws on a mismatch, so any runner reports it. Every
 * decider spec uses this one helper.
 *
 *   const spec = specFor(consent.consentDecider);
 *   spec.given([given]).when(withdraw).then([withdrawn]);
 */
export const specFor = <S, C, T extends EventType>(decider: Decider<S, C, T>) => ({
  given: (events: readonly EventOf<T>[]) => {
    const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState);
    return {
      /** The state the given events fold to (for assertions on read helpers). */
      state,
      when: (command: C) => {
        const run = () => decider.decide(command, state);
        return {
          then: (expected: readonly EventOf<T>[]): void => {
            const a = JSON.stringify(run());
            const e = JSON.stringify(expected);
            if (a !== e) throw new Error(`Expected events\n  ${e}\nbut the decider decided\n  ${a}`);
          },
          thenThrows: (
            expected: (abstract new (...args: never[]) => Error) | RegExp,
            rule?: string,
          ): void => {
            let thrown: unknown = null;
            try {
              run();
            } catch (err) {
              thrown = err;
            }
            if (thrown === null) throw new Error('Expected the command to be refused, but it was accepted');
            const ok =
              expected instanceof RegExp
                ? thrown instanceof Error && expected.test(thrown.message)
                : thrown instanceof expected;
            if (!ok)
              throw new Error(
                `The command was refused with an unexpected error: ${thrown instanceof Error ? thrown.message : 'not an Error'}`,
              );
            const named = (thrown as { rule?: unknown }).rule;
            if (rule !== undefined && named !== rule)
              throw new Error(`The command was refused under rule ${String(named)}, not ${rule}`);
          },
          /** The events decided (for assertions the helper does not cover). */
          events: run,
        };
      },
    };
  },
});
