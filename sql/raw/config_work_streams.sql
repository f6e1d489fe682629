-- One row per work stream in the org config of the latest run, as configured.
-- materialized: ddl
-- column position: The stream's place in the config, from 1; the first matching stream wins ties.
-- column stream_id: Stream id from the config.
-- column name: Stream name.
-- column kind: program, product or project.
-- column stl: Email of the stream's single-threaded leader, empty when it has none.
-- column match_projects: Jira project keys whose issues belong to the stream.
-- column match_epics: Epic keys whose issues (and the epic itself) belong to the stream.
-- column match_labels: Labels that put an issue in the stream.
-- column match_components: Components that put an issue in the stream.
CREATE TABLE IF NOT EXISTS raw.config_work_streams (
    position INTEGER NOT NULL,
    stream_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    stl VARCHAR,
    match_projects VARCHAR[],
    match_epics VARCHAR[],
    match_labels VARCHAR[],
    match_components VARCHAR[]
);
