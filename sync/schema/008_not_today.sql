-- Portier central database, schema step 8: multi-day badges (issue 17, DESIGN.md §4).
--
-- An attendee may hold a badge valid on some days only (attendees.csv column `days`); the
-- venue entrance refuses it on another day with the new reason 'not_today'.
-- The list also holds step 7's 'manual': the last CHECK list must be src/core/vocab.def's
-- (test_vocab_schema).
SET LOCAL ROLE portier_owner;
SET LOCAL search_path = portier, pg_catalog;

ALTER TABLE scans DROP CONSTRAINT scans_reason_check,
    ADD CONSTRAINT scans_reason_check CHECK (reason IN ('ok', 'reentry', 'invalid', 'revoked',
        'wrong_event', 'unknown_attendee', 'room_full', 'not_registered', 'room_closed',
        'duplicate', 'manual', 'not_today'));
