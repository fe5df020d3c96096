package webui_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/jpdate"
	"kensho/internal/stacktest"
	"kensho/internal/survey"
)

// A reporter answers a survey in Chromium: the effect question shows for
// an implemented answer and steps back for the others (CSS only, under the
// CSP), a forgotten effect comes back next to its lesson with the choices
// kept, and the answers are sent.
func TestBrowserSurveyAnswer(t *testing.T) {
	s := stacktest.New(t)
	ctx := context.Background()
	sec := secretariat(t, s)
	sv, err := s.Surveys.Create(ctx, sec, survey.CreateInput{FiscalYear: jpdate.FiscalYear(time.Now()), Title: "教訓の実施状況調査",
		Lessons: []string{"CAP-01", "PROC-01"}, Recipients: []int64{orgID(t, s, "KDDI株式会社")}})
	require.NoError(t, err)
	_, err = s.Surveys.Open(ctx, sec, sv.ID, sv.Version)
	require.NoError(t, err)

	c := newChrome(t, s)
	k := c.tab()
	c.login(k, "kddi")
	require.EqualValues(t, 200, c.open(k, "/home"))
	assert.Contains(t, c.text(k, "#home-surveys"), "未回答のフォローアップ調査が1件あります")
	require.EqualValues(t, 200, c.open(k, fmt.Sprintf("/surveys/%d/answer", sv.ID)))
	shown := func(id string) bool {
		return run(t, k, chromedp.Evaluate[bool](fmt.Sprintf(`getComputedStyle(document.getElementById(%q)).display !== 'none'`, id)))
	}
	assert.True(t, shown("effective-CAP-01"), "asked until a status says otherwise")
	c.do(k, chromedp.Click(chromedp.ID("st-CAP-01-newly_done"), chromedp.NodeVisible), chromedp.Click(chromedp.ID("st-PROC-01-planned"), chromedp.NodeVisible))
	assert.True(t, shown("effective-CAP-01"), "newly done: was it effective?")
	assert.False(t, shown("effective-PROC-01"), "planned: nothing to be effective")

	require.EqualValues(t, 422, c.submit(k, "#answer-submit"))
	assert.Contains(t, c.text(k, "#effective-error-CAP-01"), "有効だったかどうかを選んでください。")
	assert.True(t, run(t, k, chromedp.Evaluate[bool](`document.getElementById('st-CAP-01-newly_done').checked && document.getElementById('st-PROC-01-planned').checked`)),
		"the choices are kept")
	c.do(k, chromedp.Click(chromedp.ID("ef-CAP-01-yes"), chromedp.NodeVisible))
	require.EqualValues(t, 200, c.submit(k, "#answer-submit"))
	assert.Contains(t, c.text(k, "main .flash"), "回答を送信しました。")

	got, err := s.Surveys.Get(ctx, sec, sv.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, got.Lessons[0].Effective)
	assert.Equal(t, 1, got.Lessons[1].Planned)
}
