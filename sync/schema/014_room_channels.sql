-- Portier central database, schema step 14 (issue 18: congress scale): a channel per room.
--
-- Every kiosk LISTENing on portier_scans receives a notification for every push of every
-- kiosk: at a congress's peak some 1,600 a minute, about 70 kB a minute for each kiosk,
-- whatever it needs. A room door that pulls only its rooms' scans (portier sync --pull rooms)
-- listens instead on the channel of each of its rooms, 'portier_room_' || md5(room id) (a
-- fixed length, as a channel name is at most 63 bytes and a room id may be longer), and
-- finds the other rooms' scans (the later moves of the people it counts) by polling. The
-- payload is the pushing device's id. It stays a hint, as on portier_scans.
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
    FROM (SELECT DISTINCT device_id, room FROM inserted) AS r;
    RETURN NULL;
END
$$;
