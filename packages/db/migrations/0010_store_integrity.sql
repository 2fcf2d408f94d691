-- The store keeps its word (issue 9): only tia_append writes events, per-stream order follows transaction
-- order, sparse consumers read from the index, dead letters carry their reason and can be re-driven.

-- Columns the database decides. A row's transaction id is the inserting transaction's; its position is the
-- one the identity sequence just drew for it (OVERRIDING SYSTEM VALUE cannot back-date a row); its
-- recording time is the clock's. Superusers can still disable triggers: the hash chain catches that.
create function tia_events_guard() returns trigger language plpgsql as $$
declare
  drawn bigint;
begin
  if new.transaction_id is distinct from pg_current_xact_id() then
    raise exception 'events.transaction_id is set by the database, not by the writer'
      using errcode = '42501';
  end if;
  begin
    drawn := currval(pg_get_serial_sequence(tg_relid::regclass::text, 'global_position'));
  exception when object_not_in_prerequisite_state then
    drawn := null;
  end;
  if drawn is distinct from new.global_position then
    raise exception 'events.global_position is set by the database, not by the writer'
      using errcode = '42501';
  end if;
  new.recorded_at := clock_timestamp();
  return new;
end $$;
create trigger events_guard before insert on events
  for each row execute function tia_events_guard();

-- Append, now the only way in (SECURITY DEFINER; the app role has no INSERT on events). On top of the
-- version check: a transaction whose id is lower than the stream head's must not append after it (it
-- took its id before the head's writer did, so consumers reading in transaction order would see n+1
-- before n). It is refused as a concurrency conflict; retrying in a new transaction succeeds.
create or replace function tia_append(p_stream text, p_expected bigint, p_events jsonb)
returns table (global_position bigint, stream_version bigint)
language plpgsql security definer as $$
declare
  cur_version bigint;
  head_xid    xid8;
  my_xid      xid8 := pg_current_xact_id();
begin
  select e.stream_version, e.transaction_id into cur_version, head_xid
    from events e where e.stream_id = p_stream order by e.stream_version desc limit 1;
  cur_version := coalesce(cur_version, 0);
  if p_expected is not null and cur_version <> p_expected then
    raise exception 'stream % expected at version % but is at %', p_stream, p_expected, cur_version
      using errcode = 'P0001', hint = 'tia:concurrency';
  end if;
  if head_xid is not null and head_xid > my_xid then
    raise exception 'stream % was appended to by a later transaction (% > %); retry in a new transaction',
      p_stream, head_xid, my_xid
      using errcode = 'P0001', hint = 'tia:concurrency';
  end if;
  return query
    insert into events as e (stream_id, stream_version, event_id, type, schema_version, data, metadata)
    select p_stream, cur_version + t.ord, (t.x->>'event_id')::uuid, t.x->>'type', (t.x->>'schema_version')::int,
           t.x->'data', t.x->'metadata'
      from jsonb_array_elements(p_events) with ordinality as t(x, ord)
     order by t.ord
    returning e.global_position, e.stream_version;
end $$;
-- A definer function resolves names in this schema only, temporary objects last (no hijacking by a
-- caller's temp table named `events`).
do $$
begin
  execute format('alter function tia_append(text, bigint, jsonb) set search_path = %I, pg_temp', current_schema());
end $$;
revoke all on function tia_append(text, bigint, jsonb) from public;
grant execute on function tia_append(text, bigint, jsonb) to tia_app;
revoke insert, update, delete, truncate on events from tia_app;

-- Sparse consumers (a type filter) decide from the index alone instead of fetching every heap row.
create index events_tx_order_type on events (transaction_id, global_position) include (type);
drop index events_tx_order;

-- Dead letters: who quarantined what and why, and re-drive bookkeeping (`npm run dlq:redrive`).
alter table dead_letters
  add column reason text not null default 'failed',
  add column redrive_requested_at timestamptz,
  add column redriven_at timestamptz;
grant update on dead_letters to tia_app;

-- Read models and identity tables created without grants: the application role reads and writes them
-- (inline projections run in its transactions). Rebuilds copy these grants to the swapped-in tables.
grant select, insert, update, delete on rm_activity_daily, rm_consents, rm_role_grants, mfa_factors,
  mfa_recovery_codes, mfa_enrolment_required, google_identities to tia_app;
-- keyFor's insert … on conflict do update (returning the existing key) needs UPDATE on that one column.
grant update (subject_id) on subject_keys to tia_app;
-- Health reads the migration count.
grant select on schema_migrations to tia_app;
