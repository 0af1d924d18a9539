-- Portier central database, schema step 2: a device acts only on its own room(s), and what
-- it inserts must fit the published model.
--
-- Before this step row-level security checked only device_id = current_user: with one
-- kiosk's password (from its SD card) one could close any room at every door, or insert
-- admissions with an override for any room, or for attendees and rooms that do not exist.

SET LOCAL ROLE portier_owner;
SET LOCAL search_path = portier, pg_catalog;

-- The places a device's kiosk records scans for: room ids of the model, or 'entrance' (the
-- venue entrance). Set by `portier central add-device ... --room R [--room R2]`; without
-- --room a device is an entrance kiosk. Devices registered before this step keep the reach
-- they had (the entrance and every room published so far): recreate them to narrow it.
ALTER TABLE devices ADD COLUMN rooms text[] NOT NULL DEFAULT '{entrance}'
    CHECK (cardinality(rooms) > 0);
UPDATE devices SET rooms = ARRAY['entrance'] || ARRAY(SELECT id FROM rooms ORDER BY id);

-- Checks the scans a device inserts: a trigger rather than a policy so that a refusal says
-- which rule a row broke and names its key (the sync daemon reports it, and quarantines the
-- row). One check per statement over all its rows (an upload inserts up to 2,000 in one),
-- each a single set-based query: a check per row would cost a push most of its speed.
-- Superusers (repairs) are not checked; the owner and organisers may not insert scans at
-- all, and row-level security has already refused another device's rows. Runs with the
-- rights of the inserting device, which may read all it needs: its own device row, the
-- model and the scan log.
--   room      'entrance' or a published room, and one the device is bound to;
--   session   '' or a published session held in that room;
--   attendee  '' or a published attendee;
--   override  only a badge admission at a room door, after a staff badge decided at the same
--             kiosk (same database epoch) within 10 s (RULES_OVERRIDE_MS, src/core/rules.h),
--             and one override per staff badge, as the kiosk's rules arm it;
--   wall_ms   a scan from a synchronised clock is not more than 5 minutes ahead of this
--             server's clock (an unsynchronised one is dated by scans_timed anyway).
-- Refusals: SQLSTATE 42501 (insufficient_privilege) for what the device may not do, 23514
-- (check_violation) for what does not fit the model; the message starts with the scan's key.
CREATE FUNCTION check_device_scans() RETURNS trigger LANGUAGE plpgsql
SET search_path = portier, pg_catalog AS $$
DECLARE
    bound text[];
    bad record;
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    SELECT d.rooms INTO bound FROM devices AS d WHERE d.id = current_user;
    bound := coalesce(bound, '{}');

    SELECT * INTO bad FROM inserted AS i
    WHERE i.room <> 'entrance' AND NOT EXISTS (SELECT FROM rooms AS r WHERE r.id = i.room)
    ORDER BY i.seq LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'scan %/%/%: room "%" is not in the published model', bad.device_id,
            bad.db_epoch, bad.seq, bad.room
            USING ERRCODE = 'check_violation',
                  HINT = 'run portier central publish after changing the event''s rooms';
    END IF;
    SELECT * INTO bad FROM inserted AS i WHERE NOT i.room = ANY (bound) ORDER BY i.seq LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'scan %/%/%: device "%" may not record scans for room "%": it is bound '
            'to %', bad.device_id, bad.db_epoch, bad.seq, current_user, bad.room,
            array_to_string(bound, ', ')
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'run the kiosk with a --room its device was added with '
                         '(portier central add-device ... --room ROOM)';
    END IF;
    SELECT * INTO bad FROM inserted AS i
    WHERE i.session <> '' AND NOT EXISTS (SELECT FROM sessions AS s
                                          WHERE s.id = i.session AND s.room = i.room)
    ORDER BY i.seq LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'scan %/%/%: session "%" is not a published session in room "%"',
            bad.device_id, bad.db_epoch, bad.seq, bad.session, bad.room
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT * INTO bad FROM inserted AS i
    WHERE i.attendee <> '' AND NOT EXISTS (SELECT FROM attendees AS a WHERE a.id = i.attendee)
    ORDER BY i.seq LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'scan %/%/%: attendee "%" is not in the published model',
            bad.device_id, bad.db_epoch, bad.seq, bad.attendee
            USING ERRCODE = 'check_violation',
                  HINT = 'run portier central publish after portier import';
    END IF;
    -- The staff badge may be in this statement or an earlier one: both are in scans now.
    SELECT * INTO bad FROM inserted AS i
    WHERE i.override AND (i.kind <> 'badge' OR i.result <> 'admitted' OR i.room = 'entrance'
        OR NOT EXISTS (
            SELECT FROM scans AS s JOIN attendees AS a ON a.id = s.attendee
            WHERE s.device_id = i.device_id AND s.db_epoch = i.db_epoch AND s.seq < i.seq
              AND s.kind = 'badge' AND s.result <> 'denied' AND a.category = 'staff'
              AND i.wall_ms - s.wall_ms BETWEEN 0 AND 10000
              AND NOT EXISTS (SELECT FROM scans AS o
                              WHERE o.device_id = i.device_id AND o.db_epoch = i.db_epoch
                                AND o.seq > s.seq AND o.seq < i.seq AND o.override)))
    ORDER BY i.seq LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'scan %/%/%: an override without a staff badge just before it at this '
            'kiosk', bad.device_id, bad.db_epoch, bad.seq
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO bad FROM inserted AS i
    WHERE i.clock_synced
      AND i.wall_ms > (extract(epoch FROM clock_timestamp()) * 1000)::bigint + 300000
    ORDER BY i.seq LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'scan %/%/%: its time (%) is more than 5 minutes ahead of the server''s '
            'clock', bad.device_id, bad.db_epoch, bad.seq, to_timestamp(bad.wall_ms / 1000.0)
            USING ERRCODE = 'check_violation',
                  HINT = 'the kiosk''s clock is wrong although it says it is synchronised';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER scans_check_device AFTER INSERT ON scans REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION check_device_scans();
