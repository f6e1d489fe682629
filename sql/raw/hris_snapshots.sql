-- One row per HRIS snapshot (as_of): how its export was read. Row counts are in raw.ingest_files.
-- materialized: ddl
-- column as_of: The date the snapshot describes.
-- column source_file: Path of the HRIS export.
-- column loaded_at: When the snapshot was loaded (UTC).
-- column encoding: Text encoding the file was read with (utf-8-sig means UTF-8 with a byte-order mark).
-- column delimiter: Field delimiter found in the header line.
-- column date_formats: strftime formats dates were parsed with, in the order tried.
-- column column_map: Which export header each canonical field was read from.
-- column export_date: The date of the export read, when hris.path is a folder of dated exports (from its file name, else its modification day); NULL for a single file.
-- column export_age_days: as_of minus export_date: 0 when the date has an export of its own, more when the nearest earlier one stood in.
CREATE TABLE IF NOT EXISTS raw.hris_snapshots (
    as_of DATE NOT NULL,
    source_file VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    encoding VARCHAR,
    delimiter VARCHAR,
    date_formats VARCHAR[],
    column_map VARCHAR,
    export_date DATE,
    export_age_days INTEGER
);
