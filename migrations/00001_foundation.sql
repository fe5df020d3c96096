-- The foundation: organisations, cases and the reports that make them.
--
-- A case is the secretariat's validated working copy (cases, case_operators,
-- causes, impacts, impact_periods); every operator submission that fed it is
-- kept, byte for byte and unchangeable, in reports. Times are timestamptz;
-- the fiscal year is computed in JST by the application and stored so that
-- yearly statistics can use an index.

-- +goose Up
CREATE TABLE organisations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL CHECK (name <> ''),
    name_en      text NOT NULL DEFAULT '',
    -- 指定公共機関: takes part in restricted sharing of cases.
    designated   boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Every spelling an organisation is known by, its own name included, under
-- one unique key (NFKC, lower case, no spaces): a name resolves to exactly
-- one organisation.
CREATE TABLE organisation_names (
    name_key        text PRIMARY KEY CHECK (name_key <> ''),
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name            text NOT NULL,
    is_alias        boolean NOT NULL
);
CREATE INDEX organisation_names_organisation_idx ON organisation_names (organisation_id);

CREATE TABLE cases (
    id                         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The organisations (by id, sorted) and the ref: one real case.
    identity_key               text NOT NULL UNIQUE,
    ref                        text NOT NULL CHECK (ref <> ''),
    kind                       text NOT NULL CHECK (kind IN ('accident', 'near_miss', 'information')),
    occurred_at                timestamptz NOT NULL,
    recovered_at               timestamptz CHECK (recovered_at IS NULL OR recovered_at >= occurred_at),
    fiscal_year                integer NOT NULL,
    area                       text NOT NULL DEFAULT '',
    summary                    text NOT NULL DEFAULT '',
    detail                     text NOT NULL DEFAULT '',
    measures                   text NOT NULL DEFAULT '',
    critical_facility_type     text CHECK (critical_facility_type IN ('submarine_cable', 'satellite', 'other')),
    critical_facility_minutes  double precision CHECK (critical_facility_minutes >= 0),
    critical_facility_extra    json,
    -- The near-miss facts as reported (kensho-case/v1 near_miss object).
    near_miss                  json,
    -- Fields of the imported JSON that v1 does not define, kept as given.
    extra                      json,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_occurred_at_idx ON cases (occurred_at, id);
CREATE INDEX cases_fiscal_year_idx ON cases (fiscal_year, kind);

CREATE TABLE case_operators (
    case_id          bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    position         integer NOT NULL CHECK (position >= 0),
    organisation_id  bigint NOT NULL REFERENCES organisations (id),
    -- The name exactly as the report gave it.
    reported_name    text NOT NULL,
    role             text NOT NULL CHECK (role IN ('reporter', 'wholesale_provider', 'wholesale_customer')),
    extra            json,
    PRIMARY KEY (case_id, position),
    UNIQUE (case_id, organisation_id)
);
CREATE INDEX case_operators_organisation_idx ON case_operators (organisation_id, case_id);

CREATE TABLE causes (
    case_id    bigint PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    class      text CHECK (class IN ('equipment', 'human', 'external')),
    archetype  text CHECK (archetype IN ('software_bug', 'hardware_failure', 'config_error', 'procedure_error',
                                         'capacity', 'natural_disaster', 'cyber_attack', 'other_operator', 'power', 'unknown')),
    text       text NOT NULL DEFAULT '',
    extra      json
);

CREATE TABLE impacts (
    id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id                  bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    position                 integer NOT NULL CHECK (position >= 0),
    service                  text NOT NULL CHECK (service IN ('voice_emergency', 'voice', 'free_internet', 'internet_access', 'lpwa', 'other')),
    monthly_active_users     bigint CHECK (monthly_active_users >= 0),
    mediates_communications  boolean,
    degradation              boolean NOT NULL DEFAULT false,
    peak_users               bigint CHECK (peak_users >= 0),
    user_unit                text NOT NULL CHECK (user_unit IN ('people', 'lines', 'contracts')),
    stopped_capacity_gbps    double precision CHECK (stopped_capacity_gbps >= 0),
    total_subscribers        bigint CHECK (total_subscribers >= 0),
    description              text NOT NULL DEFAULT '',
    extra                    json,
    UNIQUE (case_id, position)
);

CREATE TABLE impact_periods (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    impact_id  bigint NOT NULL REFERENCES impacts (id) ON DELETE CASCADE,
    position   integer NOT NULL CHECK (position >= 0),
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL CHECK (ends_at > starts_at),
    -- NULL: the users could not be counted.
    users      bigint CHECK (users >= 0),
    extra      json,
    UNIQUE (impact_id, position)
);

-- What operators submitted, exactly as received. Never updated, never
-- deleted: the trigger below refuses both, whoever asks.
CREATE TABLE reports (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id           bigint NOT NULL REFERENCES cases (id),
    source            text NOT NULL CHECK (source IN ('import', 'api', 'form')),
    source_name       text NOT NULL DEFAULT '',
    received_at       timestamptz NOT NULL DEFAULT now(),
    body              bytea NOT NULL,
    body_sha256       text NOT NULL,
    -- SHA-256 of the canonical v1 encoding: the same report submitted again
    -- in another layout has the same value.
    canonical_sha256  text NOT NULL,
    UNIQUE (case_id, canonical_sha256)
);
CREATE INDEX reports_case_idx ON reports (case_id, received_at);

-- +goose StatementBegin
CREATE FUNCTION refuse_report_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'reports are immutable: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER reports_immutable
    BEFORE UPDATE OR DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION refuse_report_change();
CREATE TRIGGER reports_no_truncate
    BEFORE TRUNCATE ON reports
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_report_change();

-- +goose Down
DROP TABLE reports;
DROP FUNCTION refuse_report_change();
DROP TABLE impact_periods;
DROP TABLE impacts;
DROP TABLE causes;
DROP TABLE case_operators;
DROP TABLE cases;
DROP TABLE organisation_names;
DROP TABLE organisations;
