package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/configs"
	"kensho/internal/report"
	"kensho/internal/rules"
	"kensho/internal/stacktest"
)

// accident is a v1 accident of org with one impact per service, each
// with users affected for minutes from occurred.
func accident(ref, kind, org, occurred string, minutes int, class string, impacts ...any) string {
	at, err := time.Parse(time.RFC3339, occurred)
	if err != nil {
		panic(err)
	}
	end := at.Add(time.Duration(minutes) * time.Minute).Format(time.RFC3339)
	var list []map[string]any
	for i := 0; i < len(impacts); i += 2 {
		users := impacts[i+1].(int)
		list = append(list, map[string]any{"service": impacts[i], "peak_users": users, "user_unit": "people",
			"timeline": []map[string]any{{"from": occurred, "to": end, "users": users}}})
	}
	c := map[string]any{"ref": ref, "kind": kind, "operators": []map[string]any{{"name": org}}, "occurred_at": occurred,
		"recovered_at": end, "area": "東京都", "impacts": list, "cause": map[string]any{"class": class, "archetype": "software_bug", "text": "原因の詳細（限定共有）"},
		"summary": ref + "の概要（公表）", "measures": ref + "の再発防止策の概要"}
	if kind == "near_miss" {
		c["near_miss"] = map[string]any{"situation": "failover_failure", "noticed_promptly": false, "switched_promptly": false}
		c["summary"] = "予備系への切替えができなかった事案。"
	}
	b, _ := json.Marshal(c)
	return string(b)
}

