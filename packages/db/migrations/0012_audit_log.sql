-- Copies of the signed checkpoints the worker published to the anchor store outside the database
-- (AUDIT_ANCHOR_DIR), and the leaf hashes they cover, so the web app can give a candidate an inclusion proof
-- for the events of their deletion receipt. Not authoritative: a proof built from here is checked against
-- the checkpoint's Ed25519 signature, so a forged row makes it fail. No personal data (hashes only).
create table audit_checkpoints (
  tree_size  bigint not null check (tree_size >= 0),
  root_hash  bytea not null check (length(root_hash) = 32),
  signed_at  timestamptz not null,
  key_id     text not null,
  signature  bytea not null,
  public_key text not null,
  file       text not null,
  primary key (tree_size, signed_at)
);
create table audit_leaves (
  seq  bigint primary key check (seq >= 1),
  leaf bytea not null check (length(leaf) = 32)
);
grant select, insert on audit_checkpoints, audit_leaves to tia_app;
