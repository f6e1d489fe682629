-- One row per attribution per as_of: work that counts for a team and work that counts for none.
SELECT * FROM src.marts.work_attribution
