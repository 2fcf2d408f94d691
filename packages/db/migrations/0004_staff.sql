-- Staff access (issue 3): TOTP second factor, recovery codes, and the read model of role grants.

-- One TOTP factor per user. The secret is AES-256-GCM sealed with the user's own data key (crypto-shredded
-- with them); `enabled_at` stays null until the first code confirms the enrolment. `last_used_step` is the
-- highest 30-second step accepted so far: a code for that step or an earlier one is a replay and refused.
create table mfa_factors (
  user_id        text primary key,
  secret_enc     bytea not null,
  last_used_step bigint,
  enabled_at     timestamptz,
  created_at     timestamptz not null default now()
);

-- Single-use recovery codes: only the SHA-256 of each (high-entropy) code is kept.
create table mfa_recovery_codes (
  user_id    text not null,
  code_hash  bytea not null,
  used_at    timestamptz,
  created_at timestamptz not null default now(),
  primary key (user_id, code_hash)
);

-- People who must enrol a second factor before anything else (e.g. the bootstrap admin).
create table mfa_enrolment_required (
  user_id     text primary key,
  reason      text not null,
  required_at timestamptz not null default now()
);

-- Read model: current staff role grants with their last access review (projection `role_grants`).
create table rm_role_grants (
  user_id          text not null,
  role             text not null check (role in ('compliance_officer', 'analyst', 'admin')),
  granted_by       text not null,
  granted_at       timestamptz not null,
  last_reviewed_at timestamptz,
  primary key (user_id, role)
);
create index rm_role_grants_role on rm_role_grants (role);

-- Google identities linked to accounts, found by HMAC(AUTH_SECRET, sub) — the `sub` itself lives only
-- encrypted in `GoogleAccountLinked`.
create table google_identities (
  sub_lookup text primary key,
  user_id    text not null unique,
  linked_at  timestamptz not null default now()
);
