-- WhatsApp delivery, the signed webhook inbox and the relay, SMS fallback links.

-- A send is recorded as 'sending' before the API call and 'accepted' (with the wamid) after it, so a retry
-- after a crash can tell "never sent" from "sent": only a crash between the call and the update can repeat one.
ALTER TABLE outbound_messages ALTER COLUMN message_id DROP NOT NULL;
ALTER TABLE outbound_messages ADD COLUMN status text NOT NULL DEFAULT 'accepted'
  CHECK (status IN ('sending', 'accepted', 'failed'));
ALTER TABLE outbound_messages ADD COLUMN attempts integer NOT NULL DEFAULT 1;
ALTER TABLE outbound_messages ADD COLUMN error jsonb;
ALTER TABLE outbound_messages ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- Uploaded media ids for each ATR (Meta keeps uploads 30 days), so resends and retries upload once.
CREATE TABLE whatsapp_media (
  atr_id       text PRIMARY KEY,
  media_id     text NOT NULL,
  uploaded_at  timestamptz NOT NULL DEFAULT now()
);

-- At most one message every 6 s to the same number (Meta's pair rate), across all workflows and workers.
CREATE TABLE recipient_pacing (
  recipient  text PRIMARY KEY,
  next_at    timestamptz NOT NULL
);

-- Every webhook request with a valid signature, stored before we answer 200.
CREATE TABLE webhook_events (
  id           bigserial PRIMARY KEY,
  received_at  timestamptz NOT NULL DEFAULT now(),
  raw          bytea NOT NULL,
  malformed    boolean NOT NULL DEFAULT false
);

-- Inbound messages and status updates from the webhooks, each once (Meta redelivers and duplicates).
-- The relay takes pending rows, signals their workflow, and records what it did.
CREATE TABLE inbound_messages (
  wamid            text PRIMARY KEY,
  event_id         bigint NOT NULL REFERENCES webhook_events (id),
  from_wa_id       text NOT NULL,
  type             text NOT NULL,
  context_wamid    text,
  message          jsonb NOT NULL,
  sent_at          timestamptz NOT NULL,
  relay_state      text NOT NULL DEFAULT 'pending'
                   CHECK (relay_state IN ('pending', 'delivered', 'ignored', 'unroutable', 'closed')),
  relay_note       text,
  workflow_id      text,
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  relayed_at       timestamptz
);
CREATE INDEX inbound_messages_pending ON inbound_messages (next_attempt_at) WHERE relay_state = 'pending';

CREATE TABLE message_statuses (
  wamid            text NOT NULL,
  status           text NOT NULL,
  event_id         bigint NOT NULL REFERENCES webhook_events (id),
  status_at        timestamptz NOT NULL,
  errors           jsonb,
  relay_state      text NOT NULL DEFAULT 'pending'
                   CHECK (relay_state IN ('pending', 'delivered', 'ignored', 'unroutable', 'closed')),
  relay_note       text,
  workflow_id      text,
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  relayed_at       timestamptz,
  PRIMARY KEY (wamid, status)
);
CREATE INDEX message_statuses_pending ON message_statuses (next_attempt_at) WHERE relay_state = 'pending';

-- We asked this number for a free-text comment or voice note: a reply without context goes to this workflow.
CREATE TABLE awaited_replies (
  recipient    text NOT NULL,
  workflow_id  text NOT NULL,
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (recipient, workflow_id)
);

-- SMS fallback links: only a hash of the token is kept; the token itself is in the citizen's SMS.
CREATE TABLE atr_links (
  token_hash   text PRIMARY KEY,
  workflow_id  text NOT NULL REFERENCES closures (workflow_id),
  expires_at   timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
