-- Synthetic closures with outcomes for `npm run bench:transparency`, set-based (generate_series), in the bench's own
-- database: :n closures disposed evenly over :days IST days ending :last_day, across 20 departments and 33
-- districts; 95 % delivered (latency spread over minutes to days), 55 % of those answer, 70 % satisfied, every
-- "not satisfied" escalated at level 1, 2 or 3 by cycle, its ladder resolved, breached or open. :first numbers the rows (so a second load adds more).
INSERT INTO closures (workflow_id, grievance_id, cycle, department_code, district_code, language, closure, disposed_at,
                      atr_on_phone_at, outcome, recorded_at, completed_at, facts_changed_at)
SELECT 'atr-B' || i || '-c' || (1 + i % 3), 'B' || i, 1 + i % 3, 'D' || lpad((i % 20)::text, 2, '0'), 'X' || lpad((i / 20 % 33)::text, 2, '0'),
       CASE WHEN i % 4 = 0 THEN 'en' ELSE 'hi' END,
       jsonb_build_object('department', jsonb_build_object('code', 'D' || lpad((i % 20)::text, 2, '0'), 'nameEn', 'Department ' || i % 20, 'nameHi', 'Department ' || i % 20),
                          'district', jsonb_build_object('code', 'X' || lpad((i / 20 % 33)::text, 2, '0'), 'nameEn', 'District ' || i / 20 % 33, 'nameHi', 'District ' || i / 20 % 33)),
       d.at,
       CASE WHEN i % 20 <> 7 THEN d.at + make_interval(mins => (i * 7919 % 2880)::int) END,
       CASE WHEN i % 20 = 7 THEN 'UNDELIVERABLE' WHEN i % 100 < 55 THEN CASE WHEN i % 10 < 7 THEN 'SATISFIED' ELSE 'ESCALATED' END ELSE 'NO_RESPONSE' END,
       d.at, d.at + interval '7 days', :'changed_at'::timestamptz
  FROM generate_series(:first::bigint, :first + :n - 1) i,
       LATERAL (SELECT ((:'last_day'::date - (:days - 1) + (((i - :first) * :days) / :n)::int)::timestamp + make_interval(secs => (i % 86400)::int))
                       AT TIME ZONE 'Asia/Kolkata' AS at) d;

INSERT INTO feedback (workflow_id, message_id, rating, channel, decisive, late, received_at, recorded_at)
SELECT c.workflow_id, 'wamid.B' || c.grievance_id, CASE WHEN c.outcome = 'SATISFIED' THEN 'SATISFIED' ELSE 'NOT_SATISFIED' END,
       'whatsapp', true, false, c.atr_on_phone_at + interval '1 hour', c.atr_on_phone_at + interval '1 hour'
  FROM closures c
 WHERE c.outcome IN ('SATISFIED', 'ESCALATED') AND c.grievance_id LIKE 'B%' AND substr(c.grievance_id, 2)::bigint BETWEEN :first AND :first + :n - 1;

-- Where each ladder stands (by the row's number j) once its 15 days are over: 40 % resolved at the level raised (within
-- SLA), 10 % resolved a level higher (after an SLA passed), 10 % breached at the state, the rest still open; the
-- younger ones are all open still (nothing ends in the future).
INSERT INTO escalations (escalation_id, workflow_id, grievance_id, cycle, level, level_name, department_code, district_code, feedback_message_id, created_at,
                         status, current_level, current_department_code, current_district_code, resolved_at, breached_at, updated_at)
SELECT 'esc-' || c.workflow_id, c.workflow_id, c.grievance_id, c.cycle, c.cycle, (ARRAY['DEPARTMENT', 'DISTRICT', 'STATE'])[c.cycle],
       c.department_code, c.district_code, 'wamid.B' || c.grievance_id, c.atr_on_phone_at + interval '1 hour',
       CASE WHEN j % 10 < 5 THEN 'RESOLVED' WHEN j % 10 = 5 THEN 'BREACHED' ELSE 'OPEN' END,
       CASE WHEN j % 10 = 4 THEN least(c.cycle + 1, 3) WHEN j % 10 = 5 THEN 3 ELSE c.cycle END,
       c.department_code, c.district_code,
       CASE WHEN j % 10 < 5 THEN c.atr_on_phone_at + interval '3 days' END,
       CASE WHEN j % 10 = 5 THEN c.atr_on_phone_at + interval '15 days' END,
       c.atr_on_phone_at + interval '3 days'
  FROM closures c,
       LATERAL (SELECT CASE WHEN c.atr_on_phone_at < :'changed_at'::timestamptz - interval '15 days'
                            THEN substr(c.grievance_id, 2)::bigint / 3 ELSE 9 END AS j) n
 WHERE c.outcome = 'ESCALATED' AND c.grievance_id LIKE 'B%' AND substr(c.grievance_id, 2)::bigint BETWEEN :first AND :first + :n - 1;
