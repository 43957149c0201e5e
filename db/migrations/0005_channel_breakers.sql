-- One circuit breaker per channel, shared by every worker of a deployment (its task queue): a row while a fault
-- on our side (credentials, the account, a template) holds the channel. Sends fail fast while it is open; after next_probe_at one caller
-- claims a probe (a real send); its success deletes the row, the same fault again re-arms it.
CREATE TABLE channel_breakers (
  task_queue text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('whatsapp', 'sms')),
  code text NOT NULL,
  reason text NOT NULL,
  opened_at timestamptz NOT NULL DEFAULT now(),
  next_probe_at timestamptz NOT NULL,
  -- Set while a claimed probe is under way, so that sends arriving meanwhile wait for its outcome.
  probe_started_at timestamptz,
  probes integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_queue, channel)
);
