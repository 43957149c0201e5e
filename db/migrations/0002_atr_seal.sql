-- The ATR's content digest and the key that sealed it, for GET /v1/atr/verify.
ALTER TABLE atr_documents ADD COLUMN content_digest text;
ALTER TABLE atr_documents ADD COLUMN seal_key_id text;
