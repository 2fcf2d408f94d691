-- Breach response (P36): read models of the `breach-<id>` streams (projection `breaches`, inline) and of
-- account suspensions. Everything here is rebuilt from events; no personal values, only pseudonymous ids.
create table rm_breaches (
  breach_id       text primary key,
  title           text not null,
  description     text not null,
  aware_at        timestamptz not null,
  deadline_at     timestamptz not null,
  registered_by   text not null,
  registered_at   timestamptz not null,
  status          text not null check (status in ('open', 'closed')),
  -- latest assessment of the affected people
  window_from     timestamptz,
  window_to       timestamptz,
  category        text,
  affected_count  int not null default 0,
  records_count   bigint not null default 0,
  notified_count  int not null default 0,
  -- current wording of the notice to affected people
  notice          jsonb,
  -- latest report to the authority (GDPR Art. 33(3) fields as one JSON object)
  authority_report jsonb,
  reported_at     timestamptz,
  closed_at       timestamptz,
  closed_by       text,
  summary         text,
  not_reported_reason text,
  version         bigint not null
);

-- Every step of an incident, in order (the console's timeline).
create table rm_breach_steps (
  breach_id   text not null references rm_breaches (breach_id) on delete cascade,
  seq         bigint not null,
  kind        text not null,
  detail      jsonb not null,
  actor       text not null,
  at          timestamptz not null,
  primary key (breach_id, seq)
);

-- The people found affected by the latest assessment, and when each was told.
create table rm_breach_affected (
  breach_id   text not null references rm_breaches (breach_id) on delete cascade,
  user_id     text not null,
  notified_at timestamptz,
  primary key (breach_id, user_id)
);

-- Suspended accounts: no sign-in, no session resolves.
create table rm_account_suspensions (
  user_id      text primary key,
  breach_id    text not null,
  suspended_by text not null,
  suspended_at timestamptz not null
);

grant select, insert, update, delete on rm_breaches, rm_breach_steps, rm_breach_affected,
  rm_account_suspensions to tia_app;
