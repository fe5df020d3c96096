package triage_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/config"
	"kensho/internal/jobs"
	"kensho/internal/llm"
	"kensho/internal/llmtest"
	"kensho/internal/quarterly"
	"kensho/internal/stacktest"
	"kensho/internal/triage"
	"kensho/policies"
)

// testKey is the provider's API key in these tests: it must reach the
// provider's Authorization header and nowhere else.
const testKey = "sk-kensho-opinion-test-key-0042"

type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fixture is the whole server over a fresh seeded database, with the LLM
// pointed at an in-process OpenAI-compatible server.
type fixture struct {
	st   *stacktest.Stack
	srv  *llmtest.Server
	logs *logBuffer
	sec  access.Subject
}

// setup starts the fixture; env overrides the LLM configuration.
func setup(t *testing.T, env map[string]string) *fixture {
	t.Helper()
	srv := llmtest.Start(t, testKey)
	e := map[string]string{
		"KENSHO_LLM_ENABLED": "true", "KENSHO_LLM_PROVIDER": "testllm", "KENSHO_LLM_BASE_URL": srv.BaseURL(),
		"KENSHO_LLM_MODEL": "kensho-ja", "KENSHO_LLM_API_KEY": testKey, "KENSHO_LLM_TIMEOUT": "5s", "KENSHO_LLM_MAX_RETRIES": "0",
	}
	for k, v := range env {
		e[k] = v
	}
	logs := &logBuffer{}
	st := stacktest.NewWith(t, stacktest.Options{Env: e, Log: logs})
	f := &fixture{st: st, srv: srv, logs: logs, sec: subject(t, st, "secretariat")}
	t.Cleanup(func() { f.noKeyAnywhere(t) })
	return f
}

// noKeyAnywhere: the API key is in no log line, no audit entry and no
// stored opinion.
func (f *fixture) noKeyAnywhere(t *testing.T) {
	t.Helper()
	assert.NotContains(t, f.logs.String(), testKey, "the API key is never logged")
	var n int64
	require.NoError(t, f.st.DB.Raw(`SELECT count(*) FROM audit_log WHERE strpos(detail::text || actor || object, ?) > 0`, testKey).Scan(&n).Error)
	assert.Zero(t, n, "the API key is never audited")
	require.NoError(t, f.st.DB.Raw(`SELECT count(*) FROM llm_opinions WHERE strpos(llm_opinions::text, ?) > 0`, testKey).Scan(&n).Error)
	assert.Zero(t, n, "the API key is never stored")
}

func subject(t *testing.T, st *stacktest.Stack, login string) access.Subject {
	t.Helper()
	p, err := st.Identity.ByLogin(context.Background(), login)
	require.NoError(t, err)
	return p.Subject
}

// runner starts a job runner of the stack's services, as `kensho serve` does.
func runner(t *testing.T, st *stacktest.Stack, services ...jobs.Service) *jobs.Runner {
	t.Helper()
	if services == nil {
		services = st.JobServices()
	}
	r, err := jobs.NewRunner(context.Background(), st.DBURL, jobs.Config{Workers: 2, PollInterval: 100 * time.Millisecond},
		slog.New(slog.NewTextHandler(io.Discard, nil)), services...)
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = r.Stop(ctx)
	})
	return r
}

// settled waits until opinion id is no longer pending and returns it as
// the secretariat reads it.
func (f *fixture) settled(t *testing.T, caseID, id int64) *triage.Opinion {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var status string
		require.NoError(t, f.st.DB.Raw(`SELECT status FROM llm_opinions WHERE id = ?`, id).Scan(&status).Error)
		if status != triage.OpinionPending {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("opinion %d still pending", id)
		}
		time.Sleep(50 * time.Millisecond)
	}
	op, err := f.st.Opinions.Get(context.Background(), f.sec, caseID, id)
	require.NoError(t, err)
	return op
}

// cands are demo cases by ref, as candidates.
func (f *fixture) cands(refs ...string) []triage.Match {
	var out []triage.Match
	for _, r := range refs {
		out = append(out, triage.Match{CaseID: f.st.Cases[r], Ref: r, Score: 0.5})
	}
	return out
}

func (f *fixture) ask(t *testing.T, ref string, cands ...string) *triage.Opinion {
	t.Helper()
	op, err := f.st.Opinions.Ask(context.Background(), f.sec, f.st.Cases[ref], f.cands(cands...))
	require.NoError(t, err)
	return op
}

