-- Portier central database, schema step 16 (issue 18: congress scale): a room's doors hear
-- when someone they count moves elsewhere.
--
-- A room door that pulls only its rooms (portier sync --pull rooms) listens on its rooms'
-- channels (step 14) and found the later moves of the people it counts (their scan at another
-- door or at the entrance, which lets them out of its room) only with its poll, 5 s later by
-- default: for that long its count held someone who had left. A scan now also notifies the
-- channel of the room of the same person's latest admission before it, when that was another
-- room and the scan falls while that admission still counts, as the door's pull follows it
-- (sync/sync_pull.c: until ten minutes after the end of the session the admission falls in;
-- always when either clock was not synchronised): after a session's end its people leave by
-- themselves, and a morning's arrivals do not wake yesterday's rooms. The payload is the
-- pushing device's id; it stays a hint.
SET LOCAL ROLE portier_owner;
SET LOCAL search_path = portier, pg_catalog;

CREATE OR REPLACE FUNCTION notify_scans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('portier_scans',
                      CASE WHEN octet_length(d.payload) < 7900 THEN d.payload
                           ELSE d.device_id || ' *' END)
    FROM (SELECT device_id, device_id || ' ' || string_agg(DISTINCT room, ' ') AS payload
          FROM inserted GROUP BY device_id) AS d;
    PERFORM pg_notify('portier_room_' || md5(r.room), r.device_id)
    FROM (SELECT device_id, room FROM inserted
          UNION
          SELECT i.device_id, p.room FROM inserted AS i
          CROSS JOIN LATERAL (SELECT y.room, y.wall_ms, y.clock_synced OR y.clock_given AS trusted
                              FROM portier.scans AS y
                              WHERE y.attendee = i.attendee AND y.attendee <> ''
                                AND y.kind = 'badge' AND y.result = 'admitted'
                                AND y.wall_ms < i.wall_ms
                              ORDER BY y.wall_ms DESC LIMIT 1) AS p
          WHERE i.attendee <> '' AND p.room <> i.room
            AND (NOT p.trusted OR NOT (i.clock_synced OR i.clock_given)
                 OR i.wall_ms <= 600000 + coalesce(
                     (SELECT (extract(epoch FROM min(e.ends_at)) * 1000)::bigint
                      FROM portier.sessions AS e
                      WHERE e.room = p.room AND e.ends_at >= to_timestamp(p.wall_ms / 1000.0)),
                     253402300799999))) AS r;
    RETURN NULL;
END
$$;
