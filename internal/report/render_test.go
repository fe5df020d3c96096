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
