package httpapi_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/jpdate"
	"kensho/internal/stacktest"
)

// TestSurveyAPI walks a follow-up survey through the API on the demo: the
// secretariat creates one addressed to KDDI and Docomo, opens it; KDDI
// answers (bad answers first, each named by its path), then answers again;
// オプテージ, not addressed, gets 404 everywhere; the secretariat reads the
// results and closes it, after which answers are refused. Every answer is
// checked against the OpenAPI schema it names.
func TestSurveyAPI(t *testing.T) {
	st := stacktest.New(t)
	spec := loadSpec(t)
	org := func(name string) int64 {
		var id int64
		require.NoError(t, st.DB.Raw("SELECT id FROM organisations WHERE name = ?", name).Scan(&id).Error)
		require.NotZero(t, id, name)
		return id
	}
	fy := jpdate.FiscalYear(time.Now())
	var id int64
	var version int
	type step struct {
		name, login, method string
		path                func() string
		body                func() string
		status              int
		schema              string
		contains            []string
		then                func(body string)
	}
	fixed := func(s string) func() string { return func() string { return s } }
	at := func(format string) func() string { return func() string { return fmt.Sprintf(format, id) } }
	versioned := func() string { return fmt.Sprintf(`{"version": %d}`, version) }
	keep := func(body string) {
		var m struct {
			ID      int64 `json:"id"`
			Version int   `json:"version"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &m))
		id, version = m.ID, m.Version
	}
	steps := []step{
		{name: "anonymous", method: "GET", path: fixed("/api/v1/surveys"), status: 401, schema: "Error"},
		{name: "a reporter: nothing addressed yet", login: "kddi", method: "GET", path: fixed("/api/v1/surveys"), status: 200,
			schema: "SurveyList", contains: []string{`"items":[]`}},
		{name: "an expert may not list", login: "expert", method: "GET", path: fixed("/api/v1/surveys"), status: 403, schema: "Error"},
		{name: "an editor may not create", login: "editor", method: "POST", path: fixed("/api/v1/surveys"),
			body: fixed(`{"fiscal_year": 2025, "title": "x", "lessons": ["CAP-01"]}`), status: 403, schema: "Error"},
		{name: "choices of the year", login: "secretariat", method: "GET", path: fixed(fmt.Sprintf("/api/v1/surveys/choices?fiscal_year=%d", fy)),
			status: 200, schema: "SurveyChoices", contains: []string{`"CAP-01"`, `楽天モバイル株式会社`}},
		{name: "bad input, every field named", login: "secretariat", method: "POST", path: fixed("/api/v1/surveys"),
			body:   fixed(`{"fiscal_year": 1990, "title": "", "lessons": ["CAP-01", "XX-99", "CAP-01"], "recipients": [999999]}`),
			status: 422, schema: "Error", contains: []string{`"path":"fiscal_year"`, `"path":"title"`, `"path":"lessons[1]"`,
				`"path":"lessons[2]"`, `"path":"recipients[0]"`}},
		{name: "an unknown field", login: "secretariat", method: "POST", path: fixed("/api/v1/surveys"),
			body: fixed(`{"fiscal_year": 2025, "title": "x", "lessons": ["CAP-01"], "colour": "red"}`), status: 422, schema: "Error",
			contains: []string{`"path":"colour"`}},
		{name: "create", login: "secretariat", method: "POST", path: fixed("/api/v1/surveys"),
			body: fixed(fmt.Sprintf(`{"fiscal_year": %d, "title": "教訓の実施状況調査", "due_on": "2099-03-31", "lessons": ["CAP-01", "PROC-01"],
				"recipients": [%d, %d]}`, fy, org("KDDI株式会社"), org("株式会社NTTドコモ"))),
			status: 201, schema: "Survey", contains: []string{`"status":"draft"`, `"respondents":0`}, then: keep},
		{name: "a draft is not the reporters'", login: "kddi", method: "GET", path: at("/api/v1/surveys/%d/answers"), status: 404, schema: "Error"},
		{name: "open: stale version", login: "secretariat", method: "POST", path: at("/api/v1/surveys/%d/open"), body: fixed(`{"version": 9}`),
			status: 409, schema: "Error"},
		{name: "open", login: "secretariat", method: "POST", path: at("/api/v1/surveys/%d/open"), body: versioned, status: 200,
			schema: "Survey", contains: []string{`"status":"open"`}, then: keep},
		{name: "addressed: listed for KDDI", login: "kddi", method: "GET", path: fixed("/api/v1/surveys"), status: 200, schema: "SurveyList",
			contains: []string{`教訓の実施状況調査`, `"answered":0`}},
		{name: "not addressed: not listed for オプテージ", login: "optage", method: "GET", path: fixed("/api/v1/surveys"), status: 200,
			schema: "SurveyList", contains: []string{`"items":[]`}},
		{name: "not addressed: the sheet is not found", login: "optage", method: "GET", path: at("/api/v1/surveys/%d/answers"),
			status: 404, schema: "Error"},
		{name: "not addressed: answering is not found", login: "optage", method: "PUT", path: at("/api/v1/surveys/%d/answers"),
			body:   fixed(`{"answers": [{"lesson_id": "CAP-01", "status": "planned"}, {"lesson_id": "PROC-01", "status": "planned"}]}`),
			status: 404, schema: "Error"},
		{name: "not addressed: the results are not found", login: "optage", method: "GET", path: at("/api/v1/surveys/%d"), status: 404, schema: "Error"},
		{name: "addressed: the results are forbidden", login: "kddi", method: "GET", path: at("/api/v1/surveys/%d"), status: 403, schema: "Error"},
		{name: "an expert does not open it", login: "expert", method: "POST", path: at("/api/v1/surveys/%d/close"), body: versioned,
			status: 404, schema: "Error"},
		{name: "KDDI's sheet", login: "kddi", method: "GET", path: at("/api/v1/surveys/%d/answers"), status: 200, schema: "AnswerSheet",
			contains: []string{`"organisation":"KDDI株式会社"`, `"open":true`, `"id":"PROC-01"`}},
		{name: "bad answers, each by path", login: "kddi", method: "PUT", path: at("/api/v1/surveys/%d/answers"),
			body:   fixed(`{"answers": [{"lesson_id": "CAP-01", "status": "newly_done"}, {"lesson_id": "PROC-01", "status": "planned", "effective": true}]}`),
			status: 422, schema: "Error", contains: []string{`"path":"answers[0].effective"`, `"path":"answers[1].effective"`}},
		{name: "a lesson missing", login: "kddi", method: "PUT", path: at("/api/v1/surveys/%d/answers"),
			body: fixed(`{"answers": [{"lesson_id": "CAP-01", "status": "not_planned"}]}`), status: 422, schema: "Error",
			contains: []string{`"path":"answers"`, `PROC-01 is not answered`}},
		{name: "answer", login: "kddi", method: "PUT", path: at("/api/v1/surveys/%d/answers"),
			body:   fixed(`{"answers": [{"lesson_id": "CAP-01", "status": "planned"}, {"lesson_id": "PROC-01", "status": "revised", "effective": false}]}`),
			status: 200, schema: "AnswerSheet", contains: []string{`"answered":2`, `"status":"revised"`}},
		{name: "answer again: replaced", login: "kddi", method: "PUT", path: at("/api/v1/surveys/%d/answers"),
			body:   fixed(`{"answers": [{"lesson_id": "PROC-01", "status": "newly_done", "effective": true}, {"lesson_id": "CAP-01", "status": "revised", "effective": true}]}`),
			status: 200, schema: "AnswerSheet", contains: []string{`"answered":2`}},
		{name: "Docomo answers", login: "docomo", method: "PUT", path: at("/api/v1/surveys/%d/answers"),
			body:   fixed(`{"answers": [{"lesson_id": "CAP-01", "status": "wanted_but_hard"}, {"lesson_id": "PROC-01", "status": "newly_done", "effective": true}]}`),
			status: 200, schema: "AnswerSheet"},
		{name: "the results", login: "secretariat", method: "GET", path: at("/api/v1/surveys/%d"), status: 200, schema: "Survey",
			contains: []string{`"respondents":2`, `"implemented_share":0.5`, `"effective_share":1`, `"class":"effective"`,
				`"class":"both"`, `"answered":2`}, then: keep},
		{name: "the secretariat's list", login: "secretariat", method: "GET", path: fixed("/api/v1/surveys"), status: 200, schema: "SurveyList",
			contains: []string{`"recipients":2`, `"respondents":2`}},
		{name: "the secretariat answers for no one", login: "secretariat", method: "PUT", path: at("/api/v1/surveys/%d/answers"),
			body: fixed(`{"answers": []}`), status: 403, schema: "Error"},
		{name: "close: stale", login: "secretariat", method: "POST", path: at("/api/v1/surveys/%d/close"), body: fixed(`{"version": 1}`),
			status: 409, schema: "Error"},
		{name: "close", login: "secretariat", method: "POST", path: at("/api/v1/surveys/%d/close"), body: versioned, status: 200,
			schema: "Survey", contains: []string{`"status":"closed"`}, then: keep},
		{name: "reopen a closed survey", login: "secretariat", method: "POST", path: at("/api/v1/surveys/%d/open"), body: versioned,
			status: 409, schema: "Error"},
		{name: "closed: answers refused", login: "kddi", method: "PUT", path: at("/api/v1/surveys/%d/answers"),
			body:   fixed(`{"answers": [{"lesson_id": "CAP-01", "status": "planned"}, {"lesson_id": "PROC-01", "status": "planned"}]}`),
			status: 409, schema: "Error", contains: []string{"closed"}},
		{name: "a malformed id", login: "secretariat", method: "GET", path: fixed("/api/v1/surveys/x"), status: 404, schema: "Error"},
	}
	for _, s := range steps {
		body := ""
		if s.body != nil {
			body = s.body()
		}
		status, got := st.Do(t, s.login, s.method, s.path(), body)
		if !assert.Equal(t, s.status, status, "%s: %s", s.name, got) {
			continue
		}
		for _, want := range s.contains {
			assert.Contains(t, got, want, s.name)
		}
		if s.schema != "" {
			var v any
			require.NoError(t, json.Unmarshal([]byte(got), &v), s.name)
			assert.NoError(t, spec.Components.Schemas[s.schema].Value.VisitJSON(v), "%s: %s", s.name, s.schema)
		}
		if s.then != nil {
			s.then(got)
		}
	}

	// The annual report's view of the closed survey.
	got, err := st.Surveys.ReportSurveys(t.Context(), fy)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, 2, got[0].Respondents)
	assert.Equal(t, "effective", got[0].Lessons[0].Class)
	assert.Equal(t, "both", got[0].Lessons[1].Class)
}
