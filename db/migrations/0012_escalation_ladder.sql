-- The escalation ladder's read model. The escalation workflow (workflows/escalation/) owns the truth and writes
-- every change here through activities, so the officers' inbox, the API and the CLI read PostgreSQL, not Temporal.
-- `level`, `department_code` and `district_code` stay as raised; the current_* columns move with the ladder
-- (a raise changes the level, a transfer the department and district).
ALTER TABLE escalations
  ADD COLUMN status                  text NOT NULL DEFAULT 'OPEN'
                                     CHECK (status IN ('OPEN', 'ACKNOWLEDGED', 'AWAITING_CITIZEN', 'RESOLVED', 'BREACHED')),
  ADD COLUMN current_level           integer CHECK (current_level BETWEEN 1 AND 3),
  ADD COLUMN current_department_code text,
  ADD COLUMN current_district_code   text,
  ADD COLUMN vigilance               boolean NOT NULL DEFAULT false,
  ADD COLUMN sla_due_at              timestamptz,
  ADD COLUMN sla_reminder_at         timestamptz,
  ADD COLUMN acknowledged_at         timestamptz,
  ADD COLUMN resolved_at             timestamptz,
  ADD COLUMN breached_at             timestamptz,
  ADD COLUMN resolved_by_workflow_id text,
  ADD COLUMN escalation_workflow_id  text UNIQUE,
  ADD COLUMN updated_at              timestamptz NOT NULL DEFAULT now();
-- Rows from before the ladder stand where they were raised.
UPDATE escalations SET current_level = level, current_department_code = department_code, current_district_code = district_code;
ALTER TABLE escalations
  ALTER COLUMN current_level SET NOT NULL,
  ALTER COLUMN current_department_code SET NOT NULL,
  ALTER COLUMN current_district_code SET NOT NULL;
CREATE INDEX escalations_scope ON escalations (current_district_code, current_department_code, current_level, status, sla_due_at);

-- An officer's note (their words, kept here; the workflow carries only its id).
CREATE TABLE escalation_notes (
  note_id        text PRIMARY KEY,
  escalation_id  text NOT NULL REFERENCES escalations (escalation_id),
  officer_id     text NOT NULL,
  note           text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- An officer's question to the citizen, sent as a WhatsApp template; the citizen's reply is matched to it by the
-- quoted message id or, when it is the only one pending for that phone, by the phone.
CREATE TABLE escalation_questions (
  question_id        text PRIMARY KEY,
  escalation_id      text NOT NULL REFERENCES escalations (escalation_id),
  officer_id         text NOT NULL,
  question           text NOT NULL,
  recipient          text,
  message_id         text,
  asked_at           timestamptz NOT NULL DEFAULT now(),
  answer_message_id  text,
  answer             text,
  answered_at        timestamptz
);
CREATE INDEX escalation_questions_message ON escalation_questions (message_id);
CREATE INDEX escalation_questions_pending ON escalation_questions (recipient) WHERE answered_at IS NULL;

-- The history of an escalation: every action of an officer and every step of the ladder. `action_key` makes a
-- retried activity write its row once.
CREATE TABLE escalation_actions (
  action_key     text PRIMARY KEY,
  escalation_id  text NOT NULL REFERENCES escalations (escalation_id),
  action         text NOT NULL CHECK (action IN ('RAISED', 'ACKNOWLEDGED', 'NOTE_ADDED', 'CITIZEN_ASKED', 'CITIZEN_ANSWERED',
                                                 'TRANSFERRED', 'SLA_REMINDER_SENT', 'LEVEL_RAISED', 'RESOLVED', 'BREACHED')),
  level          integer NOT NULL CHECK (level BETWEEN 1 AND 3),
  officer_id     text,
  note_id        text REFERENCES escalation_notes (note_id),
  question_id    text REFERENCES escalation_questions (question_id),
  detail         jsonb,
  at             timestamptz NOT NULL
);
CREATE INDEX escalation_actions_escalation ON escalation_actions (escalation_id, at);

-- The officers' directory, loaded by ops from CSV (`sampark-atr officers import`): who answers for each level
-- of each department and district, and the WhatsApp number they are told on.
CREATE TABLE officers (
  officer_id       text PRIMARY KEY,
  name             text NOT NULL,
  role             text NOT NULL CHECK (role IN ('L1', 'L2', 'L3')),
  department_code  text,
  district_code    text,
  whatsapp_phone   text NOT NULL,
  active           boolean NOT NULL DEFAULT true,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'L1' AND department_code IS NOT NULL AND district_code IS NOT NULL)
      OR (role = 'L2' AND department_code IS NULL AND district_code IS NOT NULL)
      OR (role = 'L3' AND department_code IS NULL AND district_code IS NULL))
);
CREATE INDEX officers_scope ON officers (role, district_code, department_code) WHERE active;
