package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"kensho/internal/report"
	"kensho/internal/stacktest"
)

// dataCase is an internet-access accident of org: one period of minutes
// at users, from occurred.
func dataCase(ref, org, occurred string, minutes int, users int) string {
	from, _ := time.Parse(time.RFC3339, occurred)
	to := from.Add(time.Duration(minutes) * time.Minute).Format(time.RFC3339)
	return fmt.Sprintf(`{"ref": %q, "kind": "accident", "operators": [{"name": %q}], "occurred_at": %q, "recovered_at": %q,
		"impacts": [{"service": "internet_access", "peak_users": %d, "timeline": [{"from": %[3]q, "to": %[4]q, "users": %[5]d}]}],
		"summary": "試験用の事案"}`, ref, org, occurred, to, users)
}

// whatIfStack is the demo stack with three data accidents of fiscal
// 2021–2022, where the demo has none: under the 2025 draft X-1 (KDDI) and
// X-2 (SoftBank, the demo expert's declared conflict) become serious; X-3
// (NTT Docomo) is serious in force and under the draft, not under the UK's.
func whatIfStack(t *testing.T) *stacktest.Stack {
	st := stacktest.New(t)
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	st.AddCase(t, dataCase("X-1", "KDDI株式会社", "2021-06-01T10:00:00+09:00", 90, 200000), stacktest.Report{Kind: "import", At: at})
	st.AddCase(t, dataCase("X-2", "ソフトバンク株式会社", "2021-09-01T10:00:00+09:00", 70, 150000), stacktest.Report{Kind: "import", At: at})
	st.AddCase(t, dataCase("X-3", "株式会社NTTドコモ", "2022-05-01T10:00:00+09:00", 180, 40000), stacktest.Report{Kind: "import", At: at})
	return st
}

type apiYear struct {
	FiscalYear    int `json:"fiscal_year"`
	Cases         int `json:"cases"`
	InForce       int `json:"in_force"`
	Under         int `json:"under"`
	Difference    int `json:"difference"`
	Added         []report.ChangedCase
	Removed       []report.ChangedCase
	AddedOthers   int `json:"added_others"`
	RemovedOthers int `json:"removed_others"`
}

type apiTable struct {
	RuleSet struct{ ID, Title, Status string } `json:"rule_set"`
	FromFY  int                                `json:"from_fy"`
	ToFY    int                                `json:"to_fy"`
	Service string                             `json:"service"`
	Years   []apiYear                          `json:"years"`
	Total   map[string]int                     `json:"total"`
	Average map[string]json.RawMessage         `json:"average"`
}

func refsOf(cs []report.ChangedCase) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Ref)
	}
	return out
}