func byRef(op *triage.Opinion) map[string]triage.OpinionCandidate {
	out := map[string]triage.OpinionCandidate{}
	for _, c := range op.Candidates {
		out[c.Ref] = c
	}
	return out
}

// allowLines loads the shipped policy plus lines, as `kensho policy load
// --file` would, and reloads the enforcer.
func allowLines(t *testing.T, st *stacktest.Stack, lines ...string) {
	t.Helper()
	rules, err := access.ParsePolicy(policies.Policy + "\n" + strings.Join(lines, "\n") + "\n")
	require.NoError(t, err)
	require.NoError(t, st.DB.Transaction(func(tx *gorm.DB) error {
		_, _, err := access.LoadPolicy(context.Background(), tx, rules, "test")
		return err
	}))
	require.NoError(t, st.Access.Reload())
}

// Off: nothing is sent, the request says why, the list says so, and a job
// left from when it was on is closed as disabled.
func TestOpinionOff(t *testing.T) {
	srv := llmtest.Start(t, testKey)
	st := stacktest.NewWith(t, stacktest.Options{Env: map[string]string{"KENSHO_LLM_BASE_URL": srv.BaseURL(), "KENSHO_LLM_API_KEY": testKey}})
	sec := subject(t, st, "secretariat")
	ctx := context.Background()
	id := st.Cases["2018-001"]
	assert.False(t, st.Opinions.Enabled())
	_, err := st.Opinions.Ask(ctx, sec, id, nil)
	assert.ErrorIs(t, err, triage.ErrLLMOff)
	_, err = st.Opinions.Request(ctx, sec, id)
	assert.ErrorIs(t, err, triage.ErrLLMOff)
	list, err := st.Opinions.List(ctx, sec, id)
	require.NoError(t, err)
	assert.False(t, list.LLM.Enabled)
	assert.Contains(t, list.LLM.Note, "off")
	assert.Empty(t, list.Opinions)
	// Off or on, who may not see the case gets not-found, not "off".
	_, err = st.Opinions.Ask(ctx, subject(t, st, "optage"), st.Cases["2020-004"], nil)
	assert.ErrorIs(t, err, casefile.ErrNotFound)

	// A pending opinion recorded while the LLM was on, worked by an
	// instance where it is off.
	on, err := triage.NewOpinions(st.DB, st.Access, llm.New(config.LLM{Enabled: true, Provider: "testllm", BaseURL: srv.BaseURL(),
		Model: "m", APIKey: testKey, Timeout: time.Second, BreakerFailures: 1, BreakerCooldown: time.Second}, nil), 5, nil)
	require.NoError(t, err)
	op, err := on.Ask(ctx, sec, id, nil)
	require.NoError(t, err)
	require.Equal(t, triage.OpinionPending, op.Status)
	runner(t, st, st.Deadlines, st.Opinions)
	f := &fixture{st: st, srv: srv, sec: sec, logs: &logBuffer{}}
	got := f.settled(t, id, op.ID)
	assert.Equal(t, triage.OpinionDisabled, got.Status)
	assert.Contains(t, got.Error, "llm.enabled is false")
	assert.Zero(t, srv.Requests(), "nothing leaves when the LLM is off")
}

