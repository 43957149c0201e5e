-- The portal's event feed: an outbox the workflows' activities write (in the same transaction as the change they
-- report, where there is one), and the worker's dispatcher delivers, signed, at least once, in order per grievance.
-- The id is derived from the workflow and the change, so a retried activity appends nothing new and a replayed
-- event keeps its id (the portal de-duplicates by it). `sequence` counts a grievance's events from 1, gap-free.
-- `data` holds ids, codes and times only, never personal data. REJECTED: the portal answered a 4xx; parked for ops.
CREATE TABLE portal_events (
  id               text PRIMARY KEY,
  grievance_id     text NOT NULL,
  cycle            integer NOT NULL,
  sequence         bigint NOT NULL,
  type             text NOT NULL,
  occurred_at      timestamptz NOT NULL,
  data             jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'REJECTED')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  delivered_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (grievance_id, sequence)
);
-- The dispatcher's scan: due events, oldest first.
CREATE INDEX portal_events_pending ON portal_events (next_attempt_at) WHERE status = 'PENDING';
-- Replay from a point in time, and the ops view.
CREATE INDEX portal_events_occurred ON portal_events (occurred_at);


-- The single reopen callback is gone: the reopen is one event among the others.
ALTER TABLE escalations DROP COLUMN portal_callback, DROP COLUMN portal_callback_error, DROP COLUMN portal_callback_at;
