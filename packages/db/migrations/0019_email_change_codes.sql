-- Rectification (issue 10): a change of email is confirmed with a one-time code sent to the new address,
-- kept like the other codes (HMAC only, 10 minutes, single use, 5 tries).
alter table verification_codes drop constraint verification_codes_purpose_check;
alter table verification_codes add constraint verification_codes_purpose_check
  check (purpose in ('verify_email', 'reset_password', 'change_email'));