func TestWhatIfAPI(t *testing.T) {
	st := whatIfStack(t)
	get := func(who, q string) (int, string) {
		t.Helper()
		return st.Do(t, who, "GET", "/api/v1/whatif"+q, "")
	}
	table := func(who, q string) apiTable {
		t.Helper()
		status, body := get(who, q)
		require.Equal(t, http.StatusOK, status, body)
		var tab apiTable
		require.NoError(t, json.Unmarshal([]byte(body), &tab), body)
		return tab
	}

	t.Run("the secretariat: counts, refs, total and one-decimal average", func(t *testing.T) {
		tab := table("secretariat", "?rules=proposal-2025&from_fy=2021&to_fy=2022")
		assert.Equal(t, "proposal-2025", tab.RuleSet.ID)
		assert.Equal(t, "proposal", tab.RuleSet.Status)
		assert.Equal(t, 2021, tab.FromFY)
		assert.Equal(t, 2022, tab.ToFY)
		require.Len(t, tab.Years, 2)
		y := tab.Years[0]
		assert.Equal(t, []any{2021, 2, 0, 2, 2, []string{"X-1", "X-2"}, []string{}, 0},
			[]any{y.FiscalYear, y.Cases, y.InForce, y.Under, y.Difference, refsOf(y.Added), refsOf(y.Removed), y.AddedOthers})
		assert.Equal(t, st.Cases["X-1"], y.Added[0].ID)
		assert.Equal(t, []string{"KDDI株式会社"}, y.Added[0].Operators)
		y = tab.Years[1]
		assert.Equal(t, []any{2022, 1, 1, 1, 0}, []any{y.FiscalYear, y.Cases, y.InForce, y.Under, y.Difference})
		assert.Equal(t, map[string]int{"cases": 3, "in_force": 1, "under": 3, "difference": 2, "added": 2, "removed": 0}, tab.Total)
		assert.Equal(t, map[string]json.RawMessage{"cases": json.RawMessage("1.5"), "in_force": json.RawMessage("0.5"),
			"under": json.RawMessage("1.5"), "difference": json.RawMessage("1.0")}, tab.Average)
	})

	t.Run("the UK drops X-3; the service filter keeps the data cases", func(t *testing.T) {
		tab := table("secretariat", "?rules=uk&from_fy=2021&to_fy=2022&service=internet_access")
		assert.Equal(t, "internet_access", tab.Service)
		assert.Equal(t, []string{"X-1", "X-2"}, refsOf(tab.Years[0].Added))
		assert.Equal(t, []string{"X-3"}, refsOf(tab.Years[1].Removed))
		tab = table("secretariat", "?rules=uk&from_fy=2021&to_fy=2022&service=voice")
		assert.Equal(t, 0, tab.Total["cases"], "no voice case in the span")
	})

	t.Run("the demo's own years under 2008, as the CLI", func(t *testing.T) {
		tab := table("secretariat", "?rules=2008&from_fy=2015&to_fy=2015")
		assert.Equal(t, []string{"2015-001", "2016-001"}, refsOf(tab.Years[0].Removed))
	})

	t.Run("who may see which changed cases", func(t *testing.T) {
		// The expert declared a conflict with SoftBank: X-2 counted, not named.
		tab := table("expert", "?rules=proposal-2025&from_fy=2021&to_fy=2022")
		assert.Equal(t, []string{"X-1"}, refsOf(tab.Years[0].Added))
		assert.Equal(t, 1, tab.Years[0].AddedOthers)
		assert.Equal(t, 2, tab.Total["added"])
		// The editor reads published overviews only: nothing here is.
		status, body := get("editor", "?rules=proposal-2025&from_fy=2021&to_fy=2022")
		require.Equal(t, http.StatusOK, status)
		for _, ref := range []string{"X-1", "X-2", "X-3", "KDDI", "ソフトバンク"} {
			assert.NotContains(t, body, ref)
		}
		require.NoError(t, json.Unmarshal([]byte(body), &tab))
		assert.Equal(t, 2, tab.Years[0].AddedOthers)
		assert.Equal(t, 3, tab.Total["under"], "the editor's counts are the whole base's")
		// …but the published 2015-003 (KDDI) is named to the editor.
		tab = table("editor", "?rules=us&from_fy=2015&to_fy=2015")
		assert.Contains(t, refsOf(tab.Years[0].Removed), "2015-003")
		assert.NotContains(t, refsOf(tab.Years[0].Removed), "2015-002", "not published")
	})

	t.Run("status codes and the paths of bad input", func(t *testing.T) {
		for _, tc := range []struct {
			who, q string
			status int
			paths  []string
		}{
			{"secretariat", "?rules=proposal-2025&from_fy=2019&to_fy=2023", http.StatusOK, nil},
			{"expert", "?rules=eu&from_fy=2019&to_fy=2019", http.StatusOK, nil},
			{"editor", "?rules=de&from_fy=2019&to_fy=2023&service=internet_access", http.StatusOK, nil},
			{"kddi", "?rules=proposal-2025&from_fy=2019&to_fy=2023", http.StatusForbidden, nil},
			{"auditor", "?rules=proposal-2025&from_fy=2019&to_fy=2023", http.StatusForbidden, nil},
			{"admin", "?rules=proposal-2025&from_fy=2019&to_fy=2023", http.StatusForbidden, nil},
			{"kddi", "?rules=nope", http.StatusForbidden, nil}, // forbidden before anything about the query
			{"", "?rules=proposal-2025&from_fy=2019&to_fy=2023", http.StatusUnauthorized, nil},
			{"secretariat", "", http.StatusUnprocessableEntity, []string{"rules", "from_fy", "to_fy"}},
			{"secretariat", "?rules=2099&from_fy=2019&to_fy=2023", http.StatusUnprocessableEntity, []string{"rules"}},
			{"secretariat", "?rules=uk&from_fy=2023&to_fy=2019", http.StatusUnprocessableEntity, []string{"to_fy"}},
			{"secretariat", "?rules=uk&from_fy=1990&to_fy=2023", http.StatusUnprocessableEntity, []string{"to_fy"}},
			{"secretariat", "?rules=uk&from_fy=twenty&to_fy=2023.5", http.StatusUnprocessableEntity, []string{"from_fy", "to_fy"}},
			{"secretariat", "?rules=uk&from_fy=2019&to_fy=2023&service=data", http.StatusUnprocessableEntity, []string{"service"}},
		} {
			status, body := get(tc.who, tc.q)
			assert.Equal(t, tc.status, status, "%s %s: %s", tc.who, tc.q, body)
			if tc.status == http.StatusForbidden || tc.status == http.StatusUnauthorized {
				assert.NotContains(t, body, "X-1", "never a ref")
			}
			if tc.paths == nil {
				continue
			}
			var e struct {
				Error   string
				Details []struct{ Path, Message string }
			}
			require.NoError(t, json.Unmarshal([]byte(body), &e))
			var paths []string
			for _, d := range e.Details {
				paths = append(paths, d.Path)
				assert.NotEmpty(t, d.Message)
			}
			assert.Equal(t, tc.paths, paths, tc.q)
			assert.True(t, strings.HasPrefix(e.Error, "invalid what-if query: "), e.Error)
		}
		_, body := get("secretariat", "?rules=uk&from_fy=2023&to_fy=2019")
		assert.Contains(t, body, `"message":"2019 is before from_fy 2023"`)
		_, body = get("secretariat", "?rules=uk&from_fy=1990&to_fy=2023")
		assert.Contains(t, body, "a study spans at most 30")
		_, body = get("secretariat", "?rules=2099&from_fy=2019&to_fy=2023")
		assert.Contains(t, body, `unknown rule set \"2099\"`)
	})

	t.Run("audited, with the query", func(t *testing.T) {
		var n int64
		require.NoError(t, st.DB.Raw(`SELECT count(*) FROM audit_log WHERE object = 'whatif' AND action = 'read'
			AND detail->>'rules' = 'proposal-2025' AND detail->>'via' = 'json'`).Scan(&n).Error)
		assert.Positive(t, n)
	})

	t.Run("the answer matches the document", func(t *testing.T) {
		spec := loadSpec(t)
		_, body := get("expert", "?rules=proposal-2025&from_fy=2021&to_fy=2022")
		var v any
		require.NoError(t, json.Unmarshal([]byte(body), &v))
		assert.NoError(t, spec.Components.Schemas["WhatIfTable"].Value.VisitJSON(v))
		_, body = get("secretariat", "?rules=2099")
		require.NoError(t, json.Unmarshal([]byte(body), &v))
		assert.NoError(t, spec.Components.Schemas["Error"].Value.VisitJSON(v))
	})
}

