-- Portier central database, schema step 10 (numbered 11 on main: see the merge note of branch
-- dash2): each kiosk's heartbeat, for the dashboard's Kiosks page and alerts (DESIGN.md §8).
--
-- The sync daemon of a device writes its own row once per pull cycle (not per scan): scans
-- waiting to upload, scans the server refused (its quarantine), whether its clock is
-- synchronised and its offset to this server's clock, and its Portier version. last_contact
-- is this server's clock, set by the trigger whatever the device sends; pending_since is when
-- the waiting count last went down or came up from zero, so that an upload that does not move
-- shows as stuck. Row-level security: a device reads and writes only its own row.
SET LOCAL ROLE portier_owner;
SET LOCAL search_path = portier, pg_catalog;

CREATE TABLE device_status (
    device_id text PRIMARY KEY,
    last_contact timestamptz NOT NULL DEFAULT clock_timestamp(),
    pending bigint NOT NULL CHECK (pending >= 0),
    pending_since timestamptz NOT NULL DEFAULT clock_timestamp(),
    quarantined bigint NOT NULL DEFAULT 0 CHECK (quarantined >= 0),
    clock_synced boolean NOT NULL,
    clock_offset_ms bigint, -- server clock - kiosk clock; NULL: not measured
    version text NOT NULL DEFAULT '' CHECK (octet_length(version) <= 64)
);

CREATE FUNCTION device_status_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.last_contact := clock_timestamp();
    IF TG_OP = 'INSERT' OR NEW.pending = 0 OR OLD.pending = 0 OR NEW.pending < OLD.pending THEN
        NEW.pending_since := clock_timestamp();
    ELSE
        NEW.pending_since := OLD.pending_since;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER device_status_stamp BEFORE INSERT OR UPDATE ON device_status
    FOR EACH ROW EXECUTE FUNCTION device_status_stamp();

ALTER TABLE device_status ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_read ON device_status FOR SELECT TO portier_owner USING (true);
GRANT SELECT ON device_status TO portier_organiser;
CREATE POLICY organiser_read ON device_status FOR SELECT TO portier_organiser
    USING (EXISTS (SELECT FROM organisers WHERE id = current_user));
GRANT SELECT, INSERT (device_id, pending, quarantined, clock_synced, clock_offset_ms, version),
    UPDATE (pending, quarantined, clock_synced, clock_offset_ms, version)
    ON device_status TO portier_device;
CREATE POLICY device_read ON device_status FOR SELECT TO portier_device
    USING (device_id = current_user);
CREATE POLICY device_insert ON device_status FOR INSERT TO portier_device
    WITH CHECK (device_id = current_user AND EXISTS (SELECT FROM devices WHERE id = current_user));
CREATE POLICY device_update ON device_status FOR UPDATE TO portier_device
    USING (device_id = current_user) WITH CHECK (device_id = current_user);
