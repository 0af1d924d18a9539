-- Portier central database, schema step 15 (issue 18: congress scale): the boot offsets of
-- the boots that need them, without reading every scan.
--
-- The sync daemons read the offsets of the boots with unsynchronised scans (those that date
-- something a kiosk holds) every minute (portier sync, after its clock anchor), and
-- scans_timed dates every such scan: both looked for them with a scan of the whole table, some
-- 120 ms a kiosk a minute on a congress's first day. The index holds only unsynchronised
-- scans without a given time (a kiosk whose clock was not synchronised: few, or none), with
-- what dating them reads.
SET LOCAL ROLE portier_owner;
SET LOCAL search_path = portier, pg_catalog;

CREATE INDEX scans_unsynced_boot ON scans (device_id, boot_id, mono_ns) INCLUDE (received_at)
    WHERE NOT clock_synced AND NOT clock_given;
