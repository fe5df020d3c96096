-- The similarity index (package triage) lives in each server's memory. It
-- follows every write to the tables it reads through this table: triggers
-- note the cases and quarterly rows a statement changed, and NOTIFY
-- kensho_similarity wakes every instance, which then reads the entries
-- after the last one it applied. Statement-level triggers with transition
-- tables, so a bulk load of a million cases notes them in one INSERT per
-- statement instead of a million trigger calls.

-- +goose Up
CREATE TABLE similarity_changes (
    seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id           bigint,
    quarterly_row_id  bigint,
    changed_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((case_id IS NULL) <> (quarterly_row_id IS NULL))
);
CREATE INDEX similarity_changes_changed_idx ON similarity_changes (changed_at);

-- TG_ARGV[0] names the column holding the case id (or, for quarterly_rows,
-- the row id); the transition table is "changed" whatever the event.
-- +goose StatementBegin
CREATE FUNCTION note_similarity_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'quarterly_rows' THEN
        EXECUTE 'INSERT INTO similarity_changes (quarterly_row_id) SELECT DISTINCT id FROM changed';
    ELSE
        EXECUTE format('INSERT INTO similarity_changes (case_id) SELECT DISTINCT %I FROM changed', TG_ARGV[0]);
    END IF;
    PERFORM pg_notify('kensho_similarity', '');
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('cases', 'id'), ('causes', 'case_id'), ('impacts', 'case_id'),
            ('case_operators', 'case_id'), ('case_tier_raises', 'case_id'),
            ('near_miss_summaries', 'case_id'), ('quarterly_rows', 'id')) AS v (tbl, col) LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS changed
            FOR EACH STATEMENT EXECUTE FUNCTION note_similarity_change(%L)', t.tbl || '_similarity_ins', t.tbl, t.col);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS changed
            FOR EACH STATEMENT EXECUTE FUNCTION note_similarity_change(%L)', t.tbl || '_similarity_upd', t.tbl, t.col);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS changed
            FOR EACH STATEMENT EXECUTE FUNCTION note_similarity_change(%L)', t.tbl || '_similarity_del', t.tbl, t.col);
    END LOOP;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['cases', 'causes', 'impacts', 'case_operators', 'case_tier_raises', 'near_miss_summaries', 'quarterly_rows'] LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_similarity_ins', t);
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_similarity_upd', t);
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_similarity_del', t);
    END LOOP;
END;
$$;
-- +goose StatementEnd
DROP FUNCTION note_similarity_change();
DROP TABLE similarity_changes;
