-- Portier central database, schema step 12: the days a multi-day badge is valid on, through
-- central (issue 17, docs/multi-day.md). Follows step 11 (branch walkin-sync).
--
-- attendees.days: the local dates (in the event's time zone) an attendee's badge is valid on,
-- sorted; empty: every day. `portier central publish` carries event.db's attendees.days here,
-- and kiosks pull it with the rest of the attendee (a change moves the attendee's version), so
-- a change of someone's days after the bundle was made reaches the doors.
--
-- checkins_by_day: for each local date of the event's sessions, the people (staff excepted)
-- expected that day (badge valid on it) and those checked in at the entrance that day (each
-- once: their first admission of the day, in corrected time), as `portier report` counts them
-- in checkins_by_day.csv.
SET LOCAL ROLE portier_owner;
SET LOCAL search_path = portier, pg_catalog;

ALTER TABLE attendees ADD COLUMN days date[] NOT NULL DEFAULT '{}';
GRANT SELECT (days) ON attendees TO portier_device;

CREATE VIEW checkins_by_day WITH (security_invoker = true) AS
WITH zone AS (
    SELECT coalesce((SELECT timezone FROM event), 'UTC') AS tz
), event_days AS (
    SELECT DISTINCT (s.starts_at AT TIME ZONE z.tz)::date AS day FROM sessions AS s, zone AS z
), arrived AS (
    SELECT DISTINCT (t.corrected_at AT TIME ZONE z.tz)::date AS day, t.attendee
    FROM scans_timed AS t
    CROSS JOIN zone AS z
    JOIN attendees AS a ON a.id = t.attendee
    WHERE t.room = 'entrance' AND t.kind = 'badge' AND t.result = 'admitted'
      AND a.category <> 'staff'
)
SELECT d.day,
       (SELECT count(*) FROM attendees AS a
        WHERE a.category <> 'staff' AND (a.days = '{}' OR d.day = ANY (a.days)))::integer
           AS expected,
       (SELECT count(*) FROM arrived AS r WHERE r.day = d.day)::integer AS checked_in
FROM event_days AS d;

GRANT SELECT ON checkins_by_day TO portier_organiser;
