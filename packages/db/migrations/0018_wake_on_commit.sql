-- Wake consumers on commit (issue 14, "Faster"). Every statement that inserts events (only tia_append does)
-- queues a notification on channel `tia_events` whose payload is the inserting transaction's id (xid8 as
-- text). PostgreSQL folds identical notifications of one transaction into one and delivers them only if
-- and when it commits, so a listener hears each committing appender once, after its events are visible.
-- Listeners (`wake.ts`) use the id to tell whether what they were told about is still above their
-- horizon (an older transaction still open) and poll briefly until it is not. Polling stays as a
-- fallback; a lost notification only delays a consumer to its fallback interval.
create function tia_events_notify() returns trigger
language plpgsql set search_path = pg_catalog as $$
begin
  perform pg_notify('tia_events', pg_current_xact_id()::text);
  return null;
end $$;

create trigger events_notify after insert on events
  for each statement execute function tia_events_notify();
