/**
 * A practice session (stream `practice-<sessionId>`), as a decider: starting it records the questions that were
 * picked or generated (by the caller, with the time and the session id). A session starts once.
 */
import { eventSlice, type EventData, type EventOf } from '../events/domain-event.js';
import { DomainRuleViolated, type Decider } from '../decider.js';

export type SessionState = { kind: 'none' } | { kind: 'started'; userId: string; startedAt: string };

export type SessionCommand = {
  type: 'StartSession';
  /** Everything `PracticeSessionStarted` records but the time. */
  session: Omit<EventData<'PracticeSessionStarted'>, 'startedAt'>;
  now: string;
};

export const sessionEvents = eventSlice(['PracticeSessionStarted']);
export type SessionEvent = EventOf<'PracticeSessionStarted'>;

export class SessionRuleViolated extends DomainRuleViolated {
  readonly kind = 'conflict' as const;
  constructor(
    override readonly rule: 'already_started',
    message: string,
  ) {
    super(rule, message);
  }
}

export const initialState: SessionState = { kind: 'none' };

export const decide = (cmd: SessionCommand, state: SessionState): SessionEvent[] => {
  if (state.kind !== 'none')
    throw new SessionRuleViolated('already_started', 'This session has already started.');
  return [{ type: 'PracticeSessionStarted', data: { ...cmd.session, startedAt: cmd.now } }];
};

export const evolve = (_state: SessionState, event: SessionEvent): SessionState => ({
  kind: 'started',
  userId: event.data.userId,
  startedAt: event.data.startedAt,
});

export const sessionDecider: Decider<SessionState, SessionCommand, 'PracticeSessionStarted'> = {
  events: sessionEvents,
  decide,
  evolve,
  initialState,
};
