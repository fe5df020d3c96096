package app_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// `kensho demo report` publishes the demo's fiscal 2020 report once, with
// its follow-up survey; `kensho report build` builds a year into files
// with the same content hash as the published edition's, whatever the day.
func TestDemoReportAndBuildCommand(t *testing.T) {
	c := newCLI(t)
	c.ok("", "migrate")
	c.ok("", "policy", "load")
	c.ok("", "demo", "seed")
	out := c.ok("", "demo", "report")
	assert.Contains(t, out, "Published the demo annual report of fiscal 2020: /reports/2020")
	assert.Empty(t, c.ok("", "demo", "report"), "nothing twice")

	dir := t.TempDir()
	var res struct {
		Files         []string `json:"files"`
		ContentSHA256 string   `json:"content_sha256"`
		Millis        int64    `json:"ms"`
		Notes         struct {
			UnpublishedSerious []string `json:"unpublished_serious"`
		} `json:"notes"`
		Findings []struct {
			Blocking bool `json:"blocking"`
		} `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(c.ok("", "report", "build", "--fy", "2020", "--no-pdf", "-o", dir)), &res))
	assert.Len(t, res.ContentSHA256, 64)
	assert.Len(t, res.Files, 3, "json, xlsx, html; no pdf")
	assert.Empty(t, res.Notes.UnpublishedSerious, "the demo published the year's serious accidents")
	for _, f := range res.Findings {
		assert.False(t, f.Blocking)
	}
	var rep struct {
		Format  string `json:"format"`
		Surveys []struct {
			Lessons []struct {
				Class string `json:"class"`
			} `json:"lessons"`
		} `json:"surveys"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &rep))
	assert.Equal(t, "kensho-annual-report/v1", rep.Format)
	require.Len(t, rep.Surveys, 1)
	assert.Equal(t, "both", rep.Surveys[0].Lessons[0].Class)

	_, _, err = c.run("", "report", "build")
	assert.ErrorContains(t, err, "--fy")
}
