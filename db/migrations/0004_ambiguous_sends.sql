-- A send whose outcome is unknown (timeout, or the process died mid-call) is resolved before any resend:
-- Meta echoes our idempotency key (biz_opaque_callback_data) in the status webhooks of the message.
ALTER TABLE message_statuses ADD COLUMN callback_data text;
CREATE INDEX message_statuses_callback ON message_statuses (callback_data) WHERE callback_data IS NOT NULL;
-- 'retry': the last attempt failed for certain (Meta said no); 'sending': an attempt is under way or ended unknown.
ALTER TABLE outbound_messages DROP CONSTRAINT outbound_messages_status_check;
ALTER TABLE outbound_messages ADD CONSTRAINT outbound_messages_status_check CHECK (status IN ('sending', 'retry', 'accepted', 'failed'));
ALTER TABLE outbound_messages ADD COLUMN attempt_started_at timestamptz;
