-- Portier central database, schema step 5: a scan's time may be given (issue 14).
--
-- A scan replayed with an explicit timestamp (TIMESTAMP<TAB>TOKEN on a kiosk's stdin) or taken
-- by a kiosk started with --clock carries a GIVEN time: the kiosk did not read it from a
-- clock, the operator stated it. Before this step such a scan was stored as "clock not
-- synchronised" and scans_timed dated it from its boot's monotonic clock, i.e. about when the
-- server received it: a replayed day landed on the day of the upload. Now it is stored with
-- clock_given and scans_timed takes its wall time as it is (time_source 'given').
--
-- The time source of a scan: clock_synced 'synced' (scans_timed: 'kiosk'), clock_given
-- 'given', neither 'unsynced' (dated from the boot's other scans or its clock anchors). A given
-- time is not bounded by this server's clock (step 2 bounds synchronised ones only: a replayed
-- day may lie in the past or the future) but must lie in Portier's sane range, 2020-01-01 to
-- 2099-12-31 (TIME_SANE_MIN_MS, TIME_SANE_MAX_MS in src/core/timeutil.h).
SET LOCAL ROLE portier_owner;
SET LOCAL search_path = portier, pg_catalog;

ALTER TABLE scans ADD COLUMN clock_given boolean NOT NULL DEFAULT false;
ALTER TABLE scans ADD CONSTRAINT scans_clock_source CHECK (NOT (clock_synced AND clock_given));
ALTER TABLE scans ADD CONSTRAINT scans_given_time_sane
    CHECK (NOT clock_given OR wall_ms BETWEEN 1577836800000 AND 4102444799999);
GRANT INSERT (clock_given) ON scans TO portier_device;

-- scans_timed as in step 1, but a given time stands, and clock_given is the view's last
-- column (its other columns keep their order, so the views built on it stay as they are).
CREATE OR REPLACE VIEW scans_timed WITH (security_invoker = true) AS
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
    SELECT s.device_id, s.db_epoch, s.seq, s.wall_ms, s.mono_ns, s.boot_id, s.clock_synced, s.room,
           s.session, s.attendee, s.mode, s.kind, s.result, s.reason, s.override, s.wall_time,
           s.received_at, s.clock_given,
           CASE WHEN s.clock_synced OR s.clock_given THEN s.wall_ms
                WHEN after.wall_ms IS NOT NULL
                    THEN after.wall_ms - (after.mono_ns - s.mono_ns) / 1000000
                WHEN before.wall_ms IS NOT NULL
                    THEN before.wall_ms + (s.mono_ns - before.mono_ns) / 1000000
                ELSE o.offset_ms + s.mono_ns / 1000000 END AS corrected_ms,
           CASE WHEN s.clock_synced THEN 'kiosk'
                WHEN s.clock_given THEN 'given'
                WHEN after.wall_ms IS NOT NULL OR before.wall_ms IS NOT NULL THEN 'boot'
                ELSE 'server' END AS time_source
    FROM scans AS s
    LEFT JOIN LATERAL (SELECT x.wall_ms, x.mono_ns FROM scans AS x
                       WHERE NOT s.clock_synced AND NOT s.clock_given AND x.clock_synced
                         AND x.device_id = s.device_id AND x.boot_id = s.boot_id
                         AND x.mono_ns >= s.mono_ns
                       ORDER BY x.mono_ns LIMIT 1) AS after ON true
    LEFT JOIN LATERAL (SELECT x.wall_ms, x.mono_ns FROM scans AS x
                       WHERE NOT s.clock_synced AND NOT s.clock_given AND x.clock_synced
                         AND x.device_id = s.device_id AND x.boot_id = s.boot_id
                         AND x.mono_ns < s.mono_ns
                       ORDER BY x.mono_ns DESC LIMIT 1) AS before ON true
    LEFT JOIN boot_offsets AS o ON o.device_id = s.device_id AND o.boot_id = s.boot_id
)
SELECT timed.device_id, timed.db_epoch, timed.seq, timed.wall_ms, timed.mono_ns, timed.boot_id,
       timed.clock_synced, timed.room, timed.session, timed.attendee, timed.mode, timed.kind,
       timed.result, timed.reason, timed.override, timed.wall_time, timed.received_at,
       timed.corrected_ms, timed.time_source, to_timestamp(corrected_ms / 1000.0) AS corrected_at,
       timed.clock_given
FROM timed;
