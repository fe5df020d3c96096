package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/jobs"
	"kensho/internal/llmtest"
	"kensho/internal/stacktest"
)

const opinionKey = "sk-kensho-api-test-key-77"

type opinionBody struct {
	ID       int64  `json:"id"`
	Status   string `json:"status"`
	Hidden   bool   `json:"hidden"`
	Prompt   string `json:"prompt"`
	WhatsNew string `json:"whats_new"`
	Source   struct {
		Provider string `json:"provider"`
	} `json:"source"`
	Candidates []struct {
		Ref  string `json:"ref"`
		Sent bool   `json:"sent"`
	} `json:"candidates"`
	WithheldTiers []string `json:"withheld_tiers"`
}

type opinionListBody struct {
	LLM struct {
		Enabled bool   `json:"enabled"`
		Note    string `json:"note"`
	} `json:"llm"`
	Opinions []opinionBody `json:"opinions"`
}

func visit(t *testing.T, spec *openapi3.T, name, body string) {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(body), &v), body)
	assert.NoError(t, spec.Components.Schemas[name].Value.VisitJSON(v), "%s: %s", name, body)
}

// Off: asking is a clear 409 (after the 404/403 a caller would get
// anyway), reading says the LLM is off, and who may do what is the same.
func TestOpinionsAPIWhenOff(t *testing.T) {
	st := stacktest.New(t)
	spec := loadSpec(t)
	path := func(ref string) string { return fmt.Sprintf("/api/v1/cases/%d/opinions", st.Cases[ref]) }
	for _, tc := range []struct {
		who, method, ref string
		want             int
	}{
		{"secretariat", "POST", "2018-001", http.StatusConflict},
		{"secretariat", "GET", "2018-001", http.StatusOK},
		{"expert", "POST", "2019-001", http.StatusForbidden},
		{"expert", "GET", "2019-001", http.StatusOK},
		{"expert", "GET", "2018-001", http.StatusNotFound}, // the declared conflict
		{"kddi", "POST", "2019-001", http.StatusForbidden}, // its own case, not the committee's part
		{"kddi", "GET", "2019-001", http.StatusForbidden},
		{"docomo", "GET", "2019-001", http.StatusForbidden}, // shared with it: the restricted part only
		{"optage", "GET", "2019-001", http.StatusNotFound},
		{"optage", "POST", "2019-001", http.StatusNotFound},
		{"editor", "GET", "2018-001", http.StatusForbidden}, // published: the editor sees its overview
		{"admin", "GET", "2018-001", http.StatusNotFound},
		{"", "GET", "2018-001", http.StatusUnauthorized},
	} {
		status, body := st.Do(t, tc.who, tc.method, path(tc.ref), "")
		assert.Equal(t, tc.want, status, "%s %s %s: %s", tc.who, tc.method, tc.ref, body)
		if status == http.StatusOK {
			visit(t, spec, "OpinionList", body)
			var l opinionListBody
			require.NoError(t, json.Unmarshal([]byte(body), &l))
			assert.False(t, l.LLM.Enabled)
			assert.Contains(t, l.LLM.Note, "off")
		} else {
			visit(t, spec, "Error", body)
		}
		if status == http.StatusConflict {
			assert.Contains(t, body, "llm.enabled is false")
		}
	}
}

