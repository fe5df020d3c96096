package webui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/stacktest"
)

// An expert assigned to a case opens it from the queue, fills the
// annotation — classification, assessment, additional measures — links a
// lesson of the catalogue and proposes a new one (rows added by htmx),
// and submits; the secretariat then consolidates the panel's annotations
// and finalises the committee's result, and the lesson's count of linked
// cases on /lessons goes up by one. The expert workspace, filled in, is the
// README's screenshot.
func TestBrowserExpertAnnotatesAndSecretariatFinalises(t *testing.T) {
	s := stacktest.New(t)
	id := underReview(t, s)
	ctx := context.Background()
	before, err := s.Stack.Review.LessonByID(ctx, secretariat(t, s), "TEST-01")
	require.NoError(t, err)
	var fy int
	require.NoError(t, s.DB.Raw("SELECT fiscal_year FROM cases WHERE id = ?", id).Scan(&fy).Error)
	c := newChrome(t, s)

	ex := c.tab()
	c.login(ex, "expert")
	require.EqualValues(t, 200, c.open(ex, "/review"))
	assert.Contains(t, c.text(ex, "table.queue"), "DEMO-Q-2026-01")
	require.EqualValues(t, 200, c.submit(ex, fmt.Sprintf(`table.queue a[href="/cases/%d/review"]`, id)))
	assert.Contains(t, c.text(ex, "h1"), "DEMO-Q-2026-01 の検証作業")
	assert.Contains(t, c.text(ex, "#case-overview"), "KDDI株式会社")

	c.set(ex, "ann-cause-class", "equipment")
	c.set(ex, "ann-archetype", "software_bug")
	c.tick(ex, "ann-prevention-partly")
	prevention := "ソフトウェア更新時の切替試験が商用相当の負荷を想定しておらず、再発防止策は試験環境の見直しに触れていない。"
	c.set(ex, "ann-prevention-text", prevention)
	c.set(ex, "ann-measures", "商用相当の負荷で切替試験を行い、緊急通報の迂回手順を訓練すること。")

	// An existing lesson of the catalogue: a row added in place, the lesson
	// picked from the list grouped by theme, its text shown.
	c.do(ex, chromedp.Click(chromedp.ID("ann-add-link"), chromedp.NodeVisible))
	c.settle(ex)
	c.waitFor(ex, `document.getElementById('ann-lesson-0-id') !== null`)
	c.set(ex, "ann-lesson-0-id", "TEST-01")
	c.waitFor(ex, `document.getElementById('ann-lesson-0-text') !== null`)
	assert.Contains(t, c.text(ex, "#ann-lesson-0-text"), "初出")

	// A new lesson proposed, with its theme and text.
	c.do(ex, chromedp.Click(chromedp.ID("ann-add-proposal"), chromedp.NodeVisible))
	c.settle(ex)
	c.waitFor(ex, `document.getElementById('ann-lesson-1-theme') !== null`)
	assert.Equal(t, "TEST-01", c.value(ex, "ann-lesson-0-id"), "the row picked before stays")
	c.set(ex, "ann-lesson-1-theme", "first_notice")
	newJA := "緊急通報に影響する障害は、原因の特定を待たずに15分以内に第一報を出すこと。"
	newEN := "Give the first notice of an outage affecting emergency calls within 15 minutes, without waiting for the cause."
	c.set(ex, "ann-lesson-1-ja", newJA)
	c.set(ex, "ann-lesson-1-en", newEN)
	assert.Equal(t, prevention, c.value(ex, "ann-prevention-text"), "adding rows loses nothing typed")

	png := run(t, ex, chromedp.FullScreenshot(100))
	require.Greater(t, len(png), 10_000)
	dir := t.TempDir()
	if *screenshots {
		dir = filepath.Join("..", "..", "docs", "screenshots")
		require.NoError(t, os.MkdirAll(dir, 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "expert-workspace.png"), png, 0o644))

	require.EqualValues(t, 200, c.submit(ex, "#annotation-submit"))
	assert.Contains(t, c.text(ex, "main .flash"), "注釈を提出しました。")
	assert.Contains(t, c.text(ex, "#annotation .status-line"), "提出済み")

	// The secretariat consolidates: the panel's annotation side by side,
	// the tally, the result prefilled, the lessons to accept.
	sec := c.tab()
	c.login(sec, "secretariat")
	require.EqualValues(t, 200, c.open(sec, fmt.Sprintf("/cases/%d", id)))
	require.EqualValues(t, 200, c.submit(sec, "#case-verification-link"))
	assert.Contains(t, c.text(sec, "table.annotations"), prevention)
	assert.Contains(t, c.text(sec, "table.tally"), "ソフトウェア不具合 1票（expert）")
	assert.Equal(t, "software_bug", c.value(sec, "ver-archetype"))
	assert.Equal(t, "TEST-01", c.value(sec, "ver-lesson-0-id"))
	assert.Equal(t, newJA, c.value(sec, "ver-lesson-1-ja"))
	assert.Equal(t, newEN, c.value(sec, "ver-lesson-1-en"))
	assert.True(t, run(t, sec, chromedp.Evaluate[bool](`document.getElementById('ver-lesson-0-accept').checked`)))
	c.set(sec, "ver-findings", "ソフトウェア更新の試験範囲が不足し、緊急通報の迂回が遅れた。")
	require.EqualValues(t, 200, c.submit(sec, "#verification-finalise"))
	assert.Contains(t, c.text(sec, "main .flash"), "検証結果を確定しました。")
	newID := fmt.Sprintf("NTC-%d-01", fy)
	assert.Contains(t, c.text(sec, "#final-result"), newID)

	// The catalogue counts the case.
	require.EqualValues(t, 200, c.open(sec, "/lessons"))
	assert.Equal(t, fmt.Sprint(before.Cases+1), strings.TrimSpace(c.text(sec, "#lesson-TEST-01 td.cases")))
	assert.Equal(t, "1", strings.TrimSpace(c.text(sec, "#lesson-"+newID+" td.cases")))
	assert.Contains(t, c.text(sec, "#lesson-"+newID), newJA)
}
