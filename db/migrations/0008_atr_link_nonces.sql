-- The link page's feedback form carries a nonce the server issued when it rendered the page; a POST consumes it
-- (one row deleted, atomically), so each render allows one answer and a replayed or invented form records nothing.
-- Only a hash of the nonce is kept, like the link's token. A link that goes takes its nonces with it.
CREATE TABLE atr_link_nonces (
  nonce_hash   text PRIMARY KEY,
  token_hash   text NOT NULL REFERENCES atr_links (token_hash) ON DELETE CASCADE,
  expires_at   timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX atr_link_nonces_token ON atr_link_nonces (token_hash);
