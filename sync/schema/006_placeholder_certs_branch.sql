-- Portier central database, schema step 6: NOTHING. A stand-in on the branch `certs` only,
-- so that its step 8 (008_not_today.sql) applies in order while steps 6 and 7 belong to other
-- branches. Drop this file when merging and run sync/schema/embed.sh.
SELECT 1;
