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

-- Checks a scan a device inserts, before row-level security does: a trigger rather than a
-- policy so that a refusal says which rule the row broke (the sync daemon reports it, and
-- quarantines the row). Superusers (repairs) are not checked; the owner and organisers may
-- not insert scans at all. Runs with the rights of the inserting device, which may read all
-- it needs: its own device row, the model and the scan log.
--   room      'entrance' or a published room, and one the device is bound to;
--   session   '' or a published session held in that room;
--   attendee  '' or a published attendee;
--   override  only a badge admission at a room door, after a staff badge decided at the same
--             kiosk (same database epoch) within 10 s (RULES_OVERRIDE_MS, src/core/rules.h),
--             and one override per staff badge, as the kiosk's rules arm it;
--   wall_ms   a scan from a synchronised clock is not more than 5 minutes ahead of this
--             server's clock (an unsynchronised one is dated by scans_timed anyway).
-- Refusals: SQLSTATE 42501 (insufficient_privilege) for what the device may not do, 23514
-- (check_violation) for what does not fit the model; the message names the scan's key.
CREATE FUNCTION check_device_scan() RETURNS trigger LANGUAGE plpgsql
SET search_path = portier, pg_catalog AS $$
DECLARE
    bound text[];
    scan text := format('scan %s/%s/%s', NEW.device_id, NEW.db_epoch, NEW.seq);
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NEW;
    END IF;
    IF NEW.device_id IS DISTINCT FROM current_user THEN
        RAISE EXCEPTION '%: device "%" may insert only its own scans', scan, current_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT d.rooms INTO bound FROM devices AS d WHERE d.id = current_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION '%: device "%" is not registered in this database', scan, current_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'portier central add-device registers a device in one event''s database';
    END IF;
    IF NEW.room <> 'entrance' AND NOT EXISTS (SELECT FROM rooms WHERE id = NEW.room) THEN
        RAISE EXCEPTION '%: room "%" is not in the published model', scan, NEW.room
            USING ERRCODE = 'check_violation',
                  HINT = 'run portier central publish after changing the event''s rooms';
    END IF;
    IF NOT NEW.room = ANY (bound) THEN
        RAISE EXCEPTION '%: device "%" may not record scans for room "%": it is bound to %',
            scan, current_user, NEW.room, array_to_string(bound, ', ')
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'run the kiosk with a --room its device was added with '
                         '(portier central add-device ... --room ROOM)';
    END IF;
    IF NEW.session <> '' AND NOT EXISTS (SELECT FROM sessions AS s
                                         WHERE s.id = NEW.session AND s.room = NEW.room) THEN
        RAISE EXCEPTION '%: session "%" is not a published session in room "%"', scan,
            NEW.session, NEW.room
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.attendee <> '' AND NOT EXISTS (SELECT FROM attendees WHERE id = NEW.attendee) THEN
        RAISE EXCEPTION '%: attendee "%" is not in the published model', scan, NEW.attendee
            USING ERRCODE = 'check_violation',
                  HINT = 'run portier central publish after portier import';
    END IF;
    IF NEW.override AND (NEW.kind <> 'badge' OR NEW.result <> 'admitted' OR NEW.room = 'entrance'
        OR NOT EXISTS (
            SELECT FROM scans AS s JOIN attendees AS a ON a.id = s.attendee
            WHERE s.device_id = NEW.device_id AND s.db_epoch = NEW.db_epoch AND s.seq < NEW.seq
              AND s.kind = 'badge' AND s.result <> 'denied' AND a.category = 'staff'
              AND NEW.wall_ms - s.wall_ms BETWEEN 0 AND 10000
              AND NOT EXISTS (SELECT FROM scans AS o
                              WHERE o.device_id = NEW.device_id AND o.db_epoch = NEW.db_epoch
                                AND o.seq > s.seq AND o.seq < NEW.seq AND o.override))) THEN
        RAISE EXCEPTION '%: an override without a staff badge just before it at this kiosk',
            scan
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.clock_synced
       AND NEW.wall_ms > (extract(epoch FROM clock_timestamp()) * 1000)::bigint + 300000 THEN
        RAISE EXCEPTION '%: its time (%) is more than 5 minutes ahead of the server''s clock',
            scan, to_timestamp(NEW.wall_ms / 1000.0)
            USING ERRCODE = 'check_violation',
                  HINT = 'the kiosk''s clock is wrong although it says it is synchronised';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER scans_check_device BEFORE INSERT ON scans
    FOR EACH ROW EXECUTE FUNCTION check_device_scan();
