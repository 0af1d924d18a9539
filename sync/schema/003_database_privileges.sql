-- Portier central database, schema step 3: close PostgreSQL's defaults to logins that are
-- not Portier's.
--
-- By default every login of the cluster (PUBLIC) may connect to every database and create
-- temporary tables in it. Here only Portier's groups may connect; only the devices' group
-- (the scan upload COPYs into one, sync/central_upload.c) and the owner (publish uploads
-- event.db through some, sync/central.c) may create temporary tables; the schema "public"
-- gives nobody anything (PostgreSQL 15 already withholds CREATE).
-- Notifications cannot be closed this way: any login that connects may NOTIFY any channel,
-- so the sync daemons take them as hints only (sync/syncd.c).
DO $privileges$
BEGIN
    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO portier_owner, portier_device, '
                   'portier_organiser', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO portier_owner, portier_device',
                   current_database());
    IF EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'public') THEN
        REVOKE ALL ON SCHEMA public FROM PUBLIC;
    END IF;
END
$privileges$;
