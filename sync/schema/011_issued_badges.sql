-- Portier central database, schema step 11: badges issued at the door (issue 15, DESIGN.md §7).
--
-- Each kiosk or desk that reprints badges and registers walk-ins holds its own issuing key,
-- certified by the event key (`portier device-key`, src/core/devkey.h). `portier central
-- publish` copies the keys and their revocation here (device_keys); kiosks pull them by
-- version, like attendees, so that every kiosk accepts the badges of a key certified after its
-- bundle was made and refuses new badges of a revoked key once it pulled the revocation.
--
-- A kiosk's sync daemon uploads what it issued into issues: a walk-in it registered (action
-- 'register': a new attendee, serial 0) or a reprint (action 'reprint': serial N issued, serial
-- N - 1 revoked). A device inserts only its own rows (row-level security, as for scans), never
-- updates or deletes them; the upload is idempotent on (device_id, db_epoch, seq). A trigger
-- checks each row against the published model and merges it into attendees and revocations
-- with new versions, so that every other kiosk gets it through the pulls it makes already:
--   the key     a published key of the inserting device, not revoked;
--   register    attendee 'W' || num, num inside the key's walk-in range, an id and num that no
--               attendee has yet, serial 0;
--   reprint     an attendee of that num whose current serial is serial - 1 (the badge the
--               kiosk revoked is the attendee's current one).
-- A refusal is SQLSTATE 23514 (check_violation), its message starting with the row's key: the
-- sync daemon sets the row aside (its quarantine) and goes on with the others.
SET LOCAL ROLE portier_owner;
SET LOCAL search_path = portier, pg_catalog;

CREATE TABLE device_keys (
    public_key text PRIMARY KEY CHECK (public_key ~ '^[0-9a-f]{64}$'),
    device text NOT NULL,
    first_num bigint NOT NULL,
    last_num bigint NOT NULL CHECK (last_num >= first_num),
    cert text NOT NULL CHECK (cert ~ '^[0-9a-f]{128}$'),
    created_at text NOT NULL,
    revoked_at text,
    version bigint NOT NULL DEFAULT nextval('change_seq')
);
CREATE INDEX device_keys_version ON device_keys (version);

CREATE TABLE issues (
    device_id text NOT NULL CHECK (octet_length(device_id) BETWEEN 1 AND 63),
    db_epoch bigint NOT NULL,
    seq bigint NOT NULL CHECK (seq > 0),
    action text NOT NULL CHECK (action IN ('register', 'reprint')), -- DESIGN.md §7's action
    attendee text NOT NULL CHECK (octet_length(attendee) BETWEEN 1 AND 63),
    num bigint NOT NULL CHECK (num > 0),
    serial bigint NOT NULL CHECK (serial BETWEEN 0 AND 255),
    public_key text NOT NULL,
    staff text NOT NULL CHECK (octet_length(staff) < 64),
    wall_ms bigint NOT NULL CHECK (wall_ms BETWEEN 0 AND 253402300799999),
    name text NOT NULL DEFAULT '',
    organisation text NOT NULL DEFAULT '',
    language text NOT NULL DEFAULT '',
    category text NOT NULL DEFAULT '',
    sessions text[] NOT NULL DEFAULT '{}',
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (device_id, db_epoch, seq),
    CHECK (action = 'reprint' OR (language IN ('nl', 'fr', 'en')
        AND category IN ('attendee', 'speaker', 'staff', 'press') AND name <> ''))
);

-- Checks and merges one issued badge. Runs as the owner (the device may not write the model);
-- takes the lock publish takes (001: versions must become visible in increasing order).
CREATE FUNCTION merge_issue() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = portier, pg_catalog AS $$
DECLARE
    k device_keys%ROWTYPE;
    a attendees%ROWTYPE;
    what text := format('issue %s/%s/%s', NEW.device_id, NEW.db_epoch, NEW.seq);
BEGIN
    LOCK TABLE attendees, revocations IN EXCLUSIVE MODE;
    SELECT * INTO k FROM device_keys WHERE public_key = NEW.public_key;
    IF NOT FOUND OR k.device <> NEW.device_id THEN
        RAISE EXCEPTION '%: signed with a key that is not a published key of device "%"', what,
            NEW.device_id
            USING ERRCODE = 'check_violation',
                  HINT = 'run portier central publish after portier device-key';
    END IF;
    IF k.revoked_at IS NOT NULL THEN
        RAISE EXCEPTION '%: the key of device "%" was revoked at %', what, k.device, k.revoked_at
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.action = 'register' THEN
        IF NEW.num NOT BETWEEN k.first_num AND k.last_num OR NEW.attendee <> 'W' || NEW.num
            OR NEW.serial <> 0 THEN
            RAISE EXCEPTION '%: walk-in % (number %) is outside the range W%..W% of its key', what,
                NEW.attendee, NEW.num, k.first_num, k.last_num
                USING ERRCODE = 'check_violation';
        END IF;
        IF EXISTS (SELECT FROM attendees WHERE id = NEW.attendee OR num = NEW.num) THEN
            RAISE EXCEPTION '%: walk-in %: an attendee with that id or number exists already',
                what, NEW.attendee
                USING ERRCODE = 'check_violation';
        END IF;
        INSERT INTO attendees (id, num, name, organisation, language, category, serial, sessions,
                               version)
        VALUES (NEW.attendee, NEW.num, NEW.name, NEW.organisation, NEW.language, NEW.category, 0,
                ARRAY(SELECT s FROM unnest(NEW.sessions) AS s ORDER BY s),
                nextval('change_seq'));
        RETURN NULL;
    END IF;
    SELECT * INTO a FROM attendees WHERE id = NEW.attendee;
    IF NOT FOUND OR a.num <> NEW.num THEN
        RAISE EXCEPTION '%: reprint for attendee % (number %), whom the model does not hold', what,
            NEW.attendee, NEW.num
            USING ERRCODE = 'check_violation';
    END IF;
    IF a.serial <> NEW.serial - 1 THEN
        RAISE EXCEPTION '%: reprint of %: it revoked serial %, but the current badge is serial %',
            what, NEW.attendee, NEW.serial - 1, a.serial
            USING ERRCODE = 'check_violation';
    END IF;
    INSERT INTO revocations (num, serial, revoked_at, version)
    VALUES (a.num, a.serial,
            to_char(to_timestamp(NEW.wall_ms / 1000.0) AT TIME ZONE 'UTC',
                    'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            nextval('change_seq'))
    ON CONFLICT (num, serial) DO NOTHING;
    UPDATE attendees SET serial = NEW.serial, version = nextval('change_seq'), updated_at = now()
    WHERE id = a.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER issues_merge AFTER INSERT ON issues FOR EACH ROW EXECUTE FUNCTION merge_issue();

CREATE TRIGGER device_keys_notify_insert AFTER INSERT ON device_keys
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_model('device_keys');
CREATE TRIGGER device_keys_notify_update AFTER UPDATE ON device_keys
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_model('device_keys');

ALTER TABLE device_keys ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE issues ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON device_keys TO portier_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_read ON issues FOR SELECT TO portier_owner USING (true);
-- portier forget --central blanks a walk-in's name and organisation here too.
CREATE POLICY owner_forget ON issues FOR UPDATE TO portier_owner USING (true) WITH CHECK (true);
GRANT SELECT ON device_keys, issues TO portier_organiser;
CREATE POLICY organiser_read ON device_keys FOR SELECT TO portier_organiser
    USING (EXISTS (SELECT FROM organisers WHERE id = current_user));
CREATE POLICY organiser_read ON issues FOR SELECT TO portier_organiser
    USING (EXISTS (SELECT FROM organisers WHERE id = current_user));
GRANT SELECT ON device_keys TO portier_device;
CREATE POLICY device_read ON device_keys FOR SELECT TO portier_device
    USING (EXISTS (SELECT FROM devices WHERE id = current_user));
GRANT SELECT, INSERT (device_id, db_epoch, seq, action, attendee, num, serial, public_key, staff,
                      wall_ms, name, organisation, language, category, sessions)
    ON issues TO portier_device;
CREATE POLICY device_read ON issues FOR SELECT TO portier_device
    USING (device_id = current_user);
CREATE POLICY device_insert ON issues FOR INSERT TO portier_device
    WITH CHECK (device_id = current_user AND EXISTS (SELECT FROM devices WHERE id = current_user));
