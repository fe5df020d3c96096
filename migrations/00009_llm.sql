-- The LLM second opinion on a case (package triage, Opinions): what the
-- secretariat asked, exactly what was sent to which provider, model and
-- endpoint, what came back, and how it went. Committee-tier material
-- (SPEC §6: "LLM prompts and answers"), kept with the case. The call runs
-- as a River job (queue "opinions"); the row is its state.

-- +goose Up
CREATE TABLE llm_opinions (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id           bigint NOT NULL REFERENCES cases (id),
    requested_by      text NOT NULL CHECK (requested_by <> ''),
    requested_at      timestamptz NOT NULL DEFAULT now(),
    -- Where the opinion comes from: the provider as the egress policy
    -- knows it (subject llm:<provider>), the model asked, the endpoint's
    -- host, and the model the endpoint said answered.
    provider          text NOT NULL,
    model             text NOT NULL,
    endpoint_host     text NOT NULL,
    answered_by_model text NOT NULL DEFAULT '',
    -- pending: waiting for or in the call; done: answered; failed: the
    -- provider failed (error says how); withheld: nothing of the case may
    -- be sent to this provider, so nothing was; disabled: the LLM was off
    -- on the instance that ran the job, nothing was sent.
    status            text NOT NULL CHECK (status IN ('pending', 'done', 'failed', 'withheld', 'disabled')),
    -- The past cases compared: [{case_id | quarterly_row_id, organisation_id, ref, kind, score, label, sent}].
    candidates        jsonb NOT NULL DEFAULT '[]',
    -- The tiers whose text was sent, and those held back by the policy.
    sent_tiers        jsonb NOT NULL DEFAULT '[]',
    withheld_tiers    jsonb NOT NULL DEFAULT '[]',
    -- The prompt as sent (system instructions, then the material) and the
    -- answer as received.
    prompt_system     text NOT NULL DEFAULT '',
    prompt            text NOT NULL DEFAULT '',
    response          text NOT NULL DEFAULT '',
    -- The answer read as JSON (parsed false: it was not, see response):
    -- per candidate label {same_failure_mode, rationale}, what is new, a
    -- draft lesson.
    parsed            boolean NOT NULL DEFAULT false,
    rationale         jsonb NOT NULL DEFAULT '[]',
    whats_new         text NOT NULL DEFAULT '',
    draft_lesson      text NOT NULL DEFAULT '',
    attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- Why it failed, in words safe to show (never a key or a prompt).
    error             text NOT NULL DEFAULT '',
    prompt_tokens     integer,
    completion_tokens integer,
    started_at        timestamptz,
    finished_at       timestamptz,
    CHECK ((status = 'pending') = (finished_at IS NULL))
);
CREATE INDEX llm_opinions_case_idx ON llm_opinions (case_id, id DESC);
-- One opinion in the making per case: asking again while one is pending
-- returns that one.
CREATE UNIQUE INDEX llm_opinions_pending_idx ON llm_opinions (case_id) WHERE status = 'pending';

-- +goose Down
DROP TABLE llm_opinions;
