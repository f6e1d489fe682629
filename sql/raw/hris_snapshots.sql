-- One row per HRIS snapshot (as_of): how its export was read. Row counts are in raw.ingest_files.
-- materialized: ddl
-- column as_of: The date the snapshot describes.
-- column source_file: Path of the HRIS export.
-- column loaded_at: When the snapshot was loaded (UTC).
-- column encoding: Text encoding the file was read with (utf-8-sig means UTF-8 with a byte-order mark).
-- column delimiter: Field delimiter found in the header line.
-- column date_formats: strftime formats dates were parsed with, in the order tried.
-- column column_map: Which export header each canonical field was read from.
CREATE TABLE IF NOT EXISTS raw.hris_snapshots (
    as_of DATE NOT NULL,
    source_file VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    encoding VARCHAR,
    delimiter VARCHAR,
    date_formats VARCHAR[],
    column_map VARCHAR
);
