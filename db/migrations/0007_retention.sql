-- Retention and erasure (DPDP Act 2023: storage limitation, erasure on request). Personal data is erased in
-- place rather than by deleting rows: the rows that carry the anonymous facts (a closure, its ATR sent,
-- delivered, read, feedback, satisfied, escalated) stay, so `sampark-atr report` counts the same after a purge.

-- When a closure's personal data was erased, and on whose word ('retention' for the daily purge, else the
-- operator who ran `sampark-atr erase`): the purge's progress marker and the erasure's audit trail.
ALTER TABLE closures ADD COLUMN erased_at timestamptz;
ALTER TABLE closures ADD COLUMN erased_by text;
CREATE INDEX closures_due_for_erasure ON closures (completed_at) WHERE erased_at IS NULL AND outcome IS NOT NULL;

-- Erased fields become NULL.
ALTER TABLE outbound_messages ALTER COLUMN recipient DROP NOT NULL;
ALTER TABLE atr_documents ALTER COLUMN pdf DROP NOT NULL;
ALTER TABLE inbound_messages ALTER COLUMN from_wa_id DROP NOT NULL;
ALTER TABLE inbound_messages ALTER COLUMN message DROP NOT NULL;

-- A raw webhook body is deleted once relayed; the messages and statuses parsed from it stay (statuses feed the
-- report), so their reference to it may become NULL.
ALTER TABLE inbound_messages ALTER COLUMN event_id DROP NOT NULL;
ALTER TABLE inbound_messages DROP CONSTRAINT inbound_messages_event_id_fkey;
ALTER TABLE inbound_messages ADD CONSTRAINT inbound_messages_event_id_fkey FOREIGN KEY (event_id) REFERENCES webhook_events (id) ON DELETE SET NULL;
ALTER TABLE message_statuses ALTER COLUMN event_id DROP NOT NULL;
ALTER TABLE message_statuses DROP CONSTRAINT message_statuses_event_id_fkey;
ALTER TABLE message_statuses ADD CONSTRAINT message_statuses_event_id_fkey FOREIGN KEY (event_id) REFERENCES webhook_events (id) ON DELETE SET NULL;
CREATE INDEX inbound_messages_event ON inbound_messages (event_id);
CREATE INDEX message_statuses_event ON message_statuses (event_id);
CREATE INDEX inbound_messages_workflow ON inbound_messages (workflow_id);
CREATE INDEX webhook_events_received ON webhook_events (received_at);
