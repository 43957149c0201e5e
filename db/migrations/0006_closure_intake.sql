-- The closure intake: every closure posted to us, recorded under its grievance and cycle BEFORE its workflow
-- starts. A repeat is recognised here, however long ago Temporal's retention forgot the workflow. Only
-- fingerprints are kept (SHA-256 of the whole validated closure and of each field), never the values: the
-- closure itself is stored in closures when its workflow records it.
CREATE TABLE closure_intake (
  grievance_id    text NOT NULL,
  cycle           integer NOT NULL CHECK (cycle >= 1),
  workflow_id     text NOT NULL UNIQUE,
  -- The id the ATR is stored and sent under (the portal's atrNumber, else the workflow id): one closure each.
  atr_id          text NOT NULL UNIQUE,
  content_sha256  text NOT NULL,
  field_digests   jsonb NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  -- Set once Temporal has the workflow: until then a repeat of the same closure starts it.
  started_at      timestamptz,
  PRIMARY KEY (grievance_id, cycle)
);

-- SUPERSEDED: a newer closure of the grievance took over (one live cycle per grievance).
ALTER TABLE closures DROP CONSTRAINT IF EXISTS closures_outcome_check;
ALTER TABLE closures ADD CONSTRAINT closures_outcome_check
  CHECK (outcome IN ('SATISFIED', 'ESCALATED', 'NO_RESPONSE', 'UNDELIVERABLE', 'SUPERSEDED'));

-- Uploaded media by the PDF's SHA-256, not by ATR id: a media id can only ever stand for the bytes it was made
-- from, so a reused ATR id can never send another closure's PDF. The old cache is dropped (ids are re-uploaded).
DROP TABLE whatsapp_media;
CREATE TABLE whatsapp_media (
  pdf_sha256   text PRIMARY KEY,
  media_id     text NOT NULL,
  uploaded_at  timestamptz NOT NULL DEFAULT now()
);
