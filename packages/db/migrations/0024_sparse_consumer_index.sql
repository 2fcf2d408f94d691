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
-- The per-type ranges are read with the type as a parameter (a prepared statement's generic plan, or the
-- value from `unnest`), so the planner estimates its share as 1 / n_distinct(type). From a sample it can see
-- one or two types (a log that is nearly all pings) and then guesses that every event matches: walking
-- events_tx_order_type in commit order and filtering by type looks as cheap, and a consumer of a type that
-- is rare or absent reads the whole log (seen in `npm run bench:scale` on a one-type store). The column holds
-- only the catalogue's event types (about 70, `ALL_EVENTS` in packages/domain): say so, and re-sample.
alter table events alter column type set (n_distinct = 70);
analyze events (type);
