-- Sparse consumers at scale (issue 14, "Faster" — Scale; docs/performance.md, "Scale: 10 million events").
-- A consumer with a type filter reads in commit-safe order, (transaction_id, global_position), and only its
-- types. `events_tx_order_type` (0010) gives that order with the type in the index, but a consumer of a rare
-- type still walks every entry of it from its checkpoint on (one index entry per event in the log). This
-- index starts with the type: `readBatch` reads each of the consumer's types as one range
-- (type = t and (transaction_id, global_position) > checkpoint, in index order) and merges the few ranges,
-- so a consumer catching up touches only its own events.
-- Plain CREATE INDEX (migrations run in one transaction): on an existing large log build it by hand first
-- with CREATE INDEX CONCURRENTLY under this name, and this migration then finds it (IF NOT EXISTS).
create index if not exists events_type_tx_order on events (type, transaction_id, global_position);
