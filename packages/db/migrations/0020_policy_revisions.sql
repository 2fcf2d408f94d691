-- Policy revisions (P35, P07). Read models of the projection `policy` (inline):
--   rm_policy_revisions   one row per published revision of the privacy notice, with its full text;
--   rm_policy_acceptances who acknowledged which revision, when (gone with the person on erasure);
--   rm_policy_notices     who was emailed about which significant revision (gone on erasure).
-- policy_notice_claims is the worker's own bookkeeping (not a projection): a row is claimed before the email
-- about a revision goes to a person, so a crash or a second worker never mails them twice. A claim without a
-- matching rm_policy_notices row is an email whose delivery was not confirmed.
create table rm_policy_revisions (
  revision      int primary key check (revision >= 1),
  revision_id   text not null unique check (length(revision_id) between 1 and 40),
  summary       text not null,
  significant   boolean not null,
  effective_on  date not null,
  notice_body   text not null,
  published_by  text not null,
  published_at  timestamptz not null
);

create table rm_policy_acceptances (
  user_id      text not null,
  revision     int not null,
  revision_id  text not null,
  accepted_at  timestamptz not null,
  primary key (user_id, revision)
);

create table rm_policy_notices (
  revision  int not null,
  user_id   text not null,
  sent_at   timestamptz not null,
  primary key (revision, user_id)
);
create index rm_policy_notices_user on rm_policy_notices (user_id);

create table policy_notice_claims (
  revision    int not null,
  user_id     text not null,
  claimed_at  timestamptz not null default now(),
  primary key (revision, user_id)
);
create index policy_notice_claims_user on policy_notice_claims (user_id);

grant select, insert, update, delete on rm_policy_revisions, rm_policy_acceptances, rm_policy_notices,
  policy_notice_claims to tia_app;