// The default policy: only public and anonymised text goes out. The
// server receives no restricted, own or committee text of any case, and
// nothing of an unpublished case's overview.
func TestOpinionEgressDefaultPolicy(t *testing.T) {
	f := setup(t, nil)
	f.st.Plant(t)
	runner(t, f.st)
	st := f.st
	op := f.ask(t, "2018-001", "2015-003", "2019-001", "2020-004", "DEMO-NM-2023-001", "DEMO-NM-2024-001")
	require.Equal(t, triage.OpinionPending, op.Status)
	op = f.settled(t, st.Cases["2018-001"], op.ID)
	require.Equal(t, triage.OpinionDone, op.Status, op.Error)
	require.Equal(t, 1, f.srv.Requests())

	sent := f.srv.All()
	assert.Contains(t, sent, stacktest.Marker(stacktest.Overview, st.Cases["2018-001"]), "the published overview goes")
	assert.Contains(t, sent, stacktest.Marker(stacktest.Anonymised, st.Cases["DEMO-NM-2023-001"]), "the approved anonymised summary goes")
	var forbidden []string
	for _, tg := range stacktest.Targets {
		cid := st.Cases[tg.Ref]
		forbidden = append(forbidden, stacktest.Marker(stacktest.Restricted, cid), stacktest.Marker(stacktest.Own, cid), stacktest.Marker(stacktest.Committee, cid))
		if tg.Ref != "2018-001" {
			forbidden = append(forbidden, stacktest.Marker(stacktest.Overview, cid)) // unpublished, or a near-miss's
		}
	}
	stacktest.NoMarkers(t, sent, forbidden, "the prompt under the default policy")
	for _, ref := range []string{"2019-001", "2020-004", "DEMO-NM-2023-001", "DEMO-NM-2024-001", "2015-003"} {
		assert.NotContains(t, f.srv.Prompt(1), ref, "refs do not leave: candidates are C1, C2…")
	}
	assert.Contains(t, f.srv.Prompt(1), "[public] 概要:")
	assert.Contains(t, f.srv.Prompt(1), "[anonymised] 匿名化された概要:")
	assert.Equal(t, []string{"Bearer " + testKey}, f.srv.Authorizations())

	// What was sent is kept as sent, with its provenance.
	assert.Equal(t, f.srv.Prompt(1), op.PromptSystem+"\n"+op.Prompt)
	assert.Equal(t, triage.OpinionSource{Kind: "llm", Provider: "testllm", Model: "kensho-ja", Endpoint: f.srv.Host(), AnsweredBy: "kensho-ja-test"}, op.Source)
	assert.Equal(t, []access.Tier{access.Public, access.Anonymised}, op.SentTiers)
	assert.Contains(t, op.WithheldTiers, access.Restricted)
	assert.NotContains(t, op.WithheldTiers, access.Own, "the own part is never even considered")
	c := byRef(op)
	assert.True(t, c["2015-003"].Sent)
	assert.True(t, c["DEMO-NM-2023-001"].Sent)
	assert.False(t, c["2019-001"].Sent, "an unpublished case gives nothing the policy lets go")
	assert.False(t, c["2020-004"].Sent)
	assert.False(t, c["DEMO-NM-2024-001"].Sent)
	assert.Equal(t, "yes", c["2015-003"].SameFailureMode)
	assert.NotEmpty(t, c["2015-003"].Rationale)
	assert.Equal(t, "no", c["DEMO-NM-2023-001"].SameFailureMode)
	assert.Empty(t, c["2019-001"].Rationale)
	assert.True(t, op.Parsed)
	assert.NotEmpty(t, op.WhatsNew)
	assert.NotEmpty(t, op.DraftLesson)
	assert.Equal(t, 1, op.Attempts)
	assert.NotNil(t, op.DurationMS)
	assert.Equal(t, access.Committee, op.Tier)

	// Every step audited, by digest: no text of the prompt or answer.
	var entries []struct {
		Action string
		Detail string
	}
	require.NoError(t, st.DB.Raw(`SELECT action, detail::text AS detail FROM audit_log WHERE action LIKE 'opinion.%' ORDER BY id`).Scan(&entries).Error)
	require.Len(t, entries, 3)
	assert.Equal(t, []string{"opinion.request", "opinion.send", "opinion.outcome"}, []string{entries[0].Action, entries[1].Action, entries[2].Action})
	assert.Regexp(t, `"prompt":\s*"sha256:[0-9a-f]{16}"`, entries[1].Detail)
	assert.Regexp(t, `"status":\s*"done"`, entries[2].Detail)
	for _, e := range entries {
		assert.NotContains(t, e.Detail, stacktest.Marker(stacktest.Overview, st.Cases["2018-001"]))
		assert.NotContains(t, e.Detail, "予備系")
	}

	// An unpublished case: nothing of it may go, so nothing is sent.
	w, err := st.Opinions.Ask(context.Background(), f.sec, st.Cases["2020-004"], f.cands("2018-001"))
	require.NoError(t, err)
	assert.Equal(t, triage.OpinionWithheld, w.Status)
	assert.Equal(t, []access.Tier{access.Restricted}, w.WithheldTiers)
	assert.Empty(t, w.Prompt)
	assert.Contains(t, w.Note, "Nothing was sent")
	time.Sleep(500 * time.Millisecond)
	assert.Equal(t, 1, f.srv.Requests(), "a withheld opinion sends nothing")
}

