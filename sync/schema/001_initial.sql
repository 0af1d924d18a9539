-- Portier central database, schema version 1.
--
-- Applied by `portier central init CONNINFO` as a superuser, in one transaction together with
-- its row in portier.schema_version. Files in sync/schema/ are applied in order; a released file
-- is never edited: later changes go into a new file (002_..., 003_...). No BEGIN/COMMIT here.
--
-- Roles (cluster-wide, created once per cluster):
--   portier_owner      NOLOGIN; owns the schema and every object in it.
--   portier_device     NOLOGIN group of the kiosks' login roles (one per kiosk, whose name is
--                      the device id): inserts its own scans and clock anchors, reads the model
--                      (but no e-mail address) and every kiosk's scans. Never updates or deletes.
--   portier_organiser  NOLOGIN group of the organisers' login roles: reads everything.
-- A login acts only on a database whose portier.devices or portier.organisers lists it.
-- Every table has row-level security, FORCEd so that even the owner's rights are only those
-- the policies give it: the owner maintains the model but cannot rewrite the scan log.
-- Views run with the rights of whoever queries them (security_invoker).

DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portier_owner') THEN
        CREATE ROLE portier_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portier_device') THEN
        CREATE ROLE portier_device NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portier_organiser') THEN
        CREATE ROLE portier_organiser NOLOGIN;
    END IF;
END
$roles$;

-- JIT compilation would cost seconds on each query of the organisers' views and gain nothing
-- at an event's scale (tens of thousands of scans). Applies to sessions started from now on.
DO $jit$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
END
$jit$;

CREATE SCHEMA portier AUTHORIZATION portier_owner;
SET LOCAL ROLE portier_owner;
SET LOCAL search_path = portier, pg_catalog;

CREATE TABLE schema_version (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT session_user
);

