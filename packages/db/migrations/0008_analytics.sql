-- Analyst workspace (issue 12, P25, P43).
--
-- analytics_private: each subject's contribution (needed to count distinct subjects per cell and to take a
--   subject out again when they object, restrict processing, withdraw the product-improvement consent or are
--   erased). Never readable by tia_analyst.
-- analytics: the aggregates analysts read, recomputed from analytics_private by the `analytics` projection.
--   Only counts, bin numbers, dates (week, month) and fixed enumerations: no column can hold an identifier
--   or free text (asserted by packages/db/test/analytics.int.spec.ts).

create schema analytics_private;

create table analytics_private.subjects (
  subject_id        text primary key,
  cohort            date,                          -- sign-up month (first day)
  verified          boolean not null default false,
  answers           integer not null default 0,
  objected          boolean not null default false,
  restricted        boolean not null default false,
  consent_withdrawn boolean not null default false -- product_improvement consent withdrawn
);

create table analytics_private.sessions (
  session_id text primary key,
  subject_id text not null,
  track      text not null
);
create index analytics_private_sessions_subject on analytics_private.sessions (subject_id);

create table analytics_private.answers (
  recording_id text primary key,
  subject_id   text not null,
  track        text not null,
  week         date not null,          -- ISO week (Monday) of the upload
  uploaded_at  timestamptz not null,
  competency   text,                   -- set when scored
  question     smallint,               -- bank question number (null for generated job questions)
  bins         jsonb                   -- measure -> bin number, set when scored
);
create index analytics_private_answers_subject on analytics_private.answers (subject_id);

create schema analytics;

create type analytics.track as enum ('competency', 'ypp', 'job');
create type analytics.competency as enum (
  'teamwork', 'leadership', 'problem-solving', 'communication', 'adaptability', 'integrity', 'customer-focus',
  'wbg-deliver-results', 'wbg-collaborate', 'wbg-lead-innovate', 'wbg-knowledge', 'wbg-smart-decisions',
  'wbg-mission-fit', 'role-expertise', 'motivation');
-- 'all': the row totals shared by every measure (scored answers per row).
create type analytics.measure as enum (
  'all', 'overall', 'criterion_star', 'criterion_result', 'criterion_ownership', 'criterion_competency', 'criterion_substance',
  'criterion_relevance', 'criterion_length', 'criterion_pace', 'criterion_fillers', 'criterion_hedging',
  'pace', 'fillers', 'latency');
-- 'all': column totals (every scored answer).
create type analytics.dimension as enum ('all', 'track', 'competency', 'question', 'week', 'cohort');

-- Scored answers per (measure, dimension value, bin): `answers` is published, `subjects` decides suppression.
create table analytics.answer_cells (
  measure    analytics.measure not null,
  dimension  analytics.dimension not null,
  track      analytics.track,
  competency analytics.competency,
  question   smallint,
  week       date,
  cohort     date,
  bin        smallint,                 -- null: the row total
  answers    integer not null check (answers >= 0),
  subjects   integer not null check (subjects >= 0)
);
create index analytics_answer_cells_measure on analytics.answer_cells (measure, dimension);

-- Subjects per sign-up month (null: every month) and exclusive funnel stage (null: every stage).
create table analytics.funnel_cells (
  cohort   date,
  stage    smallint check (stage between 1 and 4),
  subjects integer not null check (subjects >= 0)
);

create table analytics.freshness (
  refreshed_at timestamptz not null
);

-- The analyst role: usage and select on `analytics`, nothing else.
do $$ begin
  create role tia_analyst nologin;
exception when duplicate_object or unique_violation then null; -- roles are cluster-wide
end $$;
revoke all on schema analytics, analytics_private from public;
grant usage on schema analytics to tia_analyst;
grant select on all tables in schema analytics to tia_analyst;
-- Tables recreated by a rebuild (create table … like …) get the same grant.
alter default privileges in schema analytics grant select on tables to tia_analyst;
-- The application connects as its own role and switches to tia_analyst (SET LOCAL ROLE) for analyst reads.
do $$ begin
  execute format('grant tia_analyst to %I', current_user);
exception
  when duplicate_object or unique_violation then null; -- already a member
  when invalid_grant_operation or insufficient_privilege then
  raise notice 'could not grant tia_analyst to %: analyst reads will fail until an administrator does', current_user;
end $$;

do $$ begin
  create role tia_app nologin;
exception when duplicate_object or unique_violation then null;
end $$;
grant usage on schema analytics, analytics_private to tia_app;
grant select, insert, update, delete on all tables in schema analytics, analytics_private to tia_app;
-- The app's login roles are members of tia_app only (least privilege): through tia_app they may switch to
-- tia_analyst, a role with less, never more (it reads `analytics` and nothing else).
do $$ begin
  grant tia_analyst to tia_app;
exception
  when duplicate_object or unique_violation then null;
  when invalid_grant_operation or insufficient_privilege then
  raise notice 'could not grant tia_analyst to tia_app: analyst reads as the app role will fail until an administrator does';
end $$;
