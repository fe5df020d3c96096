-- A quarterly-report accident filed through the per-accident form (a
-- report of kind quarterly_detailed) is a detailed-form row too, so that
-- the quarter's rows are one table whichever way they came: such a row
-- names the report it came from instead of an upload.

-- +goose Up
ALTER TABLE quarterly_rows
    ALTER COLUMN upload_id DROP NOT NULL,
    ADD COLUMN report_id bigint REFERENCES reports (id),
    ADD CONSTRAINT quarterly_rows_source_check CHECK (upload_id IS NOT NULL OR report_id IS NOT NULL);

-- +goose Down
DELETE FROM quarterly_rows WHERE upload_id IS NULL;
ALTER TABLE quarterly_rows
    DROP CONSTRAINT quarterly_rows_source_check,
    DROP COLUMN report_id,
    ALTER COLUMN upload_id SET NOT NULL;