// A provider the policy trusts with restricted text receives it — but
// never contacts or other personal data, even when a line would allow
// the own and committee tiers too; and a part raised above restricted
// stays home.
func TestOpinionEgressRestrictedAllowed(t *testing.T) {
	f := setup(t, nil)
	st := f.st
	st.Plant(t)
	ctx := context.Background()
	nm := st.Cases["2020-004"]
	// A name and contact details of the own part written into the detail too.
	require.NoError(t, st.DB.Exec(`UPDATE cases SET contacts = ?, detail = detail || ? WHERE id = ?`,
		"設備統括管理者: 検証 太郎（技術部） 03-1234-5678 / 連絡先: taro.kensho@example.co.jp",
		" 当日は検証 太郎が対応した（電話 03-1234-5678、taro.kensho@example.co.jp、090-9876-5432）。", nm).Error)
	_, err := st.Stack.Cases.RaiseTier(ctx, f.sec, st.Cases["2019-001"], casefile.RaiseRequest{Section: "restricted", Tier: access.Committee, Reason: "構成情報のため"})
	require.NoError(t, err)
	allowLines(t, st, "p, llm:testllm, *, restricted, receive, allow")
	runner(t, st)

	op := f.ask(t, "2020-004", "2018-001", "2019-001", "DEMO-NM-2024-001")
	op = f.settled(t, nm, op.ID)
	require.Equal(t, triage.OpinionDone, op.Status, op.Error)
	sent := f.srv.All()
	for _, ref := range []string{"2020-004", "2018-001", "DEMO-NM-2024-001"} {
		assert.Contains(t, sent, stacktest.Marker(stacktest.Restricted, st.Cases[ref]), "restricted text of %s goes", ref)
	}
	assert.Contains(t, sent, stacktest.Marker(stacktest.Overview, nm), "an unpublished overview is restricted: it goes")
	assert.Contains(t, f.srv.Prompt(1), "[restricted] 詳細:")
	assert.NotContains(t, sent, stacktest.Marker(stacktest.Restricted, st.Cases["2019-001"]), "a part raised to committee stays")
	for _, tg := range stacktest.Targets {
		assert.NotContains(t, sent, stacktest.Marker(stacktest.Own, st.Cases[tg.Ref]))
		assert.NotContains(t, sent, stacktest.Marker(stacktest.Committee, st.Cases[tg.Ref]))
	}
	for _, personal := range []string{"検証 太郎", "検証太郎", "03-1234-5678", "taro.kensho@example.co.jp", "090-9876-5432"} {
		assert.NotContains(t, f.srv.Prompt(1), personal, "personal data never leaves")
	}
	assert.Contains(t, f.srv.Prompt(1), "［個人情報］")
	assert.Equal(t, []access.Tier{access.Public, access.Restricted}, op.SentTiers)
	assert.Equal(t, []access.Tier{access.Committee}, op.WithheldTiers)

	// Even a policy that would let own and committee text go sends no
	// personal data and no committee notes: they are never gathered.
	allowLines(t, st, "p, llm:testllm, *, restricted, receive, allow", "p, llm:testllm, *, own, receive, allow",
		"p, llm:testllm, *, committee, receive, allow")
	op = f.ask(t, "2020-004", "2019-001")
	op = f.settled(t, nm, op.ID)
	require.Equal(t, triage.OpinionDone, op.Status, op.Error)
	second := f.srv.Prompt(2)
	assert.Contains(t, second, stacktest.Marker(stacktest.Restricted, st.Cases["2019-001"]), "the raised part goes to a provider trusted with committee text")
	for _, ref := range []string{"2020-004", "2019-001"} {
		assert.NotContains(t, second, stacktest.Marker(stacktest.Own, st.Cases[ref]))
		assert.NotContains(t, second, stacktest.Marker(stacktest.Committee, st.Cases[ref]))
	}
	for _, personal := range []string{"検証 太郎", "03-1234-5678", "taro.kensho@example.co.jp"} {
		assert.NotContains(t, second, personal)
	}
	_ = ctx
}

