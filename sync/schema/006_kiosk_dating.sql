-- Portier central database, schema step 6: kiosks date scans as central does (issue 14).
--
-- boot_offsets: for each boot of each device, the offset (server time - monotonic time, ms)
-- that dates the boot's unsynchronised scans when no synchronised scan of the boot does: the
-- smallest observed in its scans' arrivals and its clock anchors, as in scans_timed. The
-- sync daemons read it (devices may now read clock_anchors, as they read every scan) and copy
-- it into their kiosk's scan log (meta sync.boot_offsets), so that a kiosk dates its own and
-- the other kiosks' unsynchronised scans as central does (src/core/scan_clock.h).
--
-- occupancy_now counts as the kiosks count (src/core/occupancy.h):
--   - an attendee's place is their latest badge scan admitted or exited (session_end records
--     only mark a session as let out); staff and attendees unknown to the model are not
--     counted;
--   - a badge admission into a room, and a manual +1/-1, expire at the end of the first
--     session of that room ending at the admission's corrected time or after (the session
--     running then, its window [start - 15 min, end] inclusive, or the next one); one with no
--     such session never expires;
--   - the room's count is the sum of what has not expired, never below 0.
-- Before this step an admission counted until the attendee's next movement whatever the
-- sessions, so central said a room held people that every kiosk had let out at a session end.
SET LOCAL ROLE portier_owner;
SET LOCAL search_path = portier, pg_catalog;

GRANT SELECT ON clock_anchors TO portier_device;
CREATE POLICY device_read ON clock_anchors FOR SELECT TO portier_device
    USING (EXISTS (SELECT FROM devices WHERE id = current_user));

CREATE VIEW boot_offsets WITH (security_invoker = true) AS
SELECT device_id, boot_id, min(server_ms - mono_ns / 1000000) AS offset_ms
FROM (SELECT device_id, boot_id, mono_ns,
             (extract(epoch FROM received_at) * 1000)::bigint AS server_ms
      FROM scans WHERE NOT clock_synced AND NOT clock_given
      UNION ALL
      SELECT device_id, boot_id, mono_ns, (extract(epoch FROM received_at) * 1000)::bigint
      FROM clock_anchors) AS observations
WHERE boot_id <> ''
GROUP BY device_id, boot_id;
GRANT SELECT ON boot_offsets TO portier_device, portier_organiser;

CREATE OR REPLACE VIEW occupancy_now WITH (security_invoker = true) AS
WITH timed AS MATERIALIZED (
    SELECT device_id, db_epoch, seq, room, attendee, kind, result, corrected_ms
    FROM scans_timed
), location AS (
    SELECT DISTINCT ON (attendee) attendee, room, result, corrected_ms
    FROM timed
    WHERE attendee <> '' AND kind = 'badge' AND result IN ('admitted', 'exited')
    ORDER BY attendee, corrected_ms DESC, device_id DESC, db_epoch DESC, seq DESC
), moves AS (
    SELECT l.room, 1 AS n, l.corrected_ms
    FROM location AS l JOIN attendees AS a ON a.id = l.attendee
    WHERE l.result = 'admitted' AND a.category <> 'staff'
    UNION ALL
    SELECT room, CASE result WHEN 'admitted' THEN 1 ELSE -1 END, corrected_ms
    FROM timed WHERE kind = 'manual' AND result IN ('admitted', 'exited')
), counted AS (
    SELECT m.room, sum(m.n) AS n
    FROM moves AS m
    WHERE NOT EXISTS (SELECT FROM sessions AS s
                      WHERE s.room = m.room
                        AND (extract(epoch FROM s.ends_at) * 1000)::bigint >= m.corrected_ms
                        AND s.ends_at <= now())
    GROUP BY m.room
), state AS (
    SELECT DISTINCT ON (room) room, kind = 'room_open' AS is_open
    FROM timed WHERE kind IN ('room_open', 'room_close')
    ORDER BY room, corrected_ms DESC, device_id DESC, db_epoch DESC, seq DESC
)
SELECT r.id AS room, r.name, r.capacity, greatest(coalesce(c.n, 0), 0)::integer AS occupancy,
       coalesce(st.is_open, true) AS is_open,
       (SELECT s.id FROM sessions AS s
        WHERE s.room = r.id AND s.starts_at <= now() AND now() < s.ends_at) AS session
FROM rooms AS r
LEFT JOIN counted AS c ON c.room = r.id
LEFT JOIN state AS st ON st.room = r.id;
