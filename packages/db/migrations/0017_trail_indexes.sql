-- Audit trail and breach queries on a large log (issue 11). Each index matches the expression its query
-- uses, so the planner can prove it applies (see docs/performance.md for plans and timings):
--   compliance trail, subject filter:  stream_id = 'user-<id>' or data->>'userId' = <id>
--     (the stream side already has unique (stream_id, stream_version); the payload side needs its own index,
--      partial: only events that name a user are indexed, and `data->>'userId' = $1` implies `is not null`)
--   compliance trail, correlation id:  metadata->>'correlationId' = <id>, newest first by global_position
--   breach "affected people":          type = any(<category's types>) and recorded_at in [from, to]
-- Plain CREATE INDEX (migrations run in one transaction, as the owner). On an existing large log this locks
-- appends while it builds (~10 s per million events here); build the same indexes by hand with
-- CREATE INDEX CONCURRENTLY first if that matters, and this migration then finds them (IF NOT EXISTS).
create index if not exists events_data_user_id on events ((data->>'userId'), global_position)
  where (data->>'userId') is not null;
create index if not exists events_correlation_id on events ((metadata->>'correlationId'), global_position)
  where (metadata->>'correlationId') is not null;
create index if not exists events_type_recorded_at on events (type, recorded_at);