// Failing: a 5xx is retried within max_retries, then the opinion fails
// with a safe reason; a 4xx is not retried. The system goes on: the case,
// its list and a new request all work.
func TestOpinionProviderFailing(t *testing.T) {
	f := setup(t, map[string]string{"KENSHO_LLM_MAX_RETRIES": "2"})
	runner(t, f.st)
	id := f.st.Cases["2018-001"]

	f.srv.Always(llmtest.Reply{Status: http.StatusBadGateway})
	op := f.settled(t, id, f.ask(t, "2018-001", "2015-003").ID)
	assert.Equal(t, triage.OpinionFailed, op.Status)
	assert.Equal(t, "the provider answered HTTP 502 (3 attempts)", op.Error)
	assert.Equal(t, 3, op.Attempts)
	assert.Equal(t, 3, f.srv.Requests(), "one attempt and max_retries 2")
	assert.Empty(t, op.Response)
	assert.Contains(t, op.Note, "The provider failed")

	f.srv.Always(llmtest.Reply{Status: http.StatusBadRequest})
	op = f.settled(t, id, f.ask(t, "2018-001", "2015-003").ID)
	assert.Equal(t, triage.OpinionFailed, op.Status)
	assert.Contains(t, op.Error, "the provider refused the request: HTTP 400")
	assert.Equal(t, 1, op.Attempts)
	assert.Equal(t, 4, f.srv.Requests(), "a 4xx is not retried")

	// An answer that is not the JSON asked for is kept as it came.
	f.srv.Always(llmtest.Reply{Content: "申し訳ありませんが、判断できません。"})
	op = f.settled(t, id, f.ask(t, "2018-001", "2015-003").ID)
	assert.Equal(t, triage.OpinionDone, op.Status)
	assert.False(t, op.Parsed)
	assert.Equal(t, "申し訳ありませんが、判断できません。", op.Response)
	assert.Contains(t, op.Note, "not in the form asked for")

	list, err := f.st.Opinions.List(context.Background(), f.sec, id)
	require.NoError(t, err)
	require.Len(t, list.Opinions, 3)
	assert.Equal(t, []string{"done", "failed", "failed"}, []string{list.Opinions[0].Status, list.Opinions[1].Status, list.Opinions[2].Status})
	_, err = f.st.Stack.Cases.Get(context.Background(), f.sec, id)
	assert.NoError(t, err, "the case itself is untouched by the provider's trouble")
}

// Slow: each attempt times out; after breaker_failures the breaker opens
// and a request fails at once without calling; after the cooldown one
// trial goes through and, answered, closes it.
func TestOpinionProviderSlow(t *testing.T) {
	f := setup(t, map[string]string{"KENSHO_LLM_TIMEOUT": "1s", "KENSHO_LLM_BREAKER_FAILURES": "2", "KENSHO_LLM_BREAKER_COOLDOWN": "2s"})
	runner(t, f.st)
	id := f.st.Cases["2018-001"]
	f.srv.Always(llmtest.Reply{Delay: 20 * time.Second})

	for i := 1; i <= 2; i++ {
		start := time.Now()
		op := f.settled(t, id, f.ask(t, "2018-001", "2015-003").ID)
		assert.Equal(t, triage.OpinionFailed, op.Status)
		assert.Equal(t, "no answer within 1s (1 attempt)", op.Error)
		assert.Less(t, time.Since(start), 10*time.Second)
	}
	list, err := f.st.Opinions.List(context.Background(), f.sec, id)
	require.NoError(t, err)
	assert.Equal(t, "open", list.LLM.Breaker)
	require.NotNil(t, list.LLM.OpenUntil)

	op := f.settled(t, id, f.ask(t, "2018-001", "2015-003").ID)
	assert.Equal(t, triage.OpinionFailed, op.Status)
	assert.Contains(t, op.Error, "circuit breaker is open")
	assert.Zero(t, op.Attempts)
	assert.Equal(t, 2, f.srv.Requests(), "an open breaker sends nothing")

	time.Sleep(2100 * time.Millisecond) // the cooldown
	f.srv.Always(llmtest.Reply{})
	op = f.settled(t, id, f.ask(t, "2018-001", "2015-003").ID)
	assert.Equal(t, triage.OpinionDone, op.Status, op.Error)
	list, err = f.st.Opinions.List(context.Background(), f.sec, id)
	require.NoError(t, err)
	assert.Equal(t, "closed", list.LLM.Breaker)
}

