-- Sign-up rules for every sign-up path, and the bootstrap admin's one-time password (issue 3).
-- `profile_complete`: false for an account created through Google until its holder gave a date of birth
-- (≥ 16) and the required consent (`auth.completeProfile`); the facts themselves are events.
alter table auth_users add column profile_complete boolean not null default true;
-- `change_required`: the password is a one-time password (bootstrap admin); until it is changed, the
-- account may do nothing but change it (enforced by the tRPC access guard).
alter table credentials add column change_required boolean not null default false;
