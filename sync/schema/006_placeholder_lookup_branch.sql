-- Portier central database, schema step 6: NOTHING. A stand-in on the branch `lookup` only,
-- so that its step 7 (007_manual_admission.sql) applies in order while step 6 belongs to
-- another branch (the dashboard's). Drop this file when merging and run sync/schema/embed.sh.
SELECT 1;
