-- The committee's review of a case (internal/review): the secretariat's
-- triage decision, the experts assigned to verify it, their annotations
-- and the comments between them and the secretariat, the committee's
-- verification result, the lessons it drew, and administrative guidance.
--
-- Everything here is committee tier of its case (SPEC §6), except
-- published guidance (public). Texts are the committee's; the audit trail
-- keeps only digests of them.

-- +goose Up

-- Triage: how deeply the committee verifies a case. Every decision is
-- kept; the one with the highest version is in force. The similarity
-- result the secretariat saw (triage.Result) and its novelty are kept
-- with the decision, as the grounds it was taken on.
CREATE TABLE triage_decisions (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id          bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    version          integer NOT NULL CHECK (version >= 1),
    depth            text NOT NULL CHECK (depth IN ('in_depth', 'light', 'record_only')),
    reason           text NOT NULL CHECK (btrim(reason) <> ''),
    -- Near-misses only: study why it did not become a serious accident.
    study_near_miss  boolean,
    novelty          double precision CHECK (novelty BETWEEN 0 AND 1),
    similarity       jsonb,
    decided_by       text NOT NULL,
    decided_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (case_id, version)
);

-- Experts assigned to verify a case. A removal keeps the row (who, when,
-- why); an assignment is complete when its annotation is submitted or the
-- verification is finalised: open assignments are an expert's load.
CREATE TABLE review_assignments (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id        bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    expert_id      bigint NOT NULL REFERENCES users (id),
    -- The needed fields this member was chosen to cover.
    covers         text[] NOT NULL DEFAULT '{}',
    -- The last day (JST) for the annotation.
    due_on         date NOT NULL,
    assigned_by    text NOT NULL,
    assigned_at    timestamptz NOT NULL DEFAULT now(),
    assign_reason  text NOT NULL DEFAULT '',
    removed_by     text,
    removed_at     timestamptz,
    remove_reason  text,
    completed_at   timestamptz,
    CHECK ((removed_at IS NULL) = (removed_by IS NULL)),
    CHECK (removed_at IS NULL OR btrim(remove_reason) <> '')
);
CREATE UNIQUE INDEX review_assignments_active_idx ON review_assignments (case_id, expert_id) WHERE removed_at IS NULL;
CREATE INDEX review_assignments_open_idx ON review_assignments (expert_id, due_on) WHERE removed_at IS NULL AND completed_at IS NULL;
CREATE INDEX review_assignments_expert_idx ON review_assignments (expert_id, case_id);

-- One expert's annotation of one case: draft until submitted, versioned
-- (optimistic locking; every saved version is in review_revisions).
CREATE TABLE annotations (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id              bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    expert_id            bigint NOT NULL REFERENCES users (id),
    status               text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    version              integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    cause_class          text NOT NULL DEFAULT '' CHECK (cause_class IN ('', 'equipment', 'human', 'external')),
    cause_archetype      text NOT NULL DEFAULT '' CHECK (cause_archetype IN ('', 'software_bug', 'hardware_failure',
                             'config_error', 'procedure_error', 'capacity', 'natural_disaster', 'cyber_attack',
                             'other_operator', 'power', 'unknown')),
    -- The operator's recurrence prevention: adequate, partly or inadequate.
    prevention           text NOT NULL DEFAULT '' CHECK (prevention IN ('', 'adequate', 'partly', 'inadequate')),
    prevention_text      text NOT NULL DEFAULT '',
    additional_measures  text NOT NULL DEFAULT '',
    -- [{"lesson_id": "CAP-01", "note": …} | {"theme": …, "text_ja": …, "text_en": …, "note": …}]
    lessons              jsonb NOT NULL DEFAULT '[]',
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_by           text NOT NULL,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    submitted_at         timestamptz,
    UNIQUE (case_id, expert_id),
    CHECK ((status = 'submitted') = (submitted_at IS NOT NULL))
);

-- Comments between the panel and the secretariat on a case.
CREATE TABLE review_comments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author_id   bigint NOT NULL REFERENCES users (id),
    body        text NOT NULL CHECK (btrim(body) <> '' AND length(body) <= 8000),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX review_comments_case_idx ON review_comments (case_id, id);

