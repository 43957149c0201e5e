-- The citizen's own words (issue 14): voice notes kept, replies after the close recorded for ops, and the
-- lookups the relay and the acknowledgements make by phone.

-- A citizen's voice note, downloaded from Meta while its media id is valid (about 7 days), linked to the
-- closure and the message that carried it. A note Meta refused for good is kept as 'unavailable' with the reason.
CREATE TABLE voice_notes (
  media_id            text PRIMARY KEY,
  workflow_id         text NOT NULL REFERENCES closures (workflow_id),
  message_id          text NOT NULL,
  status              text NOT NULL CHECK (status IN ('stored', 'unavailable')),
  mime_type           text,
  sha256              text,
  byte_length         integer,
  audio               bytea,
  unavailable_reason  text,
  received_at         timestamptz NOT NULL,
  stored_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX voice_notes_workflow ON voice_notes (workflow_id);

-- What we answered to a citizen's message we could not take as feedback (a reply after the close, an unclear
-- text): for ops. Never the citizen's words: those stay in inbound_messages, erased with the closure.
CREATE TABLE citizen_replies (
  wamid             text PRIMARY KEY,
  workflow_id       text NOT NULL REFERENCES closures (workflow_id),
  kind              text NOT NULL CHECK (kind IN ('AFTER_CLOSE', 'HELP')),
  message_type      text NOT NULL,
  outcome           text,
  reply_message_id  text,
  reply_error       text,
  received_at       timestamptz NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX citizen_replies_workflow ON citizen_replies (workflow_id);

-- A citizen's closures by phone (digits only, as WhatsApp's wa_id), and their latest message to us.
CREATE INDEX closures_citizen_digits ON closures ((regexp_replace(closure -> 'citizen' ->> 'phone', '\D', '', 'g')));
CREATE INDEX inbound_messages_from_sent ON inbound_messages (from_wa_id, sent_at DESC);
