-- The lessons follow-up survey (フォローアップ調査, package survey): the
-- secretariat asks operators how they adopted chosen lessons of the
-- catalogue; each organisation addressed answers per lesson. The annual
-- report of the survey's fiscal year shows its closed results (SPEC §7).
--
-- A survey goes draft → open → closed and never back: answers are taken
-- only while it is open, and a closed survey's results are what the
-- report prints. The lessons are ids of the catalogue (configs/lessons.yaml
-- or table lessons): no foreign key, the catalogue is partly a file.

-- +goose Up

CREATE TABLE surveys (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The fiscal year of the annual report that shows the survey.
    fiscal_year  integer NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
    title        text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 200),
    status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    -- The last day (JST) operators are asked to answer by; a reminder, not
    -- a lock: the secretariat closes the survey.
    due_on       date,
    -- Optimistic locking: opening and closing send the version loaded.
    version      integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    opened_by    text,
    opened_at    timestamptz,
    closed_by    text,
    closed_at    timestamptz,
    CHECK ((opened_at IS NULL) = (opened_by IS NULL)),
    CHECK ((closed_at IS NULL) = (closed_by IS NULL)),
    -- The timestamps follow the status: open has been opened, closed has
    -- been opened and closed, in that order.
    CHECK ((status = 'draft') = (opened_at IS NULL)),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
    CHECK (closed_at IS NULL OR closed_at >= opened_at)
);
-- The annual report reads the closed surveys of a year in the order they closed.
CREATE INDEX surveys_closed_idx ON surveys (fiscal_year, closed_at, id) WHERE status = 'closed';

-- The lessons a survey asks about, in the order it asks them.
CREATE TABLE survey_lessons (
    survey_id  bigint NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position   integer NOT NULL CHECK (position >= 1),
    lesson_id  text NOT NULL CHECK (lesson_id ~ '^[A-Z][A-Z0-9]{1,5}-[0-9]{2,}(-[0-9]{2,})?$'),
    PRIMARY KEY (survey_id, lesson_id),
    UNIQUE (survey_id, position)
);

-- The organisations a survey is addressed to: only they answer it.
CREATE TABLE survey_recipients (
    survey_id        bigint NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    organisation_id  bigint NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (survey_id, organisation_id)
);
-- A reporter's list: the surveys addressed to its organisation.
CREATE INDEX survey_recipients_org_idx ON survey_recipients (organisation_id, survey_id);

-- One organisation's answer about one lesson of a survey. Submitting again
-- replaces the organisation's answers. Whether the measure was effective
-- is asked only of what was implemented (newly done or revised), and
-- there it is required.
CREATE TABLE survey_answers (
    survey_id        bigint NOT NULL,
    organisation_id  bigint NOT NULL,
    lesson_id        text NOT NULL,
    status           text NOT NULL CHECK (status IN ('newly_done', 'revised', 'planned', 'wanted_but_hard', 'not_planned')),
    effective        boolean,
    answered_by      text NOT NULL,
    answered_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (survey_id, organisation_id, lesson_id),
    -- Only an organisation the survey is addressed to answers, and only
    -- about a lesson the survey asks.
    FOREIGN KEY (survey_id, organisation_id) REFERENCES survey_recipients (survey_id, organisation_id) ON DELETE CASCADE,
    FOREIGN KEY (survey_id, lesson_id) REFERENCES survey_lessons (survey_id, lesson_id) ON DELETE CASCADE,
    CHECK ((effective IS NOT NULL) = (status IN ('newly_done', 'revised')))
);
CREATE INDEX survey_answers_lesson_idx ON survey_answers (survey_id, lesson_id);

-- +goose Down
DROP TABLE survey_answers;
DROP TABLE survey_recipients;
DROP TABLE survey_lessons;
DROP TABLE surveys;
