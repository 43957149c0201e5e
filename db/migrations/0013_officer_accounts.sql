-- The officers' inbox: one login per officer of the directory, server-side sessions, and an audit of what
-- officers did and saw. Passwords only as argon2id hashes; sessions only by the hash of their cookie's token.

CREATE TABLE officer_accounts (
  officer_id       text PRIMARY KEY REFERENCES officers (officer_id),
  password_hash    text NOT NULL,
  -- 'seeded' by npm start on a laptop (production refuses to serve them); 'ops' from `sampark-atr officers account`.
  origin           text NOT NULL CHECK (origin IN ('ops', 'seeded')),
  failed_attempts  integer NOT NULL DEFAULT 0,
  locked_until     timestamptz,
  password_set_at  timestamptz NOT NULL DEFAULT now(),
  last_login_at    timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE officer_sessions (
  -- SHA-256 of the cookie's random token: a copy of this table logs nobody in.
  session_hash  text PRIMARY KEY,
  officer_id    text NOT NULL REFERENCES officer_accounts (officer_id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  ended_at      timestamptz
);
CREATE INDEX officer_sessions_officer ON officer_sessions (officer_id);

-- Who did or saw what, when: never the value seen (a revealed phone number is not written here).
CREATE TABLE officer_audit (
  audit_id       bigserial PRIMARY KEY,
  officer_id     text NOT NULL,
  escalation_id  text,
  action         text NOT NULL,
  at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX officer_audit_escalation ON officer_audit (escalation_id, at);
CREATE INDEX officer_audit_officer ON officer_audit (officer_id, at);