// The job path: the request only records; the call happens in a River
// job, which survives having no instance running and, with two instances,
// runs once. Asking twice while pending is one opinion.
func TestOpinionJobRunsOnceAndSurvivesRestart(t *testing.T) {
	f := setup(t, nil)
	st := f.st
	id := st.Cases["2018-001"]
	ctx := context.Background()

	// An instance that runs jobs, stopped before the request.
	first := runner(t, st)
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	require.NoError(t, first.Stop(sctx))
	cancel()

	op := f.ask(t, "2018-001", "2015-003")
	again := f.ask(t, "2018-001", "DEMO-NM-2023-001")
	assert.Equal(t, op.ID, again.ID, "one pending opinion per case: asking twice is one")
	var jobsN int64
	require.NoError(t, st.DB.Raw(`SELECT count(*) FROM river_job WHERE kind = ?`, triage.OpinionArgs{}.Kind()).Scan(&jobsN).Error)
	assert.Equal(t, int64(1), jobsN)
	time.Sleep(time.Second)
	assert.Zero(t, f.srv.Requests(), "nothing runs while no instance works jobs")

	runner(t, st) // the restart, and a second instance
	runner(t, st)
	got := f.settled(t, id, op.ID)
	assert.Equal(t, triage.OpinionDone, got.Status, got.Error)
	time.Sleep(time.Second)
	assert.Equal(t, 1, f.srv.Requests(), "two instances, one call")
	var state string
	require.NoError(t, st.DB.Raw(`SELECT state FROM river_job WHERE kind = ?`, triage.OpinionArgs{}.Kind()).Scan(&state).Error)
	assert.Equal(t, "completed", state)

	// Request takes its candidates from the similarity engine: its best
	// matches for the caller, as many as llm.candidates.
	want, err := st.Similarity.Similar(ctx, f.sec, id, 5)
	require.NoError(t, err)
	op, err = st.Opinions.Request(ctx, f.sec, id)
	require.NoError(t, err)
	got = f.settled(t, id, op.ID)
	assert.Equal(t, triage.OpinionDone, got.Status)
	require.NotEmpty(t, got.Candidates)
	for i, c := range got.Candidates {
		assert.Equal(t, want.Matches[i].Ref, c.Ref, "candidate %d is the engine's", i+1)
	}
	assert.Contains(t, f.srv.Prompt(2), "C1")

	// Without a Matcher, Request asks about the case alone.
	st.Opinions.Matcher = nil
	op, err = st.Opinions.Request(ctx, f.sec, id)
	require.NoError(t, err)
	got = f.settled(t, id, op.ID)
	assert.Equal(t, triage.OpinionDone, got.Status)
	assert.Empty(t, got.Candidates)
	assert.Contains(t, f.srv.Prompt(3), "示せる類似候補はありません")
}

// A wrong key is refused by the provider; the refusal, the logs and the
// audit trail still do not carry the key (noKeyAnywhere runs after every
// test of this file).
func TestOpinionKeyNeverShown(t *testing.T) {
	f := setup(t, nil)
	runner(t, f.st)
	f.srv.Always(llmtest.Reply{Status: http.StatusUnauthorized, Raw: `{"error":{"message":"Incorrect API key provided: ` + testKey + `","type":"invalid_request_error"}}`})
	op := f.settled(t, f.st.Cases["2018-001"], f.ask(t, "2018-001").ID)
	assert.Equal(t, triage.OpinionFailed, op.Status)
	assert.Contains(t, op.Error, "HTTP 401")
	assert.Contains(t, op.Error, "[redacted]")
	assert.NotContains(t, op.Error, testKey)
}

func TestOpinionCandidatesAreChecked(t *testing.T) {
	f := setup(t, nil)
	ctx := context.Background()
	id := f.st.Cases["2018-001"]
	var in *casefile.InputError
	_, err := f.st.Opinions.Ask(ctx, f.sec, id, []triage.Match{{CaseID: 999999}})
	require.ErrorAs(t, err, &in)
	assert.Equal(t, "candidates[0]", in.Field)
	_, err = f.st.Opinions.Ask(ctx, f.sec, id, []triage.Match{{CaseID: f.st.Cases["2015-003"]}, {}})
	require.ErrorAs(t, err, &in)
	assert.Equal(t, "candidates[1]", in.Field)
	_, err = f.st.Opinions.Ask(ctx, f.sec, id, []triage.Match{{QuarterlyRowID: 999999}})
	require.ErrorAs(t, err, &in)

	// Who may ask: the secretariat; an expert sees the case but may not
	// ask (forbidden); a reporter of another operator does not see it.
	_, err = f.st.Opinions.Ask(ctx, subject(t, f.st, "expert"), f.st.Cases["2019-001"], nil)
	assert.ErrorIs(t, err, casefile.ErrForbidden)
	_, err = f.st.Opinions.Ask(ctx, subject(t, f.st, "optage"), f.st.Cases["2019-001"], nil)
	assert.ErrorIs(t, err, casefile.ErrNotFound)
	_, err = f.st.Opinions.Ask(ctx, subject(t, f.st, "expert"), id, nil)
	assert.ErrorIs(t, err, casefile.ErrNotFound, "the expert's declared conflict (SoftBank)")
	assert.Zero(t, f.srv.Requests())
}

