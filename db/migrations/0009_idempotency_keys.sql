-- Idempotency-Key on the API's POSTs: the first answer to each key, per route, so a repeat gets the same answer.
-- The request is kept only as a fingerprint (SHA-256 of method, path and canonical body); the answer is the
-- API's own (ids, codes, field paths), never a closure's values. A row without a status is still in flight.
CREATE TABLE idempotency_keys (
  route           text NOT NULL,
  key             text NOT NULL,
  request_sha256  text NOT NULL,
  status_code     integer,
  content_type    text,
  body            text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz,
  PRIMARY KEY (route, key)
);
-- Old keys are deleted as new ones come in (db/repositories/idempotency-keys.ts).
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
