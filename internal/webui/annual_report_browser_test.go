package webui_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/stacktest"
)

// The annual report from start to publication on the pages: the editor
// starts the fiscal 2020 edition and watches it build, sends it to review
// and comments; the secretariat approves; the editor publishes; the public
// reads it — and saw nothing before.
func TestBrowserAnnualReportReviewApprovePublish(t *testing.T) {
	s := stacktest.New(t)
	startJobs(t, s)
	var ids []int64
	require.NoError(t, s.DB.Raw(`SELECT id FROM cases WHERE kind = 'accident' AND fiscal_year = 2020 AND published_at IS NULL`).Scan(&ids).Error)
	for _, id := range ids {
		code, body := s.Do(t, "secretariat", "POST", fmt.Sprintf("/api/v1/cases/%d/publish", id), "")
		require.Equal(t, 200, code, body)
	}
	c := newChrome(t, s)

	ed := c.tab()
	c.login(ed, "editor")
	require.EqualValues(t, 200, c.open(ed, "/reports/editions"))
	c.do(ed,
		chromedp.SetValue(chromedp.ID("fiscal_year"), "2020"),
		chromedp.SendKeys(chromedp.ID("foreword"), "令和2年度に発生した重大な事故の検証結果を取りまとめました。"),
	)
	require.EqualValues(t, 200, c.submit(ed, "#edition-create-submit"))
	assert.Contains(t, c.text(ed, "main .flash"), "版を作成しました")
	edition := run(t, ed, chromedp.Location())
	// The build's block polls until the build ends, then the page reloads.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		done, err := chromedp.Run(ed, chromedp.Evaluate[bool](`document.querySelector('#build-done') !== null`))
		if err == nil && done {
			break
		}
		require.True(t, time.Now().Before(deadline), "the build ends")
		time.Sleep(200 * time.Millisecond) // the page reloads itself when it ends
	}
	c.noCSPViolations(ed)
	hash := c.text(ed, "#build #content-hash")
	assert.Len(t, hash, 64)
	assert.Contains(t, c.text(ed, "#scan"), "公表を妨げる記載は見つかりませんでした")
	assert.Contains(t, c.text(ed, "#preview"), "重大な事故")
	assert.Contains(t, c.text(ed, "#stepper [aria-current=step]"), "下書き")

	public := c.tab()
	assert.EqualValues(t, 404, c.open(public, "/reports/2020"), "a draft is not public")

	require.EqualValues(t, 200, c.submit(ed, "#do-submit"))
	assert.Contains(t, c.text(ed, "main .flash"), "レビューに回しました")
	assert.Contains(t, c.text(ed, "#stepper [aria-current=step]"), "レビュー中")
	c.do(ed, chromedp.SendKeys(chromedp.ID("body"), "第2章の図の注記を確認しました。"))
	require.EqualValues(t, 200, c.submit(ed, "#do-comment"))
	assert.Contains(t, c.text(ed, "#comments"), "第2章の図の注記を確認しました。")
	assert.Zero(t, run(t, ed, chromedp.Evaluate[int](`document.querySelectorAll('#do-approve').length`)), "editors do not approve")
	shot := func(ctx context.Context, name string) {
		c.do(ctx, chromedp.EmulateViewport(1280, 1500))
		run(t, ctx, chromedp.Evaluate[bool](`window.scrollTo(0, 0); true`))
		png := run(t, ctx, chromedp.CaptureScreenshot())
		dir := t.TempDir()
		if *screenshots {
			dir = filepath.Join("..", "..", "docs", "screenshots")
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), png, 0o644))
	}
	shot(ed, "report-edition.png")

	sec := c.tab()
	c.login(sec, "secretariat")
	require.EqualValues(t, 200, c.open(sec, strings.TrimPrefix(edition, s.Server.URL)))
	assert.Contains(t, c.text(sec, "#comments"), "編集 次郎")
	require.EqualValues(t, 200, c.submit(sec, "#do-approve"))
	assert.Contains(t, c.text(sec, "main .flash"), "承認しました")
	assert.EqualValues(t, 404, c.open(public, "/reports/2020"), "approved is not yet public")

	require.EqualValues(t, 200, c.open(ed, strings.TrimPrefix(edition, s.Server.URL)))
	require.EqualValues(t, 200, c.submit(ed, "#do-publish"))
	assert.Contains(t, c.text(ed, "main .flash"), "公表しました")

	require.EqualValues(t, 200, c.open(public, "/reports/2020"))
	assert.Equal(t, hash, c.text(public, "#content-hash"), "the published page shows the content hash built and reviewed")
	page := c.text(public, "#annual-report")
	for _, h := range []string{"重大な事故", "おそれ事態", "教訓", "行政指導"} {
		assert.Contains(t, page, h)
	}
	assert.Contains(t, page, "令和2年", "dates in 和暦")
	c.waitFor(public, `[...document.querySelectorAll('#annual-report img')].every(i => i.complete && i.naturalWidth > 0)`)
	assert.Positive(t, run(t, public, chromedp.Evaluate[int](`document.querySelectorAll('#annual-report img').length`)), "charts")
	c.noCSPViolations(public)

	res, err := http.Get(s.Server.URL + "/reports/2020/report.pdf")
	require.NoError(t, err)
	pdf, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	assert.True(t, strings.HasPrefix(string(pdf), "%PDF"))
	assert.NotEmpty(t, res.Header.Get("X-Content-SHA256"))

	// The README's screenshots: the edition in review as the editor works
	// on it (above), the public page as a reader lands on it.
	shot(public, "annual-report.png")
}