// What may leave is decided when the text leaves, not when it was asked
// for; a pending opinion whose job was lost gives way to a new request;
// a quarterly-report row is tier quarterly and goes only when a line
// lets it.
func TestOpinionDecidedWhenTextLeaves(t *testing.T) {
	f := setup(t, nil)
	st := f.st
	ctx := context.Background()
	id := st.Cases["2018-001"]

	lost := f.ask(t, "2018-001", "2015-003")
	require.NoError(t, st.DB.Exec(`UPDATE llm_opinions SET requested_at = now() - interval '4 hours' WHERE id = ?`, lost.ID).Error)
	op := f.ask(t, "2018-001", "2015-003")
	require.NotEqual(t, lost.ID, op.ID, "a pending opinion far older than any call is lost")
	var lostNow struct{ Status, Error string }
	require.NoError(t, st.DB.Raw(`SELECT status, error FROM llm_opinions WHERE id = ?`, lost.ID).Scan(&lostNow).Error)
	assert.Equal(t, triage.OpinionFailed, lostNow.Status)
	assert.Contains(t, lostNow.Error, "abandoned")

	// Raised after the request, before the job: nothing of it goes.
	_, err := st.Stack.Cases.RaiseTier(ctx, f.sec, id, casefile.RaiseRequest{Section: "overview", Tier: access.Restricted, Reason: "再公表前の訂正"})
	require.NoError(t, err)
	runner(t, st)
	got := f.settled(t, id, op.ID)
	assert.Equal(t, triage.OpinionWithheld, got.Status)
	assert.Contains(t, got.WithheldTiers, access.Restricted)
	require.NoError(t, st.Stack.Cases.LowerTier(ctx, f.sec, id, "overview", "訂正済み"))

	// A quarterly-report row as a candidate.
	_, err = st.Quarterly.Upload(ctx, quarterly.Caller{Subject: f.sec, Actor: f.sec.Key}, quarterly.Upload{Filename: "q.csv", Data: []byte(
		"organisation,fiscal_year,quarter,form,equipment_type,prefecture,count,ref,occurred_at,recovered_at,service,users,duration_minutes,cause_class,cause_archetype,summary\n" +
			"KDDI,2024,1,detailed,switching,tokyo,,K-1,2024-05-01 10:00,2024-05-01 12:30,voice,35000,,equipment,software_bug,交換機のソフトウェア不具合 QROWMARK\n")})
	require.NoError(t, err)
	var row int64
	require.NoError(t, st.DB.Raw(`SELECT id FROM quarterly_rows WHERE key = 'K-1'`).Scan(&row).Error)
	cands := []triage.Match{{QuarterlyRowID: row, Score: 0.4}, {CaseID: st.Cases["2015-003"]}}
	op, err = st.Opinions.Ask(ctx, f.sec, id, cands)
	require.NoError(t, err)
	got = f.settled(t, id, op.ID)
	require.Equal(t, triage.OpinionDone, got.Status, got.Error)
	assert.NotContains(t, f.srv.All(), "QROWMARK", "quarterly rows are committee + own: not for the provider by default")
	assert.Contains(t, got.WithheldTiers, access.Quarterly)
	assert.False(t, got.Candidates[0].Sent)
	assert.Equal(t, "K-1", got.Candidates[0].Ref)
	assert.Equal(t, triage.DocQuarterly, got.Candidates[0].Kind)

	allowLines(t, st, "p, llm:testllm, *, quarterly, receive, allow")
	op, err = st.Opinions.Ask(ctx, f.sec, id, cands)
	require.NoError(t, err)
	got = f.settled(t, id, op.ID)
	require.Equal(t, triage.OpinionDone, got.Status, got.Error)
	assert.Contains(t, f.srv.Prompt(f.srv.Requests()), "[quarterly] 概要: 交換機のソフトウェア不具合 QROWMARK")
	assert.True(t, got.Candidates[0].Sent)
	assert.Equal(t, "yes", got.Candidates[0].SameFailureMode)
}
