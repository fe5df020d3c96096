package webui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The secretariat triages a case filed through the portal in a real
// browser: from the navigation to the desk, the case's triage page, a
// decision to verify in depth, the proposed panel accepted — and the
// panel's experts then have the case in their queue. Then it asks the LLM
// for a second opinion on another case and watches the block poll until
// the answer is in.
func TestBrowserTriage(t *testing.T) {
	s, srv := llmStack(t)
	ctx := context.Background()
	c := newChrome(t, s)
	id := s.Cases["DEMO-Q-2026-01"] // KDDI's emergency-call outage, awaiting triage
	start := time.Now()

	sec := c.tab()
	c.login(sec, "secretariat")
	assert.Contains(t, c.text(sec, "#home-triage"), "トリアージ待ちの事案 4件")
	require.EqualValues(t, 200, c.submit(sec, `header.site nav a[href="/triage"]`))
	assert.Equal(t, "トリアージ", c.text(sec, "h1"))
	assert.Equal(t, 4, run(t, sec, chromedp.Evaluate[int](`document.querySelectorAll('#desk tbody tr').length`)))
	assert.Contains(t, c.text(sec, fmt.Sprintf(`tr[data-case="%d"]`, id)), "重大な事故")

	// The README's screenshot: the desk as the secretariat sees it.
	png := run(t, sec, chromedp.FullScreenshot(100))
	require.Greater(t, len(png), 10_000)
	dir := t.TempDir()
	if *screenshots {
		dir = filepath.Join("..", "..", "docs", "screenshots")
		require.NoError(t, os.MkdirAll(dir, 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "triage.png"), png, 0o644))

	require.EqualValues(t, 200, c.submit(sec, fmt.Sprintf(`tr[data-case="%d"] a.case-ref`, id)))
	assert.True(t, strings.HasSuffix(run(t, sec, chromedp.Location()), fmt.Sprintf("/cases/%d/triage", id)))
	assert.Contains(t, c.text(sec, "#verdict"), "重大な事故")
	assert.Contains(t, c.text(sec, "#deadlines + table"), "KDDI株式会社")

	c.do(sec,
		chromedp.Click(chromedp.ID("depth-in_depth"), chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.ID("reason"), "緊急通報への影響が大きく、似た過去事案が少ないため"),
	)
	require.EqualValues(t, 200, c.submit(sec, "#decide"))
	assert.Contains(t, run(t, sec, chromedp.Location()), fmt.Sprintf("/cases/%d/panel?done=triaged", id))
	assert.Contains(t, c.text(sec, "main .flash"), "検証の深さを決定しました。")
	logins := func(sel string) []string {
		return run(t, sec, chromedp.Evaluate[[]string](`[...document.querySelectorAll('`+sel+` tbody tr')].map(r => r.dataset.login)`))
	}
	assert.Equal(t, []string{"expert", "expert-consumer"}, logins("#proposal-table"))
	assert.Contains(t, c.text(sec, "#excluded"), "KDDI株式会社", "the conflicted expert is shown as excluded")

	require.EqualValues(t, 200, c.submit(sec, "#panel-accept"))
	assert.Contains(t, c.text(sec, "main .flash"), "この構成で検証体制を決定しました。")
	assert.Equal(t, []string{"expert", "expert-consumer"}, logins("#member-table"))
	for _, login := range []string{"expert", "expert-consumer"} {
		p, err := s.Identity.ByLogin(ctx, login)
		require.NoError(t, err)
		q, err := s.Review.Queue(ctx, p.Subject, p.UserID, false)
		require.NoError(t, err)
		require.NotEmpty(t, q.Items, login)
		assert.Equal(t, "DEMO-Q-2026-01", q.Items[0].Case.Ref, login)
		assert.Equal(t, "in_depth", q.Items[0].Depth, login)
	}

	// The second opinion on a published case: asked in place, pending,
	// polled by htmx until the job has the answer.
	require.EqualValues(t, 200, c.open(sec, fmt.Sprintf("/cases/%d/triage", s.Cases["2018-001"])))
	c.do(sec, chromedp.Click(chromedp.ID("opinion-ask"), chromedp.NodeVisible))
	c.waitFor(sec, `document.querySelector('#opinion-latest')?.dataset.status === 'pending'`)
	assert.Contains(t, c.text(sec, "#opinion"), "回答を待っています")
	assert.Zero(t, srv.Requests())
	startJobs(t, s)
	_, err := chromedp.Run(sec, chromedp.Poll[bool](`document.querySelector('#opinion-latest')?.dataset.status === 'done'`,
		chromedp.WithPollingTimeout(60*time.Second)))
	require.NoError(t, err, "the block polled until the answer came")
	block := c.text(sec, "#opinion")
	assert.Contains(t, block, "機械（大規模言語モデル）による参考意見")
	assert.Contains(t, block, "予備系への切替えが行われなかった点が新しい。")
	assert.Contains(t, c.text(sec, "#opinion-source"), "testllm")
	assert.NotContains(t, run(t, sec, chromedp.Location()), "done=", "htmx swapped the block: no page load")
	c.noCSPViolations(sec)
	t.Logf("triage flow in %s", time.Since(start).Round(time.Millisecond))
}