// fixture is fiscal 2024 over the demo's serious accidents of 2015–2020:
// three serious accidents (two published), one quarterly-level accident,
// two near-misses (one approved), quarterly reports of five operators,
// lessons and guidance. The expected statistics are worked out by hand in
// TestBuildStatistics.
func fixture(t *testing.T) *stacktest.Stack {
	s := stacktest.New(t)
	imp := stacktest.Report{Kind: "import", At: time.Date(2025, 4, 10, 9, 0, 0, 0, time.UTC)}
	s1 := s.AddCase(t, accident("FX-1", "accident", "KDDI株式会社", "2024-05-10T10:00:00+09:00", 336, "equipment", "internet_access", 2200000), imp)
	s2 := s.AddCase(t, accident("FX-2", "accident", "株式会社NTTドコモ", "2024-08-01T09:00:00+09:00", 90, "human",
		"voice_emergency", 100000, "internet_access", 100000), imp)
	s.AddCase(t, accident("FX-3", "accident", "西日本電信電話株式会社", "2025-02-01T12:00:00+09:00", 150, "external", "voice", 50000), imp)
	s.AddCase(t, accident("FX-4", "accident", "KDDI株式会社", "2024-06-01T12:00:00+09:00", 60, "equipment", "internet_access", 40000), imp)
	s.AddCase(t, accident("FX-5", "accident", "KDDI株式会社", "2023-06-01T12:00:00+09:00", 180, "equipment", "internet_access", 40000), imp)
	nm1 := s.AddCase(t, accident("FX-NM1", "near_miss", "楽天モバイル株式会社", "2024-09-10T03:00:00+09:00", 5, "equipment", "voice", 0), imp)
	nm2 := s.AddCase(t, accident("FX-NM2", "near_miss", "楽天モバイル株式会社", "2024-11-02T03:00:00+09:00", 5, "equipment", "voice", 0), imp)

	for _, id := range []int64{s1, s2} {
		code, body := s.Do(t, "secretariat", "POST", fmt.Sprintf("/api/v1/cases/%d/publish", id), "")
		require.Equal(t, 200, code, body)
	}
	for i, id := range []int64{nm1, nm2} {
		code, body := s.Do(t, "secretariat", "POST", fmt.Sprintf("/api/v1/cases/%d/anonymised", id), "")
		require.Equal(t, 201, code, body)
		if i == 0 {
			code, body = s.Do(t, "secretariat", "POST", fmt.Sprintf("/api/v1/cases/%d/anonymised/approve", id), `{"version": 1}`)
			require.Equal(t, 200, code, body)
		}
	}
	require.NoError(t, s.DB.Exec(`INSERT INTO lessons (id, theme, text_ja, text_en, first_year, origin_case_id, created_by)
		VALUES ('CAP-2024-01', 'capacity_planning', '新しい教訓（試験）', 'A new lesson (test)', 2024, ?, 'test')`, s2).Error)
	for _, l := range []struct {
		id     int64
		lesson string
		rec    bool
	}{{s1, "CAP-01", true}, {s1, "PROC-02", true}, {s2, "PROC-01", true}, {s2, "CAP-2024-01", false}, {nm1, "PROC-02", true}} {
		require.NoError(t, s.DB.Exec(`INSERT INTO case_lessons (case_id, lesson_id, fiscal_year, recurring, source, linked_by)
			VALUES (?, ?, 2024, ?, 'verification', 'test')`, l.id, l.lesson, l.rec).Error)
	}
	require.NoError(t, s.DB.Exec(`INSERT INTO guidance (case_id, organisation_id, issued_on, reference, measures, published_at, published_by, created_by, updated_by)
		SELECT ?, organisation_id, '2024-09-01', '総基安第1号', '再発防止策の徹底と報告', now(), 'test', 'test', 'test'
		FROM case_operators WHERE case_id = ?`, s2, s2).Error)
	require.NoError(t, s.DB.Exec(`INSERT INTO guidance (case_id, organisation_id, issued_on, measures, published_at, published_by, created_by, updated_by)
		SELECT ?, organisation_id, '2023-09-01', '前年度の指導', now(), 'test', 'test', 'test'
		FROM case_operators WHERE case_id = ?`, s1, s1).Error)

	const (
		a = "KDDI株式会社"
		b = "株式会社NTTドコモ"
		c = "ソフトバンク株式会社"
		d = "楽天モバイル株式会社"
		e = "東日本電信電話株式会社"
	)
	type row = map[string]any
	det := func(org string, fy, q int, ref, class string, minutes, users int) row {
		month := []int{0, 5, 8, 11, 2}[q]
		year := fy
		if q == 4 {
			year++
		}
		at := fmt.Sprintf("%d-%02d-10 10:00", year, month)
		return row{"organisation": org, "fiscal_year": fy, "quarter": q, "form": "detailed", "equipment_type": "router",
			"prefecture": "tokyo", "ref": ref, "occurred_at": at, "recovered_at": fmt.Sprintf("%d-%02d-20 10:00", year, month),
			"service": "internet_access", "users": users, "duration_minutes": minutes, "cause_class": class, "cause_archetype": "software_bug"}
	}
	simple := func(org string, q int, eq string, n int) row {
		return row{"organisation": org, "fiscal_year": 2024, "quarter": q, "form": "simple", "equipment_type": eq, "prefecture": "tokyo", "count": n}
	}
	rows := []row{
		det(a, 2024, 1, "Q1", "equipment", 30, 40000), det(b, 2024, 1, "Q2", "equipment", 45, 40000),
		det(c, 2024, 2, "Q3", "equipment", 50, 3000), det(a, 2024, 2, "Q4", "equipment", 130, 150000),
		det(d, 2024, 3, "Q5", "human", 125, 1000), det(d, 2024, 3, "Q6", "human", 400, 2000),
		det(a, 2024, 4, "Q7", "external", 1500, 35000), det(b, 2024, 4, "Q8", "external", 150, 1200000),
		det(e, 2024, 4, "Q9", "external", 170, 50000),
		det(a, 2023, 1, "P1", "equipment", 200, 50000), det(b, 2023, 1, "P2", "human", 200, 50000),
		simple(a, 1, "base_station", 10), simple(b, 1, "base_station", 20), simple(c, 2, "base_station", 5), simple(d, 3, "dslam", 7),
	}
	file := filepath.Join(t.TempDir(), "q.json")
	raw, _ := json.Marshal(map[string]any{"format": "kensho-quarterly/v1", "rows": rows})
	require.NoError(t, os.WriteFile(file, raw, 0o600))
	stacktest.Run(t, s.DBURL, "quarterly", "upload", file)
	return s
}

type fixedSurveys []report.Survey

func (f fixedSurveys) ReportSurveys(_ context.Context, fy int) ([]report.Survey, error) {
	if fy != 2024 {
		return nil, nil
	}
	return f, nil
}

