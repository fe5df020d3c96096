package report

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBody(t *testing.T) {
	r := sampleReport(t)
	body, err := Body(r, HTMLOptions{Lang: "ja", ContentHash: "sha256:0123abcd", Status: "published",
		ChartURL: func(id string) string { return "/reports/2023/1/charts/" + id + ".svg" }})
	require.NoError(t, err)
	s := string(body)
	// The site's CSP: no inline style, no script.
	assert.NotContains(t, s, "style=")
	assert.NotContains(t, s, "<style")
	assert.NotContains(t, s, "<script")
	assert.NotRegexp(t, regexp.MustCompile(`(?i)\son[a-z]+=`), s, "no event handler attributes")
	assert.NotContains(t, s, "案 —", "a published edition has no draft banner")
	for _, want := range []string{
		"電気通信事故に関する検証報告（令和5年度）", "第1版", "sha256:0123abcd", "目次",
		"1 統計", "2 重大な事故", "3 おそれ事態", "4 教訓", "5 行政指導", "6 フォローアップ調査",
		// Dates in 和暦 with the Western year; the duration as h:mm.
		"令和5年(2023年)5月17日 9時05分", "2:42", "1,300,000人", "KDDI株式会社、沖縄セルラー電話株式会社",
		"令和5年(2023年)7月", // a near-miss: the month only
		"新規", "再発", "初出 平成27年度(2015年度)",
		"令和5年(2023年)9月15日", "総基安第123号",
		"実施率・有効率とも70%以上", "実施率のみ70%以上", "有効率のみ70%以上", "75.0%", "59.2%",
		"3者未満の事業者による集計値は公表しない",
		`<img src="/reports/2023/1/charts/serious-by-cause.svg"`,
	} {
		assert.Contains(t, s, want)
	}
	assert.Equal(t, 4, strings.Count(s, `ar-suppressed`), "every suppressed cell is 「—」")

	draft, err := Body(r, HTMLOptions{Status: StatusDraft})
	require.NoError(t, err)
	assert.Contains(t, string(draft), "案 — 公表前の案")
	assert.NotContains(t, string(draft), "<img", "no chart without ChartURL")

	en, err := Body(r, HTMLOptions{Lang: "en"})
	require.NoError(t, err)
	for _, want := range []string{"Report on the Verification of Telecommunications Accidents (FY2023)", "2 Serious accidents", "17 May 2023, 09:05 JST", "July 2023"} {
		assert.Contains(t, string(en), want)
	}
}

func TestDocument(t *testing.T) {
	r := sampleReport(t)
	o := HTMLOptions{Lang: "ja", ContentHash: "sha256:0123abcd", Status: StatusDraft}
	doc, err := Document(r, o)
	require.NoError(t, err)
	s := string(doc)
	assert.True(t, strings.HasPrefix(s, "<!DOCTYPE html>"))
	assert.Contains(t, s, "<style>")
	assert.Contains(t, s, "@page { size: A4")
	assert.Contains(t, s, `class="ar-watermark"`)
	assert.Len(t, regexp.MustCompile(`src="data:image/svg(\+|&#43;)xml;base64,`).FindAllString(s, -1), 6, "every chart inlined")
	// It loads nothing: no URL but the in-page anchors and data: URIs.
	assert.NotRegexp(t, regexp.MustCompile(`(?i)(src|href)="(https?:|//)`), s)
	assert.NotContains(t, s, "<script")
	again, err := Document(r, o)
	require.NoError(t, err)
	assert.Equal(t, doc, again, "the same report makes the same bytes")
	dir := outDir(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "report-ja.html"), doc, 0o644))
	en, err := Document(r, HTMLOptions{Lang: "en", ContentHash: "sha256:0123abcd"})
	require.NoError(t, err)
	assert.Contains(t, string(en), `<html lang="en">`)
	assert.NotContains(t, string(en), `class="ar-watermark"`, "a published edition has no watermark")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "report-en.html"), en, 0o644))
}

// The survey's threshold is data (configs/report.yaml): the class names,
// the chart's dashed line and the workbook follow the one the report was
// built with; an edition built before it was recorded reads as 70 %.
func TestSurveyThresholdInOutputs(t *testing.T) {
	assert.Equal(t, 0.7, Survey{}.ClassThreshold())
	assert.Equal(t, "62.5%", thresholdText(0.625))
	r := sampleReport(t)
	for i := range r.Surveys {
		r.Surveys[i].Threshold = 0.8
	}
	body, err := Body(r, HTMLOptions{Lang: "ja", ChartURL: func(id string) string { return id }})
	require.NoError(t, err)
	assert.Contains(t, string(body), "実施率・有効率とも80%以上")
	assert.NotContains(t, string(body), "70%以上")
	charts, err := Charts(r, LangEN)
	require.NoError(t, err)
	var survey *Chart
	for i := range charts {
		if strings.HasPrefix(charts[i].ID, "survey-") {
			survey = &charts[i]
		}
	}
	require.NotNil(t, survey)
	assert.Contains(t, survey.Note, "Dashed line: 80%.")
}
