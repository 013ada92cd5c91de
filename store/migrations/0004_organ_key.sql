-- Schema 4 gave the reports view organ_key, the name that is the same for one
-- body across the years however each title spells it (see store.OrganKey). The
-- views are defined in views.sql now (see syncViews).
SELECT 1;