func builder(t testing.TB, s *stacktest.Stack) *report.Builder {
	cfg, err := report.LoadConfig(configs.FS)
	require.NoError(t, err)
	cat, err := rules.Load(configs.FS)
	require.NoError(t, err)
	return &report.Builder{DB: s.DB, Catalog: cat, Config: cfg, Cases: s.Stack.Cases, Review: s.Review,
		Surveys: fixedSurveys{{Title: "教訓の実施状況調査", ClosedOn: "2025-03-01", Respondents: 2, Lessons: []report.SurveyLesson{}}}}
}

func n(v int) *int { return &v }

func TestBuildStatistics(t *testing.T) {
	s := fixture(t)
	var steps []string
	r, notes, err := builder(t, s).Build(context.Background(), report.Input{FiscalYear: 2024, Edition: 1, Foreword: "はじめに"},
		func(done, total int, step string) { steps = append(steps, fmt.Sprintf("%d/%d %s", done, total, step)) })
	require.NoError(t, err)
	assert.Equal(t, []string{"0/6 serious", "1/6 quarterly", "2/6 cases", "3/6 lessons", "4/6 guidance", "5/6 surveys", "6/6 "}, steps)
	st := r.Statistics
	assert.Equal(t, []int{2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024}, st.Years)
	assert.Equal(t, "2024-04-01", r.From)
	assert.Equal(t, "2025-03-31", r.To)

	// Serious in force: the demo's 28 (8, 5, 4, 4, 3, 4), FX-5 in 2023
	// (≥2 h at 40,000) and FX-1, FX-2, FX-3 in 2024; FX-4 (1 h) is not.
	var serious []int
	for _, y := range st.Serious {
		serious = append(serious, *y.Count)
	}
	assert.Equal(t, []int{8, 5, 4, 4, 3, 4, 0, 0, 1, 3}, serious)
	last := func(list []report.Series, key string) int {
		for _, x := range list {
			if x.Key == key {
				return *x.Values[len(x.Values)-1]
			}
		}
		t.Fatalf("no series %s", key)
		return 0
	}
	// FX-2 hit internet access too, but only its emergency voice was serious.
	assert.Equal(t, 1, last(st.SeriousByService, "internet_access"))
	assert.Equal(t, 1, last(st.SeriousByService, "voice_emergency"))
	assert.Equal(t, 1, last(st.SeriousByService, "voice"))
	assert.Equal(t, 0, last(st.SeriousByService, "lpwa"))
	assert.Equal(t, 1, last(st.SeriousByCause, "equipment"))
	assert.Equal(t, 1, last(st.SeriousByCause, "human"))
	assert.Equal(t, 1, last(st.SeriousByCause, "external"))

	// Quarterly, detailed: 9 rows of 5 operators in 2024; 2023's two rows
	// are two operators' — suppressed, as is every cell of fewer than 3.
	q := map[int]*int{}
	for _, y := range st.Quarterly {
		q[y.FiscalYear] = y.Count
	}
	assert.Equal(t, n(9), q[2024])
	assert.Nil(t, q[2023])
	assert.Equal(t, n(0), q[2022])
	cells := func(list []report.Cell) map[string]*int {
		out := map[string]*int{}
		for _, c := range list {
			out[c.Key] = c.Count
		}
		return out
	}
	// Human errors are one operator's two rows: shown beside the total of 9
	// and external's 3, they would be 9 − 4 − 3. External's goes with
	// them (the smallest shown), so neither can be worked out.
	assert.Equal(t, map[string]*int{"equipment": n(4), "human": nil, "external": nil}, cells(st.QuarterlyCause))
	// 6–12 h and 24 h+ are one row each: two withheld cells adding up to
	// 2 (9 less the shown) would be 1 each, so under 1 h's 3 goes too.
	assert.Equal(t, map[string]*int{"under_1h": nil, "1h_2h": n(0), "2h_3h": n(4), "3h_6h": n(0), "6h_12h": nil,
		"12h_24h": n(0), "24h_plus": nil}, cells(st.QuarterlyDuration))
	assert.Equal(t, map[string]*int{"under_5k": nil, "5k_30k": n(0), "30k_100k": n(4), "100k_1m": nil, "1m_plus": nil},
		cells(st.QuarterlyUsers))
	for _, x := range st.QuarterlyByCause {
		if x.Key == "equipment" {
			assert.Nil(t, x.Values[8], "2023: one operator's row")
			assert.Equal(t, n(4), x.Values[9])
		}
	}
	// Simple form: 42 failures of 4 operators; DSLAM and every quarter
	// are one or two operators' counts.
	assert.Equal(t, n(42), st.Simple)
	// DSLAM's alone would be 42 − 35: base stations' are withheld with it.
	assert.Equal(t, map[string]*int{"base_station": nil, "remote_terminal": n(0), "dslam": nil}, cells(st.SimpleEquipment))
	assert.Equal(t, map[string]*int{"1": nil, "2": nil, "3": nil, "4": n(0)}, cells(st.SimpleQuarter))
	// The five operators of the quarterly reports and NTT West (FX-3).
	assert.Equal(t, 6, st.ReportingOperators)
	assert.Equal(t, 2, st.NearMisses)
	assert.Equal(t, 1, st.NearMissesPublished)

	// Published serious accidents only; FX-3 is named for the editors.
	require.Len(t, r.Serious, 2)
	assert.Equal(t, "FX-1", r.Serious[0].Ref)
	assert.Equal(t, []string{"KDDI株式会社"}, r.Serious[0].Operators)
	assert.Equal(t, "設備要因", r.Serious[0].Cause.JA)
	assert.Equal(t, "2019", r.Serious[0].RuleSet)
	assert.Equal(t, 336.0, *r.Serious[0].DurationMinutes)
	assert.Equal(t, "FX-2", r.Serious[1].Ref)
	assert.Len(t, r.Serious[1].Lessons, 2)
	assert.Equal(t, []string{"FX-3"}, notes.UnpublishedSerious)
	assert.Equal(t, 1, notes.UnapprovedNearMiss)

	require.Len(t, r.NearMisses, 1)
	assert.Equal(t, "2024-09", r.NearMisses[0].Month)
	assert.Equal(t, "failover_failure", r.NearMisses[0].Situation.Key)
	assert.NotContains(t, r.NearMisses[0].Text, "楽天")

	themes := map[string][2][]string{}
	for _, th := range r.Lessons {
		var nw, rec []string
		for _, l := range th.New {
			nw = append(nw, fmt.Sprintf("%s:%d", l.ID, l.Cases))
		}
		for _, l := range th.Recurring {
			rec = append(rec, fmt.Sprintf("%s:%d", l.ID, l.Cases))
		}
		themes[th.Key] = [2][]string{nw, rec}
	}
	assert.Equal(t, map[string][2][]string{
		"capacity_planning": {{"CAP-2024-01:1"}, {"CAP-01:1"}},
		"work_procedures":   {nil, {"PROC-01:1", "PROC-02:2"}},
	}, themes)

	require.Len(t, r.Guidance, 1)
	assert.Equal(t, report.Guidance{IssuedOn: "2024-09-01", Organisation: "株式会社NTTドコモ", Reference: "総基安第1号",
		Measures: "再発防止策の徹底と報告", CaseRef: "FX-2"}, r.Guidance[0])
	require.Len(t, r.Surveys, 1)
}

// The same data and text build the same bytes, whenever it is built.
func TestBuildIsDeterministic(t *testing.T) {
	s := fixture(t)
	b := builder(t, s)
	in := report.Input{FiscalYear: 2024, Edition: 1, Foreword: "はじめに"}
	r1, _, err := b.Build(context.Background(), in, nil)
	require.NoError(t, err)
	r2, _, err := b.Build(context.Background(), in, nil)
	require.NoError(t, err)
	j1, err := report.Encode(r1)
	require.NoError(t, err)
	j2, err := report.Encode(r2)
	require.NoError(t, err)
	assert.Equal(t, string(j1), string(j2))
	out := &report.Outputs{}
	x1, err := out.XLSX(r1)
	require.NoError(t, err)
	x2, err := out.XLSX(r2)
	require.NoError(t, err)
	assert.Equal(t, report.HashOf(x1), report.HashOf(x2), "the workbook too, byte for byte")
	golden := filepath.Join("testdata", "fixture-2024.json")
	if os.Getenv("KENSHO_UPDATE_GOLDEN") != "" {
		require.NoError(t, os.WriteFile(golden, j1, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(j1))
}
