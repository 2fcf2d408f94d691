-- What the running services can do right now, as last checked by the process that provides it.
-- The worker writes `transcription` at start and every minute after; the web app reads it before it
-- accepts a recording, so a candidate is told at once when answers cannot be transcribed instead of
-- uploading audio nobody can process. Operational state, not personal data: no subject in here.
create table service_capabilities (
  capability   text primary key check (capability ~ '^[a-z][a-z0-9_]{0,39}$'),
  available    boolean not null,
  -- for operators (logs, /status); never shown to candidates
  reason       text check (reason is null or length(reason) <= 2000),
  install_hint text check (install_hint is null or length(install_hint) <= 500),
  checked_at   timestamptz not null default now()
);

grant select, insert, update on service_capabilities to tia_app;
