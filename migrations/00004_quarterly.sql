-- Quarterly reports (四半期報告, SPEC §2): operators' uploads of the simple
-- form (a count of base-station, remote-terminal and DSLAM failures per
-- prefecture) and the detailed form (one row per accident), both in one
-- table keyed by organisation, fiscal year, quarter, form and a natural
-- key: "equipment_type:prefecture" for a count, the operator's accident
-- ref for an accident. Uploading a file again finds every key and adds
-- nothing; a known key with other values is a correction, updated in place.
--
-- Equipment types and prefectures are data (configs/quarterly.yaml), so
-- the database does not list them; the code lists it does check are the
-- ones the case tables fix too (services, cause class and archetype).

-- +goose Up
CREATE TABLE quarterly_uploads (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The uploader's organisation; NULL for the secretariat's files, which
    -- may hold rows of several organisations.
    organisation_id  bigint REFERENCES organisations (id),
    filename         text NOT NULL CHECK (filename <> ''),
    format           text NOT NULL CHECK (format IN ('csv', 'json', 'xlsx')),
    sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    rows             integer NOT NULL CHECK (rows >= 0),
    added            integer NOT NULL CHECK (added >= 0),
    updated          integer NOT NULL CHECK (updated >= 0),
    uploaded_by      text NOT NULL CHECK (uploaded_by <> ''),
    uploaded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quarterly_uploads_organisation_idx ON quarterly_uploads (organisation_id, uploaded_at DESC);

CREATE TABLE quarterly_rows (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id   bigint NOT NULL REFERENCES organisations (id),
    fiscal_year       integer NOT NULL CHECK (fiscal_year BETWEEN 2008 AND 2200),
    quarter           smallint NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    form              text NOT NULL CHECK (form IN ('simple', 'detailed')),
    key               text NOT NULL CHECK (key <> ''),
    equipment_type    text NOT NULL CHECK (equipment_type <> ''),
    prefecture        text NOT NULL CHECK (prefecture <> ''),
    -- Simple form: the number of failures.
    count             integer CHECK (count >= 0),
    -- Detailed form: the accident.
    occurred_at       timestamptz,
    recovered_at      timestamptz CHECK (recovered_at >= occurred_at),
    service           text CHECK (service IN ('voice_emergency', 'voice', 'free_internet', 'internet_access', 'lpwa', 'other')),
    users             integer CHECK (users >= 0),
    duration_minutes  integer CHECK (duration_minutes >= 0),
    cause_class       text CHECK (cause_class IN ('equipment', 'human', 'external')),
    cause_archetype   text CHECK (cause_archetype IN ('software_bug', 'hardware_failure', 'config_error', 'procedure_error',
                                                      'capacity', 'natural_disaster', 'cyber_attack', 'other_operator', 'power', 'unknown')),
    summary           text NOT NULL DEFAULT '',
    -- The upload that last set the row's values.
    upload_id         bigint NOT NULL REFERENCES quarterly_uploads (id),
    CHECK (form <> 'simple' OR (key = equipment_type || ':' || prefecture AND count IS NOT NULL
        AND occurred_at IS NULL AND recovered_at IS NULL AND service IS NULL AND users IS NULL
        AND duration_minutes IS NULL AND cause_class IS NULL AND cause_archetype IS NULL AND summary = '')),
    CHECK (form <> 'detailed' OR (count IS NULL AND occurred_at IS NOT NULL AND recovered_at IS NOT NULL
        AND service IS NOT NULL AND users IS NOT NULL AND duration_minutes IS NOT NULL
        AND cause_class IS NOT NULL AND cause_archetype IS NOT NULL))
);
-- One row per natural key; also the index of "an organisation's rows of
-- a quarter" that uploads read and the summary counts.
CREATE UNIQUE INDEX quarterly_rows_key_idx ON quarterly_rows (organisation_id, fiscal_year, quarter, form, key);
-- The committee's reading by year and quarter across organisations.
CREATE INDEX quarterly_rows_quarter_idx ON quarterly_rows (fiscal_year, quarter, id);

-- +goose Down
DROP TABLE quarterly_rows;
DROP TABLE quarterly_uploads;
