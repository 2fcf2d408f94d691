-- Read models (projections). Each is rebuilt from the log by `rebuildProjection`.

-- Usage activity per event type and day: counts only, no person in it (P06, P22).
create table rm_activity_daily (
  day        date not null,
  category   text not null,
  type       text not null,
  events     bigint not null,
  primary key (day, type)
);

-- Current consent per subject and purpose: what processing may run right now (P24).
create table rm_consents (
  subject_id     text not null,
  purpose        text not null,
  status         text not null check (status in ('given', 'withdrawn')),
  policy_version text,
  since          timestamptz not null,
  primary key (subject_id, purpose)
);
