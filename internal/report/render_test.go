package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// sampleReport loads testdata/sample-report.json: a full report of fiscal
// 2023 (ten trend years, four serious accidents, two near-misses, lessons
// new and recurring, a guidance record, a survey, suppressed cells).
func sampleReport(t testing.TB) *Report {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "sample-report.json"))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var r Report
	require.NoError(t, dec.Decode(&r), "testdata/sample-report.json")
	require.Equal(t, Format, r.Format)
	return &r
}

// outDir is where a test writes what a person should look at: a temp dir,
// or KENSHO_REPORT_OUT when set.
func outDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("KENSHO_REPORT_OUT"); d != "" {
		require.NoError(t, os.MkdirAll(d, 0o755))
		return d
	}
	return t.TempDir()
}

// An edition of a quiet year, with nothing in it yet, still renders: no
// chart, 「該当なし」 in every chapter, an empty workbook's headers.
func TestRenderEmptyReport(t *testing.T) {
	r := &Report{Format: Format, FiscalYear: 2024, Edition: 1, From: "2024-04-01", To: "2025-03-31",
		Statistics: Statistics{Years: []int{}, MinOperators: 3, Serious: []YearCount{}, SeriousByService: []Series{}, SeriousByCause: []Series{},
			Quarterly: []YearCount{}, QuarterlyByCause: []Series{}, QuarterlyCause: []Cell{}, QuarterlyDuration: []Cell{}, QuarterlyUsers: []Cell{},
			SimpleEquipment: []Cell{}, SimpleQuarter: []Cell{}},
		Serious: []SeriousAccident{}, NearMisses: []NearMiss{}, Lessons: []LessonTheme{}, Guidance: []Guidance{}, Surveys: []Survey{}}
	cs, err := Charts(r, LangJA)
	require.NoError(t, err)
	require.Empty(t, cs)
	body, err := Body(r, HTMLOptions{ChartURL: func(id string) string { return "/c/" + id }})
	require.NoError(t, err)
	require.Contains(t, string(body), "電気通信事故に関する検証報告（令和6年度）")
	require.Contains(t, string(body), "該当なし。")
	_, err = Document(r, HTMLOptions{})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, XLSX(r, &b))
}
