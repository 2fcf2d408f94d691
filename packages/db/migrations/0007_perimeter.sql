-- Issue 8 (close the perimeter): a one-time password (bootstrap admin) expires. `one_time_expires_at` is set
-- with `change_required`; past it, signing in with that password is refused (a new admin bootstrap, or a reset
-- by email, issues a fresh one). Changing the password while signed in clears both.
alter table credentials add column one_time_expires_at timestamptz;
update credentials set one_time_expires_at = now() + interval '24 hours'
 where change_required and one_time_expires_at is null;