func TestOpinionsAPI(t *testing.T) {
	srv := llmtest.Start(t, opinionKey)
	st := stacktest.NewWith(t, stacktest.Options{Env: map[string]string{
		"KENSHO_LLM_ENABLED": "true", "KENSHO_LLM_PROVIDER": "testllm", "KENSHO_LLM_BASE_URL": srv.BaseURL(),
		"KENSHO_LLM_MODEL": "kensho-ja", "KENSHO_LLM_API_KEY": opinionKey, "KENSHO_LLM_MAX_RETRIES": "0"}})
	spec := loadSpec(t)
	path := func(ref string) string { return fmt.Sprintf("/api/v1/cases/%d/opinions", st.Cases[ref]) }
	cands := func(refs ...string) string {
		var parts []string
		for _, r := range refs {
			parts = append(parts, fmt.Sprintf(`{"case_id": %d}`, st.Cases[r]))
		}
		return `{"candidates": [` + strings.Join(parts, ", ") + `]}`
	}

	// Requested with candidates: 202 and where to poll; twice is one.
	res := post(t, st, "secretariat", path("2018-001"), cands("2015-003", "2019-001"))
	require.Equal(t, http.StatusAccepted, res.status, res.body)
	visit(t, spec, "Opinion", res.body)
	var op opinionBody
	require.NoError(t, json.Unmarshal([]byte(res.body), &op))
	assert.Equal(t, "pending", op.Status)
	assert.Equal(t, fmt.Sprintf("%s/%d", path("2018-001"), op.ID), res.location)
	first := res.location
	again := post(t, st, "secretariat", path("2018-001"), cands("2015-003"))
	assert.Equal(t, http.StatusAccepted, again.status)
	assert.Contains(t, again.body, fmt.Sprintf(`"id":%d`, op.ID))

	r, err := jobs.NewRunner(context.Background(), st.DBURL, jobs.Config{Workers: 1, PollInterval: 100 * time.Millisecond},
		slog.New(slog.NewTextHandler(io.Discard, nil)), st.JobServices()...)
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background()))
	defer func() { _ = r.Stop(context.Background()) }()
	var got opinionBody
	require.Eventually(t, func() bool {
		status, body := st.Do(t, "secretariat", "GET", res.location, "")
		require.Equal(t, http.StatusOK, status, body)
		visit(t, spec, "Opinion", body)
		require.NoError(t, json.Unmarshal([]byte(body), &got))
		return got.Status != "pending"
	}, 30*time.Second, 100*time.Millisecond)
	assert.Equal(t, "done", got.Status)
	assert.Equal(t, "testllm", got.Source.Provider)
	assert.NotEmpty(t, got.WhatsNew)
	assert.Equal(t, 1, srv.Requests())

	// Withheld at once: nothing of an unpublished case may go by default.
	res = post(t, st, "secretariat", path("2020-004"), "")
	require.Equal(t, http.StatusCreated, res.status, res.body)
	visit(t, spec, "Opinion", res.body)
	assert.Contains(t, res.body, `"status":"withheld"`)
	assert.Contains(t, res.body, `"withheld_tiers":["restricted"]`)

	// An opinion on 2019-001 that draws on SoftBank's 2018-001: the expert
	// with a conflict with SoftBank sees that it exists, not what it says.
	res = post(t, st, "secretariat", path("2019-001"), cands("2018-001"))
	require.Equal(t, http.StatusCreated, res.status, res.body) // 2019-001 is unpublished: withheld
	status, body := st.Do(t, "expert", "GET", path("2019-001"), "")
	require.Equal(t, http.StatusOK, status, body)
	visit(t, spec, "OpinionList", body)
	var l opinionListBody
	require.NoError(t, json.Unmarshal([]byte(body), &l))
	require.Len(t, l.Opinions, 1)
	assert.True(t, l.Opinions[0].Hidden)
	assert.Empty(t, l.Opinions[0].Candidates)
	assert.NotContains(t, body, "2018-001")
	status, body = st.Do(t, "secretariat", "GET", path("2019-001"), "")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"ref":"2018-001"`)

	// Bad input names its field; unknown opinions are 404.
	for _, tc := range []struct{ body, want string }{
		{`{"candidates": [{"case_id": 999999}]}`, "candidates[0]"},
		{`{"candidates": [{}]}`, "candidates[0]"},
		{`{"candidates": [{"case_id": 1, "quarterly_row_id": 1}]}`, "candidates[0]"},
		{`{"bogus": true}`, "body"},
	} {
		res := post(t, st, "secretariat", path("2015-003"), tc.body)
		assert.Equal(t, http.StatusUnprocessableEntity, res.status, tc.body)
		visit(t, spec, "Error", res.body)
		assert.Contains(t, res.body, `"path":"`+tc.want+`"`, res.body)
	}
	for _, p := range []string{path("2018-001") + "/999999", path("2018-001") + "/x", path("2015-003") + fmt.Sprintf("/%d", op.ID)} {
		status, body := st.Do(t, "secretariat", "GET", p, "")
		assert.Equal(t, http.StatusNotFound, status, p)
		visit(t, spec, "Error", body)
	}
	status, _ = st.Do(t, "expert", "GET", first, "")
	assert.Equal(t, http.StatusNotFound, status, "the expert's conflict: the case is not found")

	// Reading is audited as a committee read.
	var reads int64
	require.NoError(t, st.DB.Raw(`SELECT count(*) FROM audit_log WHERE action = 'read' AND object = ?`,
		fmt.Sprintf("case:%d/opinions", st.Cases["2019-001"])).Scan(&reads).Error)
	assert.Equal(t, int64(2), reads)
	var leaked int64
	require.NoError(t, st.DB.Raw(`SELECT count(*) FROM audit_log WHERE strpos(detail::text, ?) > 0`, opinionKey).Scan(&leaked).Error)
	assert.Zero(t, leaked)
}

type postResult struct {
	status         int
	body, location string
}

func post(t *testing.T, st *stacktest.Stack, who, path, body string) postResult {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(http.MethodPost, st.Server.URL+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+st.Tokens[who])
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return postResult{status: res.StatusCode, body: string(b), location: res.Header.Get("Location")}
}
