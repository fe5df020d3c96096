-- The annual verification report (電気通信事故に関する検証報告), edition by
-- edition: draft → review (comments) → approved → published. A build
-- freezes the report's content (kensho-annual-report/v1 JSON, its SHA-256)
-- and its XLSX and PDF in the row, so that what was reviewed is exactly
-- what is published. A published edition never changes: a correction is
-- a new edition of the year, and the old one stays readable.

-- +goose Up
CREATE TABLE report_editions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fiscal_year     integer NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2200),
    edition         integer NOT NULL CHECK (edition >= 1),
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'review', 'approved', 'published')),
    -- Optimistic locking of the editors' changes.
    version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    foreword        text NOT NULL DEFAULT '',
    -- A correction: the published edition it corrects and what changed.
    corrects        bigint REFERENCES report_editions (id),
    correction      text NOT NULL DEFAULT '',
    -- The build (a River job): queued → running → done or failed, with
    -- the stage reached for the page's progress bar.
    build_state     text NOT NULL DEFAULT 'queued' CHECK (build_state IN ('queued', 'running', 'done', 'failed')),
    build_step      integer NOT NULL DEFAULT 0,
    build_steps     integer NOT NULL DEFAULT 0,
    build_stage     text NOT NULL DEFAULT '',
    build_error     text NOT NULL DEFAULT '',
    build_notes     jsonb,
    build_ms        integer,
    pdf_ms          integer,
    built_at        timestamptz,
    -- The snapshot: content is the JSON output byte for byte.
    content         bytea,
    content_sha256  text,
    xlsx            bytea,
    xlsx_sha256     text,
    pdf             bytea,
    pdf_sha256      text,
    -- What the leak scanner found at the last build or publication try.
    findings        jsonb,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    submitted_by    text NOT NULL DEFAULT '',
    submitted_at    timestamptz,
    approved_by     text NOT NULL DEFAULT '',
    approved_at     timestamptz,
    published_by    text NOT NULL DEFAULT '',
    published_at    timestamptz,
    UNIQUE (fiscal_year, edition),
    CHECK (correction <> '' OR corrects IS NULL),
    CHECK ((status = 'published') = (published_at IS NOT NULL)),
    CHECK (status IN ('draft', 'review') OR (build_state = 'done' AND content_sha256 IS NOT NULL))
);
-- One edition of a year in the making at a time.
CREATE UNIQUE INDEX report_editions_open_idx ON report_editions (fiscal_year) WHERE status <> 'published';
CREATE INDEX report_editions_published_idx ON report_editions (fiscal_year, edition DESC) WHERE status = 'published';

-- The editors' and the secretariat's comments on an edition under review.
CREATE TABLE report_comments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id  bigint NOT NULL REFERENCES report_editions (id),
    author      text NOT NULL,
    author_name text NOT NULL DEFAULT '',
    body        text NOT NULL CHECK (btrim(body) <> ''),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_comments_edition_idx ON report_comments (edition_id, id);

-- +goose StatementBegin
CREATE FUNCTION refuse_published_edition_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'published' THEN
        RAISE EXCEPTION 'report edition % of fiscal % is published and cannot change: % refused',
            OLD.edition, OLD.fiscal_year, TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER report_editions_immutable
    BEFORE UPDATE OR DELETE ON report_editions
    FOR EACH ROW EXECUTE FUNCTION refuse_published_edition_change();

-- +goose Down
DROP TABLE report_comments;
DROP TABLE report_editions;
DROP FUNCTION refuse_published_edition_change();