-- The event model, as uploaded by `portier central publish` from EVENT_DIR/event.db.
CREATE TABLE event (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    event_id bigint NOT NULL CHECK (event_id BETWEEN 0 AND 4294967295),
    name text NOT NULL,
    timezone text NOT NULL,
    key_id integer NOT NULL CHECK (key_id BETWEEN 0 AND 65535),
    created text NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rooms (
    id text PRIMARY KEY,
    name text NOT NULL,
    capacity integer NOT NULL CHECK (capacity > 0)
);

CREATE TABLE sessions (
    id text PRIMARY KEY,
    room text NOT NULL REFERENCES rooms (id),
    title text NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    start_text text NOT NULL, -- as written in sessions.csv
    end_text text NOT NULL,
    CHECK (ends_at > starts_at)
);

-- Kiosks pull attendee additions and changes, and revocations, with a cursor on `version`: a
-- value of change_seq taken when the row last changed. Only publish writes these tables and it
-- holds an exclusive lock while it does, so versions become visible in increasing order and a
-- cursor never skips a change.
CREATE SEQUENCE change_seq;

CREATE TABLE attendees (
    id text PRIMARY KEY,
    num bigint NOT NULL UNIQUE CHECK (num > 0),
    name text NOT NULL,
    organisation text NOT NULL DEFAULT '',
    email text,
    language text NOT NULL CHECK (language IN ('nl', 'fr', 'en')),
    category text NOT NULL CHECK (category IN ('attendee', 'speaker', 'staff', 'press')),
    serial bigint NOT NULL DEFAULT 0 CHECK (serial >= 0),
    sessions text[] NOT NULL DEFAULT '{}', -- registered session ids, sorted
    version bigint NOT NULL DEFAULT nextval('change_seq'),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attendees_version ON attendees (version);

CREATE TABLE revocations (
    num bigint NOT NULL,
    serial bigint NOT NULL,
    revoked_at text NOT NULL,
    version bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (num, serial)
);
CREATE INDEX revocations_version ON revocations (version);

-- The logins of this event: `portier central add-device` and `add-organiser` record them here.
-- Roles are shared by every database of a cluster but these tables are not, so the policies
-- below let a login act only on the database that registered it, and deleting its row cuts it
-- off at once.
CREATE TABLE devices (
    id text PRIMARY KEY, -- also the name of the device's login role
    auth text NOT NULL CHECK (auth IN ('password', 'cert')),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT session_user
);

CREATE TABLE organisers (
    id text PRIMARY KEY, -- the name of the organiser's login role
    auth text NOT NULL CHECK (auth IN ('password', 'cert')),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT session_user
);

-- The merged scan log: one row per kiosk decision (src/scan.h), enums stored by name. Append
-- only. wall_ms is the kiosk's wall clock as it was (possibly unsynchronised); received_at is
-- when the row reached this server (set here, a device cannot supply it); the corrected time is
-- derived in the view scans_timed, because it can improve when later data arrives.
CREATE TABLE scans (
    device_id text NOT NULL CHECK (octet_length(device_id) BETWEEN 1 AND 63),
    db_epoch bigint NOT NULL,
    seq bigint NOT NULL,
    wall_ms bigint NOT NULL CHECK (wall_ms BETWEEN 0 AND 253402300799999), -- until year 9999
    mono_ns bigint NOT NULL CHECK (mono_ns >= 0),
    boot_id text NOT NULL CHECK (octet_length(boot_id) < 40),
    clock_synced boolean NOT NULL,
    room text NOT NULL CHECK (octet_length(room) < 64),
    session text NOT NULL DEFAULT '' CHECK (octet_length(session) < 64),
    attendee text NOT NULL DEFAULT '' CHECK (octet_length(attendee) < 64),
    mode text NOT NULL CHECK (mode IN ('entry', 'exit', 'toggle', 'overview')),
    kind text NOT NULL CHECK (kind IN ('badge', 'session_end', 'manual', 'room_close',
                                       'room_open')),
    result text NOT NULL CHECK (result IN ('admitted', 'exited', 'denied')),
    reason text NOT NULL CHECK (reason IN ('ok', 'reentry', 'invalid', 'revoked', 'wrong_event',
                                           'unknown_attendee', 'room_full', 'not_registered',
                                           'room_closed', 'duplicate')),
    override boolean NOT NULL DEFAULT false,
    wall_time timestamptz GENERATED ALWAYS AS (to_timestamp(wall_ms / 1000.0)) STORED,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (device_id, db_epoch, seq)
);
CREATE INDEX scans_attendee ON scans (attendee) WHERE attendee <> '';
CREATE INDEX scans_session ON scans (session) WHERE session <> '';
CREATE INDEX scans_room ON scans (room, kind);
CREATE INDEX scans_synced_boot ON scans (device_id, boot_id, mono_ns) WHERE clock_synced;

-- Clock anchors: "at mono_ns in boot boot_id, this server's clock read received_at". A sync
-- daemon inserts one whenever it connects; they date the scans of a kiosk whose clock was not
-- synchronised (see scans_timed).
CREATE TABLE clock_anchors (
    device_id text NOT NULL,
    boot_id text NOT NULL,
    mono_ns bigint NOT NULL,
    wall_ms bigint NOT NULL, -- the kiosk's wall clock at the same moment, for diagnosis
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (device_id, boot_id, mono_ns)
);

-- LISTEN/NOTIFY: channel portier_scans (payload: a device id whose scans arrived) wakes the
-- kiosks' sync daemons to pull; channel portier_model (payload: 'attendees' or 'revocations')
-- tells them the model changed. Notifications are sent at commit; polling is the fallback.
CREATE FUNCTION notify_scans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('portier_scans', d.device_id)
    FROM (SELECT DISTINCT device_id FROM inserted) AS d;
    RETURN NULL;
END
$$;
CREATE TRIGGER scans_notify AFTER INSERT ON scans REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION notify_scans();

CREATE FUNCTION notify_model() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM changed) THEN
        PERFORM pg_notify('portier_model', TG_ARGV[0]);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER attendees_notify_insert AFTER INSERT ON attendees REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_model('attendees');
CREATE TRIGGER attendees_notify_update AFTER UPDATE ON attendees REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_model('attendees');
CREATE TRIGGER revocations_notify AFTER INSERT ON revocations REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_model('revocations');

-- Privileges and policies.
GRANT USAGE ON SCHEMA portier TO portier_device, portier_organiser;
ALTER TABLE schema_version ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE event ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE rooms ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE attendees ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE revocations ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE devices ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE organisers ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE scans ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE clock_anchors ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;

-- The owner maintains the model and the logins; it only reads the scan log.
CREATE POLICY owner_all ON schema_version TO portier_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON event TO portier_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON rooms TO portier_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON sessions TO portier_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON attendees TO portier_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON revocations TO portier_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON devices TO portier_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON organisers TO portier_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_read ON scans FOR SELECT TO portier_owner USING (true);
CREATE POLICY owner_read ON clock_anchors FOR SELECT TO portier_owner USING (true);

-- Organisers (registered in this database) read everything and write nothing.
GRANT SELECT ON schema_version, event, rooms, sessions, attendees, revocations, devices,
    organisers, scans, clock_anchors TO portier_organiser;
CREATE POLICY organiser_read ON schema_version FOR SELECT TO portier_organiser USING (true);
CREATE POLICY organiser_read ON organisers FOR SELECT TO portier_organiser
    USING (id = current_user);
CREATE POLICY organiser_read ON event FOR SELECT TO portier_organiser
    USING (EXISTS (SELECT FROM organisers WHERE id = current_user));
CREATE POLICY organiser_read ON rooms FOR SELECT TO portier_organiser
    USING (EXISTS (SELECT FROM organisers WHERE id = current_user));
CREATE POLICY organiser_read ON sessions FOR SELECT TO portier_organiser
    USING (EXISTS (SELECT FROM organisers WHERE id = current_user));
CREATE POLICY organiser_read ON attendees FOR SELECT TO portier_organiser
    USING (EXISTS (SELECT FROM organisers WHERE id = current_user));
CREATE POLICY organiser_read ON revocations FOR SELECT TO portier_organiser
    USING (EXISTS (SELECT FROM organisers WHERE id = current_user));
CREATE POLICY organiser_read ON devices FOR SELECT TO portier_organiser
    USING (EXISTS (SELECT FROM organisers WHERE id = current_user));
CREATE POLICY organiser_read ON scans FOR SELECT TO portier_organiser
    USING (EXISTS (SELECT FROM organisers WHERE id = current_user));
CREATE POLICY organiser_read ON clock_anchors FOR SELECT TO portier_organiser
    USING (EXISTS (SELECT FROM organisers WHERE id = current_user));

-- Devices (registered in this database) read the model (attendees without e-mail), their own
-- device row and every kiosk's scans; they insert scans and clock anchors under their own
-- device id only (the role name). No UPDATE, DELETE or TRUNCATE is granted, and no policy
-- would allow them.
GRANT SELECT ON schema_version, event, rooms, sessions, revocations, devices, scans
    TO portier_device;
GRANT SELECT (id, num, name, organisation, language, category, serial, sessions, version,
              updated_at) ON attendees TO portier_device;
GRANT INSERT (device_id, db_epoch, seq, wall_ms, mono_ns, boot_id, clock_synced, room, session,
              attendee, mode, kind, result, reason, override) ON scans TO portier_device;
GRANT INSERT (device_id, boot_id, mono_ns, wall_ms) ON clock_anchors TO portier_device;
CREATE POLICY device_read ON schema_version FOR SELECT TO portier_device USING (true);
CREATE POLICY device_read ON devices FOR SELECT TO portier_device USING (id = current_user);
CREATE POLICY device_read ON event FOR SELECT TO portier_device
    USING (EXISTS (SELECT FROM devices WHERE id = current_user));
CREATE POLICY device_read ON rooms FOR SELECT TO portier_device
    USING (EXISTS (SELECT FROM devices WHERE id = current_user));
CREATE POLICY device_read ON sessions FOR SELECT TO portier_device
    USING (EXISTS (SELECT FROM devices WHERE id = current_user));
CREATE POLICY device_read ON attendees FOR SELECT TO portier_device
    USING (EXISTS (SELECT FROM devices WHERE id = current_user));
CREATE POLICY device_read ON revocations FOR SELECT TO portier_device
    USING (EXISTS (SELECT FROM devices WHERE id = current_user));
CREATE POLICY device_read ON scans FOR SELECT TO portier_device
    USING (EXISTS (SELECT FROM devices WHERE id = current_user));
CREATE POLICY device_insert ON scans FOR INSERT TO portier_device
    WITH CHECK (device_id = current_user AND EXISTS (SELECT FROM devices WHERE id = current_user));
CREATE POLICY device_insert ON clock_anchors FOR INSERT TO portier_device
    WITH CHECK (device_id = current_user AND EXISTS (SELECT FROM devices WHERE id = current_user));

-- Views for organisers and dashboards.

-- Every scan with a corrected time (corrected_ms, corrected_at) and where it came from
-- (time_source):
--   'kiosk'  the kiosk's clock was synchronised: its wall time stands;
--   'boot'   it was not, but a later (else earlier) scan of the same boot was: that scan's wall
--            time, moved by the monotonic clock's difference;
--   'server' neither: the monotonic time plus the smallest (server time - monotonic time)
--            observed for that boot in scan arrivals and clock anchors. The server saw each of
--            those after it happened, so this is the tightest available bound, and exact to
--            the network delay when an anchor was taken on connection.
CREATE VIEW scans_timed WITH (security_invoker = true) AS
WITH boot_offsets AS (
    SELECT device_id, boot_id, min(server_ms - mono_ns / 1000000) AS offset_ms
    FROM (SELECT device_id, boot_id, mono_ns,
                 (extract(epoch FROM received_at) * 1000)::bigint AS server_ms
          FROM scans WHERE NOT clock_synced
          UNION ALL
          SELECT device_id, boot_id, mono_ns,
                 (extract(epoch FROM received_at) * 1000)::bigint
          FROM clock_anchors) AS observations
    GROUP BY device_id, boot_id
), timed AS (
    SELECT s.*,
           CASE WHEN s.clock_synced THEN s.wall_ms
                WHEN after.wall_ms IS NOT NULL
                    THEN after.wall_ms - (after.mono_ns - s.mono_ns) / 1000000
                WHEN before.wall_ms IS NOT NULL
                    THEN before.wall_ms + (s.mono_ns - before.mono_ns) / 1000000
                ELSE o.offset_ms + s.mono_ns / 1000000 END AS corrected_ms,
           CASE WHEN s.clock_synced THEN 'kiosk'
                WHEN after.wall_ms IS NOT NULL OR before.wall_ms IS NOT NULL THEN 'boot'
                ELSE 'server' END AS time_source
    FROM scans AS s
    LEFT JOIN LATERAL (SELECT x.wall_ms, x.mono_ns FROM scans AS x
                       WHERE NOT s.clock_synced AND x.clock_synced
                         AND x.device_id = s.device_id AND x.boot_id = s.boot_id
                         AND x.mono_ns >= s.mono_ns
                       ORDER BY x.mono_ns LIMIT 1) AS after ON true
    LEFT JOIN LATERAL (SELECT x.wall_ms, x.mono_ns FROM scans AS x
                       WHERE NOT s.clock_synced AND x.clock_synced
                         AND x.device_id = s.device_id AND x.boot_id = s.boot_id
                         AND x.mono_ns < s.mono_ns
                       ORDER BY x.mono_ns DESC LIMIT 1) AS before ON true
    LEFT JOIN boot_offsets AS o ON o.device_id = s.device_id AND o.boot_id = s.boot_id
)
SELECT timed.*, to_timestamp(corrected_ms / 1000.0) AS corrected_at FROM timed;

-- Each attendee's last movement (admitted to or let out of a room, or the entrance), in
-- corrected time. Entering a room leaves the previous one, so this is where everyone is.
CREATE VIEW attendee_location WITH (security_invoker = true) AS
SELECT DISTINCT ON (attendee) attendee, room, result, corrected_at, device_id
FROM scans_timed
WHERE attendee <> '' AND result IN ('admitted', 'exited')
ORDER BY attendee, corrected_ms DESC, device_id DESC, db_epoch DESC, seq DESC;

-- Occupancy of every room now: attendees whose last movement admitted them there, plus the
-- net of staff's manual +1/-1 since the room was last closed or a session in it last ended.
-- (The same as attendee_location, inlined so that scans_timed is computed once.)
CREATE VIEW occupancy_now WITH (security_invoker = true) AS
WITH timed AS MATERIALIZED (
    SELECT device_id, db_epoch, seq, room, attendee, kind, result, corrected_ms
    FROM scans_timed
), location AS (
    SELECT DISTINCT ON (attendee) attendee, room, result
    FROM timed
    WHERE attendee <> '' AND result IN ('admitted', 'exited')
    ORDER BY attendee, corrected_ms DESC, device_id DESC, db_epoch DESC, seq DESC
), badges AS (
    SELECT room, count(*) AS n FROM location WHERE result = 'admitted' GROUP BY room
), closed AS (
    SELECT room, max(corrected_ms) AS ms FROM timed WHERE kind = 'room_close' GROUP BY room
), ended AS (
    SELECT room, (extract(epoch FROM max(ends_at)) * 1000)::bigint AS ms
    FROM sessions WHERE ends_at <= now() GROUP BY room
), manual AS (
    SELECT t.room,
           sum(CASE t.result WHEN 'admitted' THEN 1 WHEN 'exited' THEN -1 ELSE 0 END) AS n
    FROM timed AS t
    LEFT JOIN closed AS c ON c.room = t.room
    LEFT JOIN ended AS e ON e.room = t.room
    WHERE t.kind = 'manual' AND t.corrected_ms > coalesce(greatest(c.ms, e.ms), 0)
    GROUP BY t.room
), state AS (
    SELECT DISTINCT ON (room) room, kind = 'room_open' AS is_open
    FROM timed WHERE kind IN ('room_open', 'room_close')
    ORDER BY room, corrected_ms DESC, device_id DESC, db_epoch DESC, seq DESC
)
SELECT r.id AS room, r.name, r.capacity,
       (coalesce(b.n, 0) + greatest(coalesce(m.n, 0), 0))::integer AS occupancy,
       coalesce(st.is_open, true) AS is_open,
       (SELECT s.id FROM sessions AS s
        WHERE s.room = r.id AND s.starts_at <= now() AND now() < s.ends_at) AS session
FROM rooms AS r
LEFT JOIN badges AS b ON b.room = r.id
LEFT JOIN manual AS m ON m.room = r.id
LEFT JOIN state AS st ON st.room = r.id;

-- Registrations, one row per (attendee, session).
CREATE VIEW registrations WITH (security_invoker = true) AS
SELECT a.id AS attendee, unnest(a.sessions) AS session FROM attendees AS a;

-- Per session: registered, attended (distinct attendees admitted with that session running),
-- of whom registered, walk-ins, no-shows, and admissions counted by hand.
CREATE VIEW attendance_by_session WITH (security_invoker = true) AS
WITH registered AS (
    SELECT session, count(*) AS n FROM registrations GROUP BY session
), present AS (
    SELECT DISTINCT session, attendee FROM scans
    WHERE result = 'admitted' AND session <> '' AND attendee <> ''
), attended AS (
    SELECT p.session, count(*) AS n,
           count(*) FILTER (WHERE p.session = ANY (a.sessions)) AS n_registered
    FROM present AS p LEFT JOIN attendees AS a ON a.id = p.attendee
    GROUP BY p.session
), manual AS (
    SELECT session, count(*) AS n FROM scans
    WHERE kind = 'manual' AND result = 'admitted' AND session <> ''
    GROUP BY session
)
SELECT s.id AS session, s.room, s.title, s.starts_at, s.ends_at, r.capacity,
       coalesce(g.n, 0)::integer AS registered,
       coalesce(t.n, 0)::integer AS attended,
       coalesce(t.n_registered, 0)::integer AS attended_registered,
       (coalesce(t.n, 0) - coalesce(t.n_registered, 0))::integer AS walk_ins,
       (coalesce(g.n, 0) - coalesce(t.n_registered, 0))::integer AS no_shows,
       coalesce(m.n, 0)::integer AS manual_admissions
FROM sessions AS s
JOIN rooms AS r ON r.id = s.room
LEFT JOIN registered AS g ON g.session = s.id
LEFT JOIN attended AS t ON t.session = s.id
LEFT JOIN manual AS m ON m.session = s.id;

-- Scans per room and 5-minute slot of corrected time.
CREATE VIEW arrivals_per_5min WITH (security_invoker = true) AS
SELECT to_timestamp(floor(corrected_ms / 300000.0) * 300) AS slot, room,
       count(*) FILTER (WHERE result = 'admitted')::integer AS admitted,
       count(*) FILTER (WHERE result = 'exited')::integer AS exited,
       count(*) FILTER (WHERE result = 'denied')::integer AS denied
FROM scans_timed
WHERE kind IN ('badge', 'manual', 'session_end')
GROUP BY 1, 2;

-- What the kiosks could not see while apart, found in the merged log:
--   'admitted_twice_offline'  the same badge admitted to the same room (or the entrance) by two
--                             kiosks with no exit between, the second before the first had
--                             reached this server;
--   'two_rooms_at_once'       the same badge admitted to two different rooms less than 60 s
--                             apart (a shared or copied badge).
CREATE VIEW conflicts WITH (security_invoker = true) AS
WITH moves AS (
    SELECT attendee, device_id, db_epoch, seq, room, result, corrected_ms, corrected_at,
           received_at,
           lag(device_id) OVER w AS prev_device, lag(db_epoch) OVER w AS prev_epoch,
           lag(seq) OVER w AS prev_seq, lag(room) OVER w AS prev_room,
           lag(result) OVER w AS prev_result, lag(corrected_ms) OVER w AS prev_ms,
           lag(corrected_at) OVER w AS prev_at, lag(received_at) OVER w AS prev_received
    FROM scans_timed
    WHERE attendee <> '' AND result IN ('admitted', 'exited')
    WINDOW w AS (PARTITION BY attendee ORDER BY corrected_ms, device_id, db_epoch, seq)
)
SELECT CASE WHEN room = prev_room THEN 'admitted_twice_offline'
            ELSE 'two_rooms_at_once' END AS kind,
       attendee,
       prev_device AS first_device, prev_epoch AS first_epoch, prev_seq AS first_seq,
       prev_room AS first_room, prev_at AS first_at,
       device_id AS second_device, db_epoch AS second_epoch, seq AS second_seq,
       room AS second_room, corrected_at AS second_at
FROM moves
WHERE result = 'admitted' AND prev_result = 'admitted' AND device_id <> prev_device
  AND ((room = prev_room AND corrected_ms < (extract(epoch FROM prev_received) * 1000)::bigint)
       OR (room <> prev_room AND room <> 'entrance' AND prev_room <> 'entrance'
           AND corrected_ms - prev_ms < 60000));

GRANT SELECT ON scans_timed, attendee_location, occupancy_now, registrations,
    attendance_by_session, arrivals_per_5min, conflicts TO portier_organiser;
