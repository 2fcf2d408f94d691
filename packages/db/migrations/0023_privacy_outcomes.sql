-- Privacy rights, the rest of issue 10: outcome emails and the retention of privacy request records.

-- The worker's own bookkeeping for emails about the outcome of a right (export ready, complaint answered): a row
-- is claimed (committed) before the email goes out, so a retry, a crash or a second worker never sends the same
-- email twice. `mail_key` is `<topic>:<export or request id>`: identifiers only, nothing about the person.
create table outcome_mail_claims (
  mail_key   text primary key check (length(mail_key) between 3 and 250),
  claimed_at timestamptz not null default now()
);

-- Retention runs also count the privacy request records they expired (RetentionRunCompleted v2).
alter table rm_retention_runs add column requests_expired int not null default 0;

grant select, insert, update, delete on outcome_mail_claims to tia_app;
