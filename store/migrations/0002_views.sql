-- Schema 2 created the public views. They are defined in views.sql now, the one
-- definition, which every open brings the archive's views up to (see syncViews).
SELECT 1;