-- The committee's verification result, consolidated by the secretariat
-- from the panel's annotations: draft until finalised.
CREATE TABLE verifications (
    case_id              bigint PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    version              integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    status               text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'final')),
    cause_class          text NOT NULL DEFAULT '' CHECK (cause_class IN ('', 'equipment', 'human', 'external')),
    cause_archetype      text NOT NULL DEFAULT '' CHECK (cause_archetype IN ('', 'software_bug', 'hardware_failure',
                             'config_error', 'procedure_error', 'capacity', 'natural_disaster', 'cyber_attack',
                             'other_operator', 'power', 'unknown')),
    prevention           text NOT NULL DEFAULT '' CHECK (prevention IN ('', 'adequate', 'partly', 'inadequate')),
    prevention_text      text NOT NULL DEFAULT '',
    additional_measures  text NOT NULL DEFAULT '',
    findings             text NOT NULL DEFAULT '',
    lessons              jsonb NOT NULL DEFAULT '[]',
    updated_by           text NOT NULL,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    finalised_by         text NOT NULL DEFAULT '',
    finalised_at         timestamptz,
    CHECK ((status = 'final') = (finalised_at IS NOT NULL))
);

-- Every saved state of an annotation, a verification or a guidance
-- record, so that a stale save is told exactly what changed since.
CREATE TABLE review_revisions (
    record     text NOT NULL CHECK (record IN ('annotation', 'verification', 'guidance')),
    record_id  bigint NOT NULL,
    version    integer NOT NULL CHECK (version >= 1),
    body       jsonb NOT NULL,
    saved_by   text NOT NULL,
    saved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (record, record_id, version)
);

-- Lessons the committee accepted at a consolidation. The catalogue's own
-- lessons are configs/lessons.yaml (ids CODE-NN); these are CODE-YYYY-NN,
-- YYYY their first fiscal year.
CREATE TABLE lessons (
    id              text PRIMARY KEY CHECK (id ~ '^[A-Z][A-Z0-9]{1,5}-[0-9]{4}-[0-9]{2,}$'),
    theme           text NOT NULL CHECK (theme ~ '^[a-z][a-z0-9_]*$'),
    text_ja         text NOT NULL CHECK (btrim(text_ja) <> ''),
    text_en         text NOT NULL CHECK (btrim(text_en) <> ''),
    first_year      integer NOT NULL CHECK (first_year BETWEEN 2000 AND 2100),
    origin_case_id  bigint REFERENCES cases (id) ON DELETE SET NULL,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- A case's lessons: a catalogue lesson or one of table lessons (no foreign
-- key: the catalogue is a file). recurring: the lesson was first drawn in
-- an earlier fiscal year than the case's.
CREATE TABLE case_lessons (
    case_id      bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    lesson_id    text NOT NULL CHECK (lesson_id <> ''),
    fiscal_year  integer NOT NULL,
    recurring    boolean NOT NULL,
    -- verification: finalised by the committee; history: recorded from
    -- past annual reports.
    source       text NOT NULL DEFAULT 'verification' CHECK (source IN ('verification', 'history')),
    linked_by    text NOT NULL,
    linked_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, lesson_id)
);
CREATE INDEX case_lessons_lesson_idx ON case_lessons (lesson_id, fiscal_year);

-- Administrative guidance (行政指導) issued to an operator of a case, with
-- its follow-up. Published guidance is public; until then committee tier.
CREATE TABLE guidance (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id           bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    organisation_id   bigint NOT NULL REFERENCES organisations (id),
    issued_on         date NOT NULL,
    -- The document's number, e.g. 総基安第123号.
    reference         text NOT NULL DEFAULT '',
    measures          text NOT NULL CHECK (btrim(measures) <> ''),
    follow_up_due     date,
    follow_up_status  text NOT NULL DEFAULT 'pending' CHECK (follow_up_status IN ('pending', 'reported', 'closed')),
    follow_up_text    text NOT NULL DEFAULT '',
    version           integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    published_at      timestamptz,
    published_by      text NOT NULL DEFAULT '',
    created_by        text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_by        text NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX guidance_case_idx ON guidance (case_id);
CREATE INDEX guidance_issued_idx ON guidance (issued_on DESC, id DESC);
CREATE INDEX guidance_published_idx ON guidance (issued_on DESC, id DESC) WHERE published_at IS NOT NULL;

-- +goose Down
DROP TABLE guidance;
DROP TABLE case_lessons;
DROP TABLE lessons;
DROP TABLE review_revisions;
DROP TABLE verifications;
DROP TABLE review_comments;
DROP TABLE annotations;
DROP TABLE review_assignments;
DROP TABLE triage_decisions;