func TestWhatIfXLSXAPI(t *testing.T) {
	st := whatIfStack(t)
	q := "/api/v1/whatif.xlsx?rules=proposal-2025&from_fy=2021&to_fy=2022"
	status, body := st.Do(t, "secretariat", "GET", q, "")
	require.Equal(t, http.StatusOK, status, body)
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	require.NoError(t, err)
	defer f.Close()
	v, _ := f.GetCellValue(report.SheetWhatIf, "A8")
	assert.Equal(t, "令和3年度(2021年度)", v)
	v, _ = f.GetCellValue(report.SheetWhatIf, "F8")
	assert.Equal(t, "X-1、X-2", v)
	v, _ = f.GetCellValue(report.SheetWhatIf, "E11")
	assert.Equal(t, "+1.0", v, "average difference")
	// (Zip entry names are stored as they are.)
	assert.Contains(t, body, "xl/charts/chart1.xml", "the chart's part is in the zip")

	_, again := st.Do(t, "secretariat", "GET", q, "")
	assert.Equal(t, body, again, "the same study, the same bytes")

	// The expert's workbook does not name X-2.
	_, ex := st.Do(t, "expert", "GET", q, "")
	f2, err := excelize.OpenReader(bytes.NewReader([]byte(ex)))
	require.NoError(t, err)
	defer f2.Close()
	v, _ = f2.GetCellValue(report.SheetWhatIf, "F8")
	assert.Equal(t, "X-1 ほか1件", v)

	status, _ = st.Do(t, "kddi", "GET", q, "")
	assert.Equal(t, http.StatusForbidden, status)
	status, body = st.Do(t, "secretariat", "GET", "/api/v1/whatif.xlsx?rules=uk&from_fy=2020&to_fy=2019", "")
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `"path":"to_fy"`)
}
