-- Compliance registers (P09, P10, P23, P40–P42): officers' entries over the checked-in defaults
-- (projection `registers`, inline). `removed` keeps a default entry out once an officer took it out.
create table rm_register_entries (
  register    text not null check (register in ('processing', 'dpia', 'processor', 'disclosure')),
  entry_id    text not null check (length(entry_id) between 1 and 100),
  fields      jsonb,
  removed     boolean not null default false,
  reason      text,
  updated_by  text not null,
  updated_at  timestamptz not null,
  primary key (register, entry_id)
);

grant select, insert, update, delete on rm_register_entries to tia_app;
