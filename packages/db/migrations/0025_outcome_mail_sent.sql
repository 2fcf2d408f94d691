-- Outcome emails (0023): a claim is a lease, and the row says when the email went out. A worker that died between
-- claiming an email and sending it no longer loses that email: once the lease has run out, the next delivery of
-- the event claims it again and sends it; a claim marked sent is never sent again (its event is recorded if a
-- crash came between the send and the record).
alter table outcome_mail_claims add column sent_at timestamptz;
