-- One row per work stream in the org config: raw.config_work_streams renamed for the core layer.
-- column position: Place in the config, from 1 (earlier streams win ties between rules of one kind).
-- column stream_id: Stream id.
-- column stream_name: Stream name.
-- column kind: program, product or project.
-- column stl_email: Email of the single-threaded leader, lower case; NULL when the stream has none.
-- column match_projects: Jira project keys mapped to the stream.
-- column match_epics: Epic keys mapped to the stream (the epic and its children).
-- column match_labels: Labels mapped to the stream.
-- column match_components: Components mapped to the stream.
SELECT
    position,
    stream_id,
    name AS stream_name,
    kind,
    nullif(lower(trim(stl)), '') AS stl_email,
    match_projects,
    match_epics,
    match_labels,
    match_components
FROM raw.config_work_streams
