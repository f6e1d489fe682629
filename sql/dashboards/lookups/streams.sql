-- One row per work stream in the config, as of the latest snapshot: a lookup for filters and labels.
-- column position: Place in the config, from 1.
-- column stream_id: Stream id.
-- column stream_name: Stream name.
-- column kind: program, product or project.
SELECT position, stream_id, stream_name, kind
FROM src.core.work_streams
WHERE as_of = (SELECT max(as_of) FROM src.core.work_streams)
