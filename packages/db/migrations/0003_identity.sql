-- Identity core (issue 3): sessions, credentials, one-time codes, trial registry, rate limits, the
-- under-16 refusal counter, and the read model of accounts. Secrets live here, never in events.

-- lucia's user table: one row per account and nothing else (the profile is in rm_accounts). Deleting it
-- (on erasure) removes the account's sessions, credentials and codes with it.
create table auth_users (
  id         text primary key,
  created_at timestamptz not null default now()
);

-- Sessions. `id` is the SHA-256 (hex) of the random cookie token: the token itself is never stored.
-- `expires_at` is the idle expiry (slides on use, never past `absolute_expires_at`).
create table auth_sessions (
  id                  text primary key check (id ~ '^[0-9a-f]{64}$'),
  user_id             text not null references auth_users (id) on delete cascade,
  expires_at          timestamptz not null,
  absolute_expires_at timestamptz not null,
  idle_seconds        int not null check (idle_seconds > 0),
  mfa_passed          boolean not null default false,
  created_at          timestamptz not null default now()
);
create index auth_sessions_user on auth_sessions (user_id);
create index auth_sessions_expiry on auth_sessions (expires_at);

-- Password credentials (argon2id PHC strings).
create table credentials (
  user_id       text primary key references auth_users (id) on delete cascade,
  password_hash text not null check (password_hash like '$argon2id$%'),
  updated_at    timestamptz not null default now()
);

-- One-time email codes, kept only as HMAC-SHA256(AUTH_SECRET, purpose ‖ user ‖ code). A new code voids the
-- older unused ones of the same purpose; a code dies after 5 wrong tries.
create table verification_codes (
  id              bigint generated always as identity primary key,
  user_id         text not null references auth_users (id) on delete cascade,
  purpose         text not null check (purpose in ('verify_email', 'reset_password')),
  code_hmac       bytea not null,
  expires_at      timestamptz not null,
  used_at         timestamptz,
  voided_at       timestamptz,
  failed_attempts int not null default 0,
  created_at      timestamptz not null default now()
);
create index verification_codes_live on verification_codes (user_id, purpose) where used_at is null and voided_at is null;

-- "Has this address had its free trial?": HMAC(AUTH_SECRET, normalised email) only. Survives erasure on
-- purpose (no user id, no email, no date beyond the day).
create table trial_registry (
  email_lookup text primary key,
  answers      int not null,
  first_day    date not null default current_date
);

-- Rate limiting: keys are HMACs of "<action>:<account or IP prefix>", never the email or IP themselves.
create table rate_limits (
  key               text primary key,
  failures          int not null,
  window_started_at timestamptz not null,
  blocked_until     timestamptz,
  alerted_window    timestamptz,
  updated_at        timestamptz not null default now()
);
create index rate_limits_updated on rate_limits (updated_at);

-- People under 16 are refused; the only trace is this counter per day.
create table underage_refusals (
  day   date primary key,
  count bigint not null
);

-- Read model (projection `accounts`, inline): one row per live account, deleted on erasure.
create table rm_accounts (
  user_id           text primary key,
  email_lookup      text not null unique,
  name              text not null,
  email             text not null,
  email_verified_at timestamptz,
  signup_method     text not null,
  trial_remaining   int not null default 0,
  trial_total       int not null default 0,
  created_at        timestamptz not null
);

do $$
begin
  create role tia_app nologin;
exception when duplicate_object or unique_violation then null;
end $$;
grant select, insert, update, delete on auth_users, auth_sessions, credentials, verification_codes,
  rate_limits, underage_refusals, rm_accounts to tia_app;
grant select, insert on trial_registry to tia_app;
