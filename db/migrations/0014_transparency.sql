-- The public transparency dashboard (/transparency): daily rollups per IST day of disposal, department and
-- district, refreshed incrementally by a Temporal Schedule, so the page and its open data never scan closures.

-- When the grievance was disposed of, out of the closure JSON into a column: the rollup's day and the
-- disposal end of the disposal-to-phone time, found by index.
ALTER TABLE closures ADD COLUMN disposed_at timestamptz;
UPDATE closures SET disposed_at = (closure->>'disposedAt')::timestamptz WHERE disposed_at IS NULL;
CREATE INDEX closures_disposed_at ON closures (disposed_at);

-- When WhatsApp first reported the ATR delivered (or read) on the citizen's phone, written by the relay that
-- learns it (before this, only as message_statuses rows of the ATR's wamid).
ALTER TABLE closures ADD COLUMN atr_on_phone_at timestamptz;
UPDATE closures c SET atr_on_phone_at = s.at
  FROM (SELECT o.workflow_id, min(m.status_at) AS at
          FROM outbound_messages o JOIN message_statuses m ON m.wamid = o.message_id
         WHERE o.purpose = 'ATR' AND lower(m.status) IN ('delivered', 'read', 'played')
         GROUP BY o.workflow_id) s
 WHERE s.workflow_id = c.workflow_id;

-- When anything the dashboard counts about a closure last changed (recorded, delivered, feedback, outcome):
-- the incremental refresh recomputes only the days of closures changed since its watermark.
ALTER TABLE closures ADD COLUMN facts_changed_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX closures_facts_changed ON closures (facts_changed_at);
CREATE INDEX escalations_created ON escalations (created_at);

-- One row per IST day of disposal, department and district. Counts are of closures (one per grievance and
-- cycle). latency_NN counts delivered ATRs by disposal-to-phone time in the fixed buckets of
-- db/repositories/transparency.ts (LATENCY_BUCKET_MINUTES): summing buckets over any range gives its median.
CREATE TABLE transparency_daily (
  day                       date NOT NULL,
  department_code           text NOT NULL,
  district_code             text NOT NULL,
  disposed                  integer NOT NULL,
  delivered                 integer NOT NULL,
  feedback_received         integer NOT NULL,
  satisfied                 integer NOT NULL,
  not_satisfied             integer NOT NULL,
  escalated_l1              integer NOT NULL,
  escalated_l2              integer NOT NULL,
  escalated_l3              integer NOT NULL,
  -- NULL while the escalation ladder's columns (status, resolved_at, sla_due_at, breached_at) do not exist.
  resolved_within_sla       integer,
  breached                  integer,
  latency_00 integer NOT NULL, latency_01 integer NOT NULL, latency_02 integer NOT NULL, latency_03 integer NOT NULL,
  latency_04 integer NOT NULL, latency_05 integer NOT NULL, latency_06 integer NOT NULL, latency_07 integer NOT NULL,
  latency_08 integer NOT NULL, latency_09 integer NOT NULL, latency_10 integer NOT NULL, latency_11 integer NOT NULL,
  latency_12 integer NOT NULL, latency_13 integer NOT NULL, latency_14 integer NOT NULL, latency_15 integer NOT NULL,
  refreshed_at              timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, department_code, district_code)
);

-- Public names of departments and districts as the closures gave them (no personal data).
CREATE TABLE transparency_names (
  kind     text NOT NULL CHECK (kind IN ('department', 'district')),
  code     text NOT NULL,
  name_en  text NOT NULL,
  name_hi  text NOT NULL,
  PRIMARY KEY (kind, code)
);

-- The refresh's watermark: closures changed after it are not yet in the rollup.
CREATE TABLE transparency_refresh (
  id            boolean PRIMARY KEY DEFAULT true CHECK (id),
  watermark     timestamptz NOT NULL,
  refreshed_at  timestamptz NOT NULL
);
