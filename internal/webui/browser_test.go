package webui_test

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/stacktest"
)

// -screenshots writes the README's screenshot to docs/screenshots; without
// it the screenshot is still taken (and checked) but goes to a temp dir, so
// that a test run leaves the work tree clean.
var screenshots = flag.Bool("screenshots", false, "write docs/screenshots/case-page.png")

// chromiumPath finds the browser. It does not skip when there is none:
// CI installs Chromium (.ci/run), so a missing browser is a broken machine
// and must fail loudly rather than pass without testing the pages.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("KENSHO_CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("browser tests need Chromium and none was found (looked for /usr/bin/chromium and chromium, chromium-browser, " +
		"google-chrome on PATH; KENSHO_CHROMIUM names another). Install it with `apt-get install -y chromium fonts-noto-cjk` " +
		"— .ci/run does this on CI.")
	return ""
}

// chrome is one headless Chromium for a test; each tab() is a fresh
// browser context with cookies of its own, like another person's browser.
type chrome struct {
	t    *testing.T
	root context.Context
	base string
}

// newChrome starts Chromium for the test and closes it at the end.
func newChrome(t *testing.T, s *stacktest.Stack) *chrome {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("lang", "ja-JP"),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	root, cancelRoot := chromedp.NewContext(alloc)
	t.Cleanup(cancelRoot)
	require.NoError(t, chromedp.Do(root), "starting Chromium")
	return &chrome{t: t, root: root, base: s.Server.URL}
}

// cspProbe records Content-Security-Policy violations in every page of a
// tab: the pages must run with no inline script or style.
const cspProbe = `window.__csp = []; document.addEventListener('securitypolicyviolation',
	e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`

// tab opens a tab in a new browser context.
func (c *chrome) tab() context.Context {
	c.t.Helper()
	ctx, cancel := chromedp.NewContext(c.root, chromedp.WithNewBrowserContext())
	c.t.Cleanup(cancel)
	c.do(ctx, chromedp.Action[chromedp.Void](func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe})
		return chromedp.Void{}, err
	}))
	return ctx
}

func (c *chrome) do(ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	require.NoError(c.t, chromedp.Do(ctx, steps...))
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	require.NoError(t, err)
	return v
}

// open navigates to path and returns the HTTP status.
func (c *chrome) open(ctx context.Context, path string) int64 {
	c.t.Helper()
	res := run(c.t, ctx, chromedp.NavigateResponse(c.base+path))
	c.noCSPViolations(ctx)
	return res.Status
}

// submit clicks a submit button and waits for the page it loads.
func (c *chrome) submit(ctx context.Context, sel string) int64 {
	c.t.Helper()
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	require.NoError(c.t, err, sel)
	c.noCSPViolations(ctx)
	return res.Status
}

// waitFor polls a JavaScript condition (an htmx swap has no page load).
func (c *chrome) waitFor(ctx context.Context, cond string) {
	c.t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(10*time.Second)))
	require.NoError(c.t, err, cond)
}

