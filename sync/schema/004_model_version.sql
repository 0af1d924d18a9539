-- Portier central database, schema step 4: the version of the published model.
--
-- EVENT_DIR/event.db counts its changes (meta model_version: every import, revoke and
-- forget bumps it). `portier central publish` stores the count it published here, and
-- refuses (unless --force) an event.db whose count is lower: a stale copy would otherwise
-- silently roll back a newer import, revoke or forget. A forget in this database
-- (portier forget --central) moves the count on too.
SET LOCAL ROLE portier_owner;
SET LOCAL search_path = portier, pg_catalog;

ALTER TABLE event ADD COLUMN model_version bigint NOT NULL DEFAULT 0
    CHECK (model_version >= 0);
