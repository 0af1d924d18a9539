-- Portier central database, schema step 13 (issue 18: congress scale): a pull costs what it
-- returns, and a notification names the rooms it is about.
--
-- scan_heads: for each (device_id, db_epoch) of the scan log, the highest seq received, kept
-- by the insert trigger in the transaction of the insert (so a reader sees a head and the
-- scans below it together). A kiosk's pull (sync/sync_pull.c) reads the heads, a few hundred
-- rows, and probes the scans of only the pairs whose head is above its cursor, instead of
-- enumerating every pair of portier.scans and probing each (server CPU N kiosks x pairs per
-- pull, the first limit measured in docs/scale.md). Devices read it; only the trigger writes
-- it (SECURITY DEFINER, as the owner), from the rows the statement inserted.
SET LOCAL ROLE portier_owner;
SET LOCAL search_path = portier, pg_catalog;

CREATE TABLE scan_heads (
    device_id text NOT NULL,
    db_epoch bigint NOT NULL,
    seq bigint NOT NULL,
    PRIMARY KEY (device_id, db_epoch)
);

ALTER TABLE scan_heads ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON scan_heads TO portier_owner USING (true) WITH CHECK (true);
GRANT SELECT ON scan_heads TO portier_organiser, portier_device;
CREATE POLICY organiser_read ON scan_heads FOR SELECT TO portier_organiser
    USING (EXISTS (SELECT FROM organisers WHERE id = current_user));
CREATE POLICY device_read ON scan_heads FOR SELECT TO portier_device
    USING (EXISTS (SELECT FROM devices WHERE id = current_user));

CREATE FUNCTION scan_heads_advance() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = portier, pg_catalog AS $$
BEGIN
    INSERT INTO scan_heads AS h (device_id, db_epoch, seq)
    SELECT device_id, db_epoch, max(seq) FROM inserted GROUP BY device_id, db_epoch
    ON CONFLICT (device_id, db_epoch) DO UPDATE SET seq = greatest(h.seq, EXCLUDED.seq);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION scan_heads_advance() FROM PUBLIC;

-- The trigger's lock keeps inserts out until this step commits, so the heads below miss none.
CREATE TRIGGER scans_head AFTER INSERT ON scans REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION scan_heads_advance();
INSERT INTO scan_heads (device_id, db_epoch, seq)
SELECT device_id, db_epoch, max(seq) FROM scans GROUP BY device_id, db_epoch;

-- The notification on portier_scans (one per inserting device and statement) names the rooms
-- the statement's scans are for: payload "DEVICE_ID ROOM ROOM ..." (ids have no spaces; the
-- entrance is the room 'entrance'), or "DEVICE_ID *" when the list would pass PostgreSQL's
-- 8000-byte payload limit. A room door's sync daemon pulls at once for its own rooms and
-- batches the others (portier sync --others-interval). It stays a hint: any login may NOTIFY
-- anything, and polling finds every scan whatever the notifications said.
CREATE OR REPLACE FUNCTION notify_scans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('portier_scans',
                      CASE WHEN octet_length(d.payload) < 7900 THEN d.payload
                           ELSE d.device_id || ' *' END)
    FROM (SELECT device_id, device_id || ' ' || string_agg(DISTINCT room, ' ') AS payload
          FROM inserted GROUP BY device_id) AS d;
    RETURN NULL;
END
$$;
