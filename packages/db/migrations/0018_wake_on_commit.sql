-- Wake consumers on commit (issue 14, "Faster"; `wake.ts`). A transaction that inserted events (only
-- tia_append does) notifies channel `tia_events` as it commits, with its transaction id (xid8 as text)
-- as payload. PostgreSQL delivers a notification only if and when its transaction commits, so a listener
-- that hears it can read the events at once. Polling stays as the fallback.
--
-- Cost, and why it is a deferred trigger with a try-lock: NOTIFY takes a cluster-wide lock at commit and
-- holds it through the commit's WAL flush, so notifying transactions commit one at a time (no group
-- commit) — with every append notifying, 8 concurrent writers lost about 70 % of their throughput. Here
-- the notification is decided at commit time (deferred constraint trigger) and only by a transaction
-- that takes the advisory lock below without waiting: while one transaction is committing its
-- notification, others commit without one, in the same group commit. Their events are found by the
-- consumers' second look shortly after each wake-up (`runPollingConsumer`), or their fallback poll.
create function tia_events_notify() returns trigger
language plpgsql set search_path = pg_catalog as $$
begin
  -- once per transaction: the trigger fires for every row inserted
  if current_setting('tia.events_notified', true) is distinct from 'y' then
    perform set_config('tia.events_notified', 'y', true);
    if pg_try_advisory_xact_lock(1952541, 18) then
      perform pg_notify('tia_events', pg_current_xact_id()::text);
    end if;
  end if;
  return null;
end $$;

create constraint trigger events_notify after insert on events
  deferrable initially deferred
  for each row execute function tia_events_notify();
