-- Portier central database, schema step 9: the
-- logins of the web dashboard (`portier dashboard`, DESIGN.md §8).
--
-- These are not PostgreSQL roles: the dashboard connects with one login of its own (an
-- organiser's) and checks its users' passwords itself. `portier dashboard add-user` stores a
-- libsodium crypto_pwhash_str hash (Argon2id, its own salt and limits in the string), never
-- the password. role: 'staff' see rooms, alerts and kiosks; 'organiser' also people and
-- reports. Adding a user again replaces its role and password.
SET LOCAL ROLE portier_owner;
SET LOCAL search_path = portier, pg_catalog;

CREATE TABLE dashboard_users (
    name text PRIMARY KEY CHECK (octet_length(name) BETWEEN 1 AND 63
                                 AND name !~ '[[:cntrl:][:space:]]'),
    role text NOT NULL CHECK (role IN ('staff', 'organiser')),
    hash text NOT NULL CHECK (hash LIKE '$argon2%'),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT session_user
);
ALTER TABLE dashboard_users ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON dashboard_users TO portier_owner USING (true) WITH CHECK (true);
GRANT SELECT ON dashboard_users TO portier_organiser;
CREATE POLICY organiser_read ON dashboard_users FOR SELECT TO portier_organiser
    USING (EXISTS (SELECT FROM organisers WHERE id = current_user));
