-- Portier central database, schema step 7: admissions by hand (issue 15, DESIGN.md §7).
--
-- Staff at a kiosk can find a person who has no badge with them and admit them by hand: a
-- decision like any other (the same rules: capacity, reserved seats, implicit exit), with the
-- new reason 'manual', and the attendee id of the staff member who took it in the new column
-- staff ('' for every other scan). A manual admission always names its staff member.
SET LOCAL ROLE portier_owner;
SET LOCAL search_path = portier, pg_catalog;

ALTER TABLE scans DROP CONSTRAINT scans_reason_check,
    ADD CONSTRAINT scans_reason_check CHECK (reason IN ('ok', 'reentry', 'invalid', 'revoked',
        'wrong_event', 'unknown_attendee', 'room_full', 'not_registered', 'room_closed',
        'duplicate', 'manual'));
ALTER TABLE scans ADD COLUMN staff text NOT NULL DEFAULT '';
ALTER TABLE scans ADD CONSTRAINT scans_manual_staff CHECK (reason <> 'manual' OR staff <> '');
GRANT INSERT (staff) ON scans TO portier_device;
