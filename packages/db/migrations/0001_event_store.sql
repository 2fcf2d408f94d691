-- Event store: append-only events (streams are implicit), hash chain, key store, consumer bookkeeping.

create table events (
  global_position bigint generated always as identity primary key,
  transaction_id  xid8 not null default pg_current_xact_id(),
  stream_id       text not null,
  stream_version  bigint not null check (stream_version >= 1),
  event_id        uuid not null unique,
  type            text not null check (length(type) between 1 and 100),
  schema_version  int not null check (schema_version >= 1),
  data            jsonb not null,
  metadata        jsonb not null,
  recorded_at     timestamptz not null default clock_timestamp(),
  unique (stream_id, stream_version)
);
-- Consumers read in commit-safe order: (transaction_id, global_position).
create index events_tx_order on events (transaction_id, global_position);
create index events_type on events (type, global_position);

-- Append-only, enforced by the database for every role (superusers included, unless they disable triggers).
create function tia_forbid_mutation() returns trigger language plpgsql as $$
begin
  raise exception 'table % is append-only: % is not allowed', tg_table_name, tg_op
    using errcode = '42501';
end $$;

create trigger events_no_update before update or delete on events
  for each row execute function tia_forbid_mutation();
create trigger events_no_truncate before truncate on events
  for each statement execute function tia_forbid_mutation();

-- Tamper evidence. The sealer walks committed events in (transaction_id, global_position) order and chains
-- sha256(prev_hash || row_digest). Row digests cover the stored bytes (ciphertext for personal data), so
-- crypto-shredding never breaks the chain.
create function tia_row_digest(e events) returns bytea language sql stable as $$
  select sha256(convert_to(
    e.global_position::text || '|' || e.transaction_id::text || '|' || e.event_id::text || '|' ||
    e.stream_id || '|' || e.stream_version::text || '|' || e.type || '|' || e.schema_version::text || '|' ||
    ((extract(epoch from e.recorded_at) * 1000000)::bigint)::text || '|' || e.data::text || '|' || e.metadata::text,
    'UTF8'))
$$;

create table event_chain (
  seq             bigint primary key,
  global_position bigint not null unique references events (global_position),
  transaction_id  xid8 not null,
  prev_hash       bytea not null,
  hash            bytea not null,
  sealed_at       timestamptz not null default now()
);
create trigger event_chain_no_update before update or delete on event_chain
  for each row execute function tia_forbid_mutation();
create trigger event_chain_no_truncate before truncate on event_chain
  for each statement execute function tia_forbid_mutation();

create function tia_seal(p_max int) returns int language plpgsql as $$
declare
  last_seq  bigint;
  last_hash bytea;
  last_xid  xid8;
  last_pos  bigint;
  r         record;
  n         int := 0;
begin
  if not pg_try_advisory_xact_lock(hashtext('tia:seal')) then
    return 0; -- another sealer is at work
  end if;
  select seq, hash, transaction_id, global_position into last_seq, last_hash, last_xid, last_pos
    from event_chain order by seq desc limit 1;
  if last_seq is null then
    last_seq := 0; last_hash := decode(repeat('00', 32), 'hex'); last_xid := '0'::xid8; last_pos := 0;
  end if;
  for r in
    select e.global_position, e.transaction_id, tia_row_digest(e) as digest
      from events e
     where (e.transaction_id, e.global_position) > (last_xid, last_pos)
       and e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     order by e.transaction_id, e.global_position
     limit p_max
  loop
    last_seq := last_seq + 1;
    insert into event_chain (seq, global_position, transaction_id, prev_hash, hash)
      values (last_seq, r.global_position, r.transaction_id, last_hash, sha256(last_hash || r.digest));
    last_hash := sha256(last_hash || r.digest);
    n := n + 1;
  end loop;
  return n;
end $$;

-- Append: one round trip, no lock beyond the unique index. The stream's version is its last event's
-- stream_version (index-only lookup); two writers at the same version collide on
-- unique (stream_id, stream_version) and the loser gets a concurrency error. An event id seen before
-- collides on unique (event_id); the client then checks whether it was the very same append (idempotent).
-- p_expected: null = any version, 0 = stream must not exist, n = must be at n.
create function tia_append(p_stream text, p_expected bigint, p_events jsonb)
returns table (global_position bigint, stream_version bigint)
language plpgsql as $$
declare
  cur_version bigint;
begin
  select coalesce(max(e.stream_version), 0) into cur_version from events e where e.stream_id = p_stream;
  if p_expected is not null and cur_version <> p_expected then
    raise exception 'stream % expected at version % but is at %', p_stream, p_expected, cur_version
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

-- Crypto-shredding: one data key per data subject, wrapped by the master key (never stored here).
create table subject_keys (
  subject_id  text primary key,
  wrapped_key bytea not null,
  kek_id      text not null,
  created_at  timestamptz not null default now()
);
-- Tombstones: an erased subject's key can never be silently recreated.
create table erased_subjects (
  subject_id text primary key,
  erased_at  timestamptz not null default now(),
  reason     text not null
);

-- Consumers (projections, relay, worker handlers): one checkpoint each, stored with their work.
create table consumer_checkpoints (
  consumer        text primary key,
  transaction_id  xid8 not null default '0',
  global_position bigint not null default 0,
  processed       bigint not null default 0,
  updated_at      timestamptz not null default now()
);
-- Idempotency: a handler records each event id it processed in the same transaction as its effects.
create table consumer_inbox (
  consumer     text not null,
  event_id     uuid not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
-- Liveness of each running consumer instance (health endpoint, lag).
create table consumer_status (
  consumer     text primary key,
  mode         text not null,
  instance     text not null,
  started_at   timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  last_error   text
);
-- Poison messages that exhausted their retries.
create table dead_letters (
  id              bigint generated always as identity primary key,
  consumer        text not null,
  event_id        uuid not null,
  global_position bigint,
  type            text not null,
  attempts        int not null,
  error           text not null,
  created_at      timestamptz not null default now(),
  unique (consumer, event_id)
);

-- A least-privilege role for the application: it may read and append events, never rewrite them.
do $$
begin
  create role tia_app nologin;
exception when duplicate_object or unique_violation then null; -- roles are cluster-wide
end $$;
revoke all on events, event_chain from public;
grant select, insert on events, event_chain to tia_app;
grant select, insert, update on consumer_checkpoints, consumer_status to tia_app;
grant select, insert, delete on subject_keys, consumer_inbox to tia_app;
grant select, insert on erased_subjects, dead_letters to tia_app;
