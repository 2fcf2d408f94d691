-- Retention per data category (issue 10, P18). Three read models, no personal data in any of them.

-- Projection `account_activity` (asynchronous, so it replays the whole log when first deployed): when each
-- account was last active (registered, signed in, started a session, uploaded an answer), by the times in the
-- events. Deleted on erasure.
create table rm_account_activity (
  user_id        text primary key,
  last_active_at timestamptz not null
);
create index rm_account_activity_last on rm_account_activity (last_active_at);

-- Projection `retention` (inline): inactivity warnings sent, and the retention job's runs that did something.
create table rm_retention_warnings (
  user_id        text primary key,
  last_active_at timestamptz not null,
  erase_after    timestamptz not null,
  warned_at      timestamptz not null
);

create table rm_retention_runs (
  run_id           text primary key,
  started_at       timestamptz not null,
  finished_at      timestamptz not null,
  sessions_expired int not null,
  accounts_warned  int not null,
  accounts_erased  int not null,
  deferred         int not null
);
create index rm_retention_runs_finished on rm_retention_runs (finished_at desc);

grant select, insert, update, delete on rm_account_activity, rm_retention_warnings, rm_retention_runs to tia_app;