func (c *chrome) text(ctx context.Context, sel string) string {
	c.t.Helper()
	return run(c.t, ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
}

func (c *chrome) noCSPViolations(ctx context.Context) {
	c.t.Helper()
	v := run(c.t, ctx, chromedp.Evaluate[[]string](`window.__csp || ['the CSP probe did not run']`))
	assert.Empty(c.t, v, "CSP violations")
}

// login signs in through the form, as a person would.
func (c *chrome) login(ctx context.Context, login string) {
	c.t.Helper()
	require.EqualValues(c.t, 200, c.open(ctx, "/login"))
	c.do(ctx,
		chromedp.SendKeys(chromedp.ID("login"), login),
		chromedp.SendKeys(chromedp.ID("password"), password(c.t, login)),
	)
	require.EqualValues(c.t, 200, c.submit(ctx, `main form button[type=submit]`))
	loc := run(c.t, ctx, chromedp.Location())
	require.True(c.t, strings.HasSuffix(loc, "/home"), "signed in as %s: at %s", login, loc)
}

func TestBrowserShareAndRevoke(t *testing.T) {
	s := stacktest.New(t)
	c := newChrome(t, s)
	path := casePath(s, "2020-001") // オプテージ's accident: not docomo's own
	start := time.Now()

	sec := c.tab()
	c.login(sec, "secretariat")
	require.EqualValues(t, 200, c.open(sec, path))
	assert.True(t, run(t, sec, chromedp.Evaluate[bool](`typeof htmx === 'object'`)), "htmx loaded from /static")
	c.do(sec,
		chromedp.SetValue(chromedp.ID("share-org"), "株式会社NTTドコモ"),
		chromedp.SendKeys(chromedp.ID("share-reason"), "指定公共機関間の情報共有会のため"),
		chromedp.Click(chromedp.ID("share-submit"), chromedp.NodeVisible),
	)
	c.waitFor(sec, `document.querySelector('#shares .flash') !== null`)
	shares := c.text(sec, "#shares table")
	assert.Contains(t, shares, "株式会社NTTドコモ")
	assert.Contains(t, shares, "指定公共機関間の情報共有会のため")
	assert.Contains(t, shares, "事務局 太郎 (secretariat)", "who shared")
	assert.NotContains(t, run(t, sec, chromedp.Location()), "done=", "htmx swapped the block: no page load")

	doc := c.tab()
	c.login(doc, "docomo")
	require.EqualValues(t, 200, c.open(doc, path))
	assert.Contains(t, c.text(doc, "#restricted"), "TLP:AMBER")
	assert.Contains(t, c.text(doc, "#restricted .marking"), "限定共有（指定公共機関）")
	n := run(t, doc, chromedp.Evaluate[int](`document.querySelectorAll('#committee, #own').length`))
	assert.Zero(t, n, "docomo sees neither the committee's part nor the operator's own")

	c.do(sec, chromedp.Click(chromedp.CSS(`#shares form[action$="/revoke"] button`), chromedp.NodeVisible))
	c.waitFor(sec, `document.querySelector('#shares table') === null && document.querySelector('#shares .flash') !== null`)
	assert.Contains(t, c.text(sec, "#shares .flash"), "共有を取り消しました。")

	assert.EqualValues(t, 404, c.open(doc, path))
	hidden := run(t, doc, chromedp.OuterHTML(chromedp.CSS("main")))
	assert.EqualValues(t, 404, c.open(doc, "/cases/999999999"))
	missing := run(t, doc, chromedp.OuterHTML(chromedp.CSS("main")))
	assert.Equal(t, missing, hidden, "a revoked case looks like one that does not exist")
	assert.Contains(t, hidden, "ページが見つかりません")

	// The README's screenshot: the case page as the secretariat sees it.
	require.EqualValues(t, 200, c.open(sec, casePath(s, "2019-001")))
	png := run(t, sec, chromedp.FullScreenshot(100))
	require.Greater(t, len(png), 10_000)
	dir := t.TempDir()
	if *screenshots {
		dir = filepath.Join("..", "..", "docs", "screenshots")
		require.NoError(t, os.MkdirAll(dir, 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "case-page.png"), png, 0o644))
	t.Logf("share/revoke flow in %s", time.Since(start).Round(time.Millisecond))
}

func TestBrowserAnonymiseAndPublish(t *testing.T) {
	s := stacktest.New(t)
	c := newChrome(t, s)
	path := casePath(s, "DEMO-NM-2024-001")

	sec := c.tab()
	c.login(sec, "secretariat")
	require.EqualValues(t, 200, c.open(sec, path))
	c.do(sec, chromedp.SetValue(chromedp.ID("anon-text"), "ドコモのパケット交換設備で設定の誤りがあり、工事手順の切り戻しで12分後に復旧した。"))
	require.EqualValues(t, 200, c.submit(sec, "#anon-save"))
	assert.Contains(t, c.text(sec, "main .flash"), "保存しました。")

	require.EqualValues(t, 422, c.submit(sec, "#anon-approve"))
	report := c.text(sec, "#leak-report")
	assert.Contains(t, report, "承認できません")
	assert.Contains(t, report, "株式会社NTTドコモ")
	marked := run(t, sec, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#leak-report .leak-text mark')].map(m => m.textContent)`))
	assert.Equal(t, []string{"ドコモ"}, marked)
	bg := run(t, sec, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('.leak-text mark')).backgroundColor`))
	assert.NotEqual(t, "rgba(0, 0, 0, 0)", bg, "the span is highlighted")

	fixed := "ある事業者のパケット交換設備で設定の誤りがあり、工事手順の切り戻しで12分後に復旧した。"
	c.do(sec, chromedp.SetValue(chromedp.ID("anon-text"), fixed))
	require.EqualValues(t, 200, c.submit(sec, "#anon-save"))
	require.EqualValues(t, 200, c.submit(sec, "#anon-approve"))
	assert.Contains(t, c.text(sec, "main .flash"), "承認し、公表しました。")
	assert.Contains(t, c.text(sec, "#anonymised"), fixed)

	public := c.tab()
	require.EqualValues(t, 200, c.open(public, "/near-misses"))
	body := c.text(public, "main")
	assert.Contains(t, body, fixed)
	assert.NotContains(t, body, "ドコモ")
}

func TestBrowserLanguageSwitch(t *testing.T) {
	s := stacktest.New(t)
	c := newChrome(t, s)
	tab := c.tab()
	c.login(tab, "expert")
	require.EqualValues(t, 200, c.open(tab, casePath(s, "2019-001")))
	lang := func() string { return run(t, tab, chromedp.Evaluate[string](`document.documentElement.lang`)) }
	assert.Equal(t, "ja", lang())
	assert.Contains(t, c.text(tab, "#committee .marking"), "検証会議限り")

	require.EqualValues(t, 200, c.submit(tab, "a.lang"))
	assert.Equal(t, "en", lang())
	assert.Contains(t, c.text(tab, "#committee .marking"), "Committee only")
	assert.Contains(t, c.text(tab, "#h-restricted"), "Detail")
	assert.True(t, strings.HasSuffix(run(t, tab, chromedp.Location()), casePath(s, "2019-001")), "back on the same page")

	require.EqualValues(t, 200, c.open(tab, "/cases"))
	assert.Equal(t, "Cases", c.text(tab, "h1"))
	require.EqualValues(t, 200, c.submit(tab, "a.lang"))
	assert.Equal(t, "ja", lang())
	assert.Equal(t, "事案一覧", c.text(tab, "h1"))
}
