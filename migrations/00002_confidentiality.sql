-- Confidentiality: who the callers are, what they may see, and a record of
-- everything they did.
--
-- Grants live in one place, casbin_rule: role memberships (g), the
-- designated-partner flag of organisations (g), shares of a case with an
-- organisation (g2) and the policy itself (p). List queries join casbin_rule
-- directly, so there is never a second copy of a grant to keep in step.

-- +goose Up
CREATE TABLE users (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login            text NOT NULL CHECK (login ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    display_name     text NOT NULL DEFAULT '',
    -- PHC string of a slow KDF (argon2id); empty: no web login.
    password_hash    text NOT NULL DEFAULT '',
    -- A reporter belongs to exactly one organisation.
    organisation_id  bigint REFERENCES organisations (id),
    -- Experts' fields of expertise.
    fields           text[] NOT NULL DEFAULT '{}',
    disabled_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_login_idx ON users (login);

-- Web sessions. Only the SHA-256 of the cookie value is kept: a copy of the
-- table does not let anyone log in.
CREATE TABLE sessions (
    token_sha256  text PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- API bearer tokens, hashed like sessions; the token is shown once.
CREATE TABLE api_tokens (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_sha256  text NOT NULL UNIQUE,
    -- The first characters of the token, to tell tokens apart in lists.
    prefix        text NOT NULL,
    label         text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- The Casbin table, shaped as casbin/gorm-adapter reads it, plus who wrote
-- each line, when and why (a share records its reason here), and where it
-- came from: 'policy' lines are replaced by `kensho policy load`; 'user',
-- 'registry' and 'share' lines belong to the commands that write them.
CREATE TABLE casbin_rule (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ptype       text NOT NULL,
    v0          text NOT NULL DEFAULT '',
    v1          text NOT NULL DEFAULT '',
    v2          text NOT NULL DEFAULT '',
    v3          text NOT NULL DEFAULT '',
    v4          text NOT NULL DEFAULT '',
    v5          text NOT NULL DEFAULT '',
    source      text NOT NULL DEFAULT 'policy' CHECK (source IN ('policy', 'user', 'registry', 'share')),
    created_by  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    reason      text NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX idx_casbin_rule ON casbin_rule (ptype, v0, v1, v2, v3, v4, v5);
-- Lists find the cases shared with an organisation through this index.
CREATE INDEX casbin_rule_grantee_idx ON casbin_rule (ptype, v1, v0);

-- Every server reloads its enforcer when any grant changes, whoever changed
-- it (a share in another instance, `kensho user create`, `kensho policy load`).
-- +goose StatementBegin
CREATE FUNCTION notify_policy_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kensho_policy', TG_OP);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER casbin_rule_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON casbin_rule
    FOR EACH STATEMENT EXECUTE FUNCTION notify_policy_change();

-- Publication of a serious accident's public part (press release or annual
-- report) and the committee's own notes on a case.
ALTER TABLE cases
    ADD COLUMN published_at    timestamptz,
    ADD COLUMN published_by    text NOT NULL DEFAULT '',
    ADD COLUMN committee_notes text NOT NULL DEFAULT '',
    -- 設備統括管理者・主任技術者 and contact details: personal data, own + committee.
    ADD COLUMN contacts        text NOT NULL DEFAULT '';
CREATE INDEX cases_published_idx ON cases (occurred_at, id) WHERE published_at IS NOT NULL;

-- A part of one case raised above its default tier by the secretariat
-- (trade secrets in a summary, say). The default tiers are the floor: a
-- raise can only be removed, back to the default, and both are audited.
CREATE TABLE case_tier_raises (
    case_id    bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    section    text NOT NULL CHECK (section IN ('overview', 'restricted', 'own')),
    tier       text NOT NULL CHECK (tier IN ('restricted', 'own', 'committee')),
    raised_by  text NOT NULL,
    raised_at  timestamptz NOT NULL DEFAULT now(),
    reason     text NOT NULL CHECK (reason <> ''),
    PRIMARY KEY (case_id, section),
    -- A raise is above the section's default.
    CHECK (section <> 'restricted' OR tier IN ('own', 'committee')),
    CHECK (section <> 'own' OR tier = 'committee')
);
CREATE INDEX case_tier_raises_tier_idx ON case_tier_raises (section, tier, case_id);

-- The anonymised public summary of a near-miss: proposed by the system,
-- edited and approved by the secretariat; only approved text is public.
CREATE TABLE near_miss_summaries (
    case_id      bigint PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    proposed     text NOT NULL,
    text         text NOT NULL,
    status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved')),
    version      integer NOT NULL DEFAULT 1,
    updated_by   text NOT NULL DEFAULT '',
    updated_at   timestamptz NOT NULL DEFAULT now(),
    approved_by  text NOT NULL DEFAULT '',
    approved_at  timestamptz
);
CREATE INDEX near_miss_summaries_approved_idx ON near_miss_summaries (approved_at, case_id) WHERE status = 'approved';

-- The audit trail: append only, each entry chained to the one before by
-- SHA-256 so that a row changed behind the database's back is found by
-- `kensho audit verify`.
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor      text NOT NULL,
    action     text NOT NULL,
    object     text NOT NULL DEFAULT '',
    case_id    bigint,
    -- json, not jsonb: the text is kept exactly as hashed.
    detail     json NOT NULL DEFAULT '{}',
    prev_hash  text NOT NULL,
    hash       text NOT NULL UNIQUE
);
CREATE INDEX audit_log_case_idx ON audit_log (case_id, id) WHERE case_id IS NOT NULL;
CREATE INDEX audit_log_actor_idx ON audit_log (actor, id);

-- +goose StatementBegin
CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION refuse_audit_change();
DROP TABLE near_miss_summaries;
DROP TABLE case_tier_raises;
DROP INDEX cases_published_idx;
ALTER TABLE cases DROP COLUMN published_at, DROP COLUMN published_by,
    DROP COLUMN committee_notes, DROP COLUMN contacts;
DROP TABLE casbin_rule;
DROP FUNCTION notify_policy_change();
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
