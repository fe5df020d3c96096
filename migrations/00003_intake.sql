-- Intake: operators file reports through forms and the API; one real
-- accident is one case however many reports fed it.
--
-- A report is immutable: its body and hash never change. Which case it
-- belongs to is a secretariat decision (linking a wholesale customer's case
-- into its provider's, or splitting it out again), so case_id alone may
-- move; origin_case_id remembers where it came in, which is what a split
-- restores. The case row is the secretariat's validated copy: operators'
-- reports replace it until the secretariat validates it; after that an
-- amendment only raises flags on the fields that differ.

-- +goose Up
ALTER TABLE reports
    -- import: a kensho-case/v1 file; quick: 一報; detailed: 詳細な報告;
    -- amendment: a correction after the detailed report; quarterly_detailed:
    -- 四半期報告 (detailed form, per accident); information: 障害情報提供.
    ADD COLUMN kind            text NOT NULL DEFAULT 'import'
        CHECK (kind IN ('import', 'quick', 'detailed', 'amendment', 'quarterly_detailed', 'information')),
    -- The organisation that filed it (NULL for files imported by the secretariat).
    ADD COLUMN organisation_id bigint REFERENCES organisations (id),
    ADD COLUMN submitted_by    text NOT NULL DEFAULT '',
    ADD COLUMN origin_case_id  bigint REFERENCES cases (id),
    -- 1, 2, 3…: the report's version within the case it came in with.
    ADD COLUMN sequence        integer CHECK (sequence >= 1);

ALTER TABLE reports DISABLE TRIGGER reports_immutable;
UPDATE reports r SET origin_case_id = r.case_id,
    sequence = s.n
FROM (SELECT id, row_number() OVER (PARTITION BY case_id ORDER BY received_at, id) AS n FROM reports) s
WHERE s.id = r.id;
ALTER TABLE reports ENABLE TRIGGER reports_immutable;
ALTER TABLE reports ALTER COLUMN origin_case_id SET NOT NULL, ALTER COLUMN sequence SET NOT NULL;

-- A new report comes in with the case it is for and the next version of it,
-- unless the writer says otherwise. Writers serialise on the case (row lock
-- or the import lock); the unique index below catches any that do not.
-- +goose StatementBegin
CREATE FUNCTION number_report() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.origin_case_id := coalesce(NEW.origin_case_id, NEW.case_id);
    IF NEW.sequence IS NULL THEN
        SELECT coalesce(max(sequence), 0) + 1 INTO NEW.sequence FROM reports WHERE origin_case_id = NEW.origin_case_id;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER reports_number BEFORE INSERT ON reports FOR EACH ROW EXECUTE FUNCTION number_report();
CREATE UNIQUE INDEX reports_origin_sequence_idx ON reports (origin_case_id, sequence);
CREATE INDEX reports_organisation_idx ON reports (organisation_id, received_at) WHERE organisation_id IS NOT NULL;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refuse_report_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A link or split moves a report to another case; nothing else changes.
    IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'case_id') = (to_jsonb(OLD) - 'case_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'reports are immutable: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

ALTER TABLE cases
    -- Optimistic locking: every save of the working copy names the version
    -- it started from and raises it by one.
    ADD COLUMN version       integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    -- Set when the secretariat first saves or confirms the working copy.
    ADD COLUMN validated_at  timestamptz,
    ADD COLUMN validated_by  text NOT NULL DEFAULT '',
    -- A case linked into another (wholesale): its reports moved there; the
    -- row stays so that a split can restore it.
    ADD COLUMN merged_into   bigint REFERENCES cases (id),
    ADD COLUMN merged_reason text NOT NULL DEFAULT '';
CREATE INDEX cases_merged_into_idx ON cases (merged_into) WHERE merged_into IS NOT NULL;

-- Every saved state of an editable record, so that a stale save can be told
-- exactly what changed since the version it started from.
CREATE TABLE revisions (
    record     text NOT NULL CHECK (record IN ('case', 'draft')),
    record_id  bigint NOT NULL,
    version    integer NOT NULL CHECK (version >= 1),
    body       jsonb NOT NULL,
    saved_by   text NOT NULL,
    saved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (record, record_id, version)
);

-- A report being written: saved as often as the operator likes, submitted
-- once (then it is a report and the draft is kept, read-only, with a link).
CREATE TABLE drafts (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  bigint NOT NULL REFERENCES organisations (id),
    -- The case a detailed report or an amendment continues; NULL for a first report.
    case_id          bigint REFERENCES cases (id),
    case_kind        text NOT NULL CHECK (case_kind IN ('accident', 'near_miss', 'information')),
    report_kind      text NOT NULL CHECK (report_kind IN ('quick', 'detailed', 'amendment', 'quarterly_detailed', 'information')),
    -- kensho-case/v1 with the form's extension ("report": the 13 items).
    body             jsonb NOT NULL DEFAULT '{}',
    version          integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       text NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    report_id        bigint REFERENCES reports (id)
);
CREATE INDEX drafts_organisation_idx ON drafts (organisation_id, updated_at DESC);

-- Fields in which an operator's amendment differs from the validated copy,
-- for the secretariat to take over or keep.
CREATE TABLE amendment_flags (
    report_id    bigint NOT NULL REFERENCES reports (id),
    case_id      bigint NOT NULL REFERENCES cases (id),
    path         text NOT NULL,
    reported     jsonb,
    validated    jsonb,
    resolution   text CHECK (resolution IN ('accepted', 'kept')),
    resolved_by  text NOT NULL DEFAULT '',
    resolved_at  timestamptz,
    PRIMARY KEY (report_id, path)
);
CREATE INDEX amendment_flags_open_idx ON amendment_flags (case_id) WHERE resolution IS NULL;

-- Files attached to a report (PDF, images): committee + own tier. Held by
-- the draft while it is written, by the report once submitted.
CREATE TABLE attachments (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  bigint NOT NULL REFERENCES organisations (id),
    draft_id         bigint REFERENCES drafts (id),
    report_id        bigint REFERENCES reports (id),
    filename         text NOT NULL CHECK (filename <> ''),
    content_type     text NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp')),
    size             integer NOT NULL CHECK (size > 0),
    sha256           text NOT NULL,
    body             bytea NOT NULL,
    uploaded_by      text NOT NULL,
    uploaded_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (draft_id IS NOT NULL OR report_id IS NOT NULL)
);
CREATE INDEX attachments_draft_idx ON attachments (draft_id) WHERE draft_id IS NOT NULL;
CREATE INDEX attachments_report_idx ON attachments (report_id) WHERE report_id IS NOT NULL;

-- Idempotency keys of API submissions: the same key with the same request
-- replays the first answer; with another request it is refused.
CREATE TABLE idempotency_keys (
    actor           text NOT NULL,
    key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_sha256  text NOT NULL,
    status          integer NOT NULL,
    response        bytea NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE attachments;
DROP TABLE amendment_flags;
DROP TABLE drafts;
DROP TABLE revisions;
DROP INDEX cases_merged_into_idx;
ALTER TABLE cases DROP COLUMN version, DROP COLUMN validated_at, DROP COLUMN validated_by,
    DROP COLUMN merged_into, DROP COLUMN merged_reason;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refuse_report_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'reports are immutable: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
DROP TRIGGER reports_number ON reports;
DROP FUNCTION number_report();
DROP INDEX reports_organisation_idx;
DROP INDEX reports_origin_sequence_idx;
ALTER TABLE reports DISABLE TRIGGER reports_immutable;
ALTER TABLE reports DROP COLUMN kind, DROP COLUMN organisation_id, DROP COLUMN submitted_by,
    DROP COLUMN origin_case_id, DROP COLUMN sequence;
ALTER TABLE reports ENABLE TRIGGER reports_immutable;
