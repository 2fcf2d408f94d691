-- Practice sessions and the audio lifecycle (issue 4).

-- Audio of an answer, only until it is transcribed: AES-256-GCM under the recording's own key
-- (`recording:<id>` in subject_keys). The worker deletes the row and destroys the key in the transaction that
-- records the transcript; a sweeper removes anything older than a short maximum age whatever happened.
create table audio_blobs (
  recording_id text primary key,
  owner_id     text not null,
  ciphertext   bytea not null,
  bytes        integer not null check (bytes > 0),
  sha256       text not null,
  mime_type    text not null,
  created_at   timestamptz not null default now()
);
create index audio_blobs_owner on audio_blobs (owner_id);
create index audio_blobs_created on audio_blobs (created_at);

-- Read model: a candidate's practice sessions. Job-track questions carry placeholders ({{title}}, {{term:i}}) for
-- what the candidate typed; the words themselves stay encrypted in PracticeSessionStarted.
create table rm_practice_sessions (
  session_id     text primary key,
  user_id        text not null,
  track          text not null,
  questions      jsonb not null,
  time_limit_s   integer not null,
  started_at     timestamptz not null
);
create index rm_practice_sessions_user on rm_practice_sessions (user_id, started_at desc);

-- Read model: each answer's progress, deletion receipt and scores (no transcript: that stays encrypted in
-- the event log and is decrypted only to show the candidate their own feedback).
create table rm_recordings (
  recording_id      text primary key,
  session_id        text not null,
  user_id           text not null,
  question_id       text not null,
  competency        text,
  status            text not null check (status in
                      ('uploaded', 'transcribed', 'scored', 'failed', 'skipped', 'expired')),
  bytes             integer not null,
  duration_seconds  real not null,
  sha256            text not null,
  uploaded_at       timestamptz not null,
  transcribed_at    timestamptz,
  audio_deleted_at  timestamptz,
  deletion_reason   text,
  transcript_engine text,
  scored_at         timestamptz,
  overall           integer,
  scores            jsonb,
  feedback_engine   text,
  status_detail     text
);
create index rm_recordings_user on rm_recordings (user_id, uploaded_at desc);
create index rm_recordings_session on rm_recordings (session_id);

-- Read model: answers used against the free trial (a failed or expired transcription gives the answer back).
create table rm_trial_usage (
  user_id text primary key,
  used    integer not null default 0
);

-- Read model: subjects who restricted processing (right to restriction): stored, not processed.
create table rm_restrictions (
  subject_id    text primary key,
  restricted_at timestamptz not null
);

grant select, insert, update, delete on audio_blobs, rm_practice_sessions, rm_recordings, rm_trial_usage,
  rm_restrictions to tia_app;
