-- Privacy rights (issue 10): every right exercised is a request with a due date that compliance tracks, and
-- the data export's file, kept only until its one download or 24 hours.

-- Read model (projection `privacy-requests`): one row per request. Ids, kinds and times only: no name, no
-- email, no complaint text (that stays encrypted in the event log). Kept after erasure as the record that
-- the request was answered (the subject id is a random id, not a person's data once their key is gone).
create table rm_privacy_requests (
  request_id   text primary key,
  subject_id   text not null,
  kind         text not null check (kind in ('access', 'export', 'rectification', 'erasure', 'restriction',
                 'objection', 'withdrawal', 'complaint', 'minor_report')),
  status       text not null check (status in ('received', 'completed', 'refused')),
  received_at  timestamptz not null,
  due_at       timestamptz not null,
  closed_at    timestamptz,
  -- 'system' or the staff member's user id
  handled_by   text,
  refusal      text
);
create index rm_privacy_requests_open on rm_privacy_requests (status, due_at);
create index rm_privacy_requests_subject on rm_privacy_requests (subject_id, received_at desc);

-- The export's ZIP, encrypted under the subject's key (so erasure makes it unreadable), with the progress the
-- worker reports while building it. Operational state: the lifecycle itself is in the DataExport* events.
create table privacy_exports (
  export_id    text primary key,
  subject_id   text not null,
  request_id   text not null,
  status       text not null check (status in ('requested', 'building', 'ready', 'downloaded', 'expired')),
  progress     integer not null default 0 check (progress between 0 and 100),
  ciphertext   bytea,
  bytes        integer,
  requested_at timestamptz not null,
  ready_at     timestamptz,
  expires_at   timestamptz,
  closed_at    timestamptz
);
create index privacy_exports_subject on privacy_exports (subject_id, requested_at desc);
create index privacy_exports_ready on privacy_exports (expires_at) where status = 'ready';

grant select, insert, update, delete on rm_privacy_requests, privacy_exports to tia_app;
