-- rm_accounts kept name and email in plaintext, outside crypto-shredding (issue 10). From now on the read model
-- holds them sealed (AES-256-GCM) under the account's own subject key — destroyed on erasure like every other
-- personal field — and finds accounts by email through the HMAC lookup column only.
--
-- Existing rows cannot be sealed in SQL (subject keys are wrapped by the master key, which the database never
-- sees), so they are removed here and the accounts projection is replayed from the event log right after the
-- migration: `npm start` and `npm run db:migrate` do it when this migration was just applied (`rebuildAccounts`),
-- or run `npm run db:rebuild -- accounts` by hand.
delete from rm_accounts;
alter table rm_accounts drop column name, drop column email;
alter table rm_accounts add column name_enc bytea not null, add column email_enc bytea not null;
