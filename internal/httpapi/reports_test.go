package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/stacktest"
)

// The annual report over the API: who may do what with the editions, the
// workflow, and that nothing but a published edition is public.
func TestReportEditionsAPI(t *testing.T) {
	s := stacktest.New(t)
	spec := loadSpec(t)
	check := func(schema, body string) {
		t.Helper()
		var v any
		require.NoError(t, json.Unmarshal([]byte(body), &v), body)
		assert.NoError(t, spec.Components.Schemas[schema].Value.VisitJSON(v), schema)
	}
	var ids []int64
	require.NoError(t, s.DB.Raw(`SELECT id FROM cases WHERE kind = 'accident' AND fiscal_year = 2020 AND published_at IS NULL`).Scan(&ids).Error)
	for _, id := range ids {
		code, body := s.Do(t, "secretariat", "POST", fmt.Sprintf("/api/v1/cases/%d/publish", id), "")
		require.Equal(t, http.StatusOK, code, body)
	}

	for _, c := range []struct {
		name, who, body string
		status          int
	}{
		{"anonymous", "", `{"fiscal_year": 2020}`, http.StatusUnauthorized},
		{"a reporter", "kddi", `{"fiscal_year": 2020}`, http.StatusForbidden},
		{"an expert", "expert", `{"fiscal_year": 2020}`, http.StatusForbidden},
		{"a year to come", "editor", `{"fiscal_year": 2099}`, http.StatusUnprocessableEntity},
		{"an unknown field", "editor", `{"fiscal_year": 2020, "title": "x"}`, http.StatusUnprocessableEntity},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := s.Do(t, c.who, "POST", "/api/v1/reports/editions", c.body)
			assert.Equal(t, c.status, code, body)
		})
	}
	code, body := s.Do(t, "editor", "POST", "/api/v1/reports/editions", `{"fiscal_year": 2020, "foreword": "はじめに"}`)
	require.Equal(t, http.StatusAccepted, code, body)
	check("ReportEdition", body)
	var ed struct {
		ID      int64  `json:"id"`
		Version int    `json:"version"`
		Status  string `json:"status"`
		Hash    string `json:"content_sha256"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &ed))
	path := fmt.Sprintf("/api/v1/reports/editions/%d", ed.ID)

	// In the making: the editors' and the secretariat's only.
	for who, want := range map[string]int{"": http.StatusUnauthorized, "expert": http.StatusNotFound, "kddi": http.StatusNotFound,
		"secretariat": http.StatusOK, "editor": http.StatusOK} {
		code, _ := s.Do(t, who, "GET", path, "")
		assert.Equal(t, want, code, who)
	}
	code, _ = s.Do(t, "", "GET", "/api/v1/public/reports/2020", "")
	assert.Equal(t, http.StatusNotFound, code, "a draft is not public")
	code, _ = s.Do(t, "expert", "GET", path+"/outputs/json", "")
	assert.Equal(t, http.StatusNotFound, code)

	require.NoError(t, s.Reports.RunBuild(context.Background(), ed.ID)) // the job, run here
	code, body = s.Do(t, "editor", "GET", path, "")
	require.Equal(t, http.StatusOK, code, body)
	check("ReportEdition", body)
	require.NoError(t, json.Unmarshal([]byte(body), &ed))
	require.Len(t, ed.Hash, 64)
	step := func(who, name string, extra string) (int, string) {
		code, body := s.Do(t, who, "POST", path+"/"+name, fmt.Sprintf(`{"version": %d%s}`, ed.Version, extra))
		if code < 300 {
			require.NoError(t, json.Unmarshal([]byte(body), &ed))
		}
		return code, body
	}
	code, body = s.Do(t, "editor", "POST", path+"/submit", `{"version": 99}`)
	assert.Equal(t, http.StatusConflict, code, "a stale version: %s", body)
	code, body = step("editor", "submit", "")
	require.Equal(t, http.StatusOK, code, body)
	code, body = s.Do(t, "editor", "POST", path+"/comments", `{"body": "表2の注記を確認"}`)
	require.Equal(t, http.StatusCreated, code, body)
	check("ReportComment", body)
	code, body = s.Do(t, "secretariat", "GET", path+"/comments", "")
	require.Equal(t, http.StatusOK, code, body)
	check("ReportCommentList", body)
	code, body = step("editor", "approve", "")
	assert.Equal(t, http.StatusForbidden, code, "editors do not approve: %s", body)
	code, body = step("secretariat", "return", "")
	assert.Equal(t, http.StatusUnprocessableEntity, code, "back to draft needs a reason: %s", body)
	code, body = step("secretariat", "approve", "")
	require.Equal(t, http.StatusOK, code, body)
	code, _ = s.Do(t, "", "GET", "/api/v1/public/reports/2020", "")
	assert.Equal(t, http.StatusNotFound, code, "approved is not yet public")
	code, body = step("editor", "publish", "")
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, "published", ed.Status)

	res, err := http.Get(s.Server.URL + "/api/v1/public/reports/2020")
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&doc))
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, ed.Hash, res.Header.Get("X-Content-SHA256"))
	assert.Equal(t, "kensho-annual-report/v1", doc["format"])
	raw, _ := json.Marshal(doc)
	check("AnnualReport", string(raw))
	for _, file := range []string{"report.xlsx", "report.pdf"} {
		res, err := http.Get(s.Server.URL + "/api/v1/public/reports/2020/" + file)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusOK, res.StatusCode, file)
		assert.Len(t, res.Header.Get("X-Content-SHA256"), 64, file)
	}
	code, body = s.Do(t, "", "GET", "/api/v1/public/reports", "")
	require.Equal(t, http.StatusOK, code)
	check("ReportEditionList", body)
	code, _ = s.Do(t, "", "GET", "/api/v1/public/reports/2020?edition=2", "")
	assert.Equal(t, http.StatusNotFound, code)
	code, body = step("secretariat", "rebuild", "")
	assert.Equal(t, http.StatusConflict, code, "a published edition never changes: %s", body)
}
