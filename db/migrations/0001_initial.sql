-- The system of record for closures, ATR documents, messages, feedback and escalations.
-- Personal data (citizen name, phone, comments) lives here, in our database, and nowhere in Temporal's
-- ids, search attributes or logs.

CREATE TABLE closures (
  workflow_id      text PRIMARY KEY,
  grievance_id     text NOT NULL,
  cycle            integer NOT NULL CHECK (cycle >= 1),
  department_code  text NOT NULL,
  district_code    text NOT NULL,
  language         text NOT NULL CHECK (language IN ('hi', 'en')),
  closure          jsonb NOT NULL,
  outcome          text CHECK (outcome IN ('SATISFIED', 'ESCALATED', 'NO_RESPONSE', 'UNDELIVERABLE')),
  outcome_reason   text,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  UNIQUE (grievance_id, cycle)
);
CREATE INDEX closures_department_district ON closures (department_code, district_code);

-- Per-department overrides of the feedback policy (reminders, window, quiet hours).
CREATE TABLE department_policies (
  department_code  text PRIMARY KEY,
  policy           jsonb NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE atr_documents (
  atr_id       text PRIMARY KEY,
  workflow_id  text NOT NULL UNIQUE REFERENCES closures (workflow_id),
  sha256       text NOT NULL,
  page_count   integer NOT NULL,
  byte_length  integer NOT NULL,
  pdf          bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- Every message to a citizen, keyed by a stable idempotency key so a retried send is one message.
CREATE TABLE outbound_messages (
  idempotency_key  text PRIMARY KEY,
  message_id       text NOT NULL UNIQUE,
  workflow_id      text NOT NULL REFERENCES closures (workflow_id),
  channel          text NOT NULL,
  purpose          text NOT NULL,
  recipient        text NOT NULL,
  language         text NOT NULL,
  body             jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbound_messages_workflow ON outbound_messages (workflow_id);

CREATE TABLE feedback (
  workflow_id     text NOT NULL REFERENCES closures (workflow_id),
  message_id      text NOT NULL,
  rating          text NOT NULL CHECK (rating IN ('SATISFIED', 'NOT_SATISFIED')),
  reason          text,
  comment         text,
  voice_media_id  text,
  channel         text NOT NULL,
  decisive        boolean NOT NULL,
  late            boolean NOT NULL,
  received_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, message_id)
);

-- Details (reason, comment, voice note) that came after their feedback had been handled.
CREATE TABLE feedback_details (
  workflow_id     text NOT NULL REFERENCES closures (workflow_id),
  message_id      text NOT NULL,
  escalation_id   text,
  reason          text,
  comment         text,
  voice_media_id  text,
  received_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, message_id)
);

-- The department's inbox: one row per "not satisfied", at the level the cycle calls for.
CREATE TABLE escalations (
  escalation_id           text PRIMARY KEY,
  workflow_id             text NOT NULL UNIQUE REFERENCES closures (workflow_id),
  grievance_id            text NOT NULL,
  cycle                   integer NOT NULL,
  level                   integer NOT NULL CHECK (level BETWEEN 1 AND 3),
  level_name              text NOT NULL,
  department_code         text NOT NULL,
  district_code           text NOT NULL,
  feedback_message_id     text NOT NULL,
  reason                  text,
  comment                 text,
  voice_media_id          text,
  portal_callback         text NOT NULL DEFAULT 'PENDING'
                          CHECK (portal_callback IN ('PENDING', 'DONE', 'NOT_CONFIGURED', 'REJECTED')),
  portal_callback_error   text,
  portal_callback_at      timestamptz,
  created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX escalations_inbox ON escalations (department_code, district_code, level, created_at);
