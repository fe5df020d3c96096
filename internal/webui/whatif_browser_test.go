package webui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/stacktest"
)

// The what-if page in a browser: the form's pull-downs, the table with
// the differences in colour (from /static, under the CSP), a changed case
// followed to its page.
func TestBrowserWhatIf(t *testing.T) {
	s := stacktest.New(t)
	c := newChrome(t, s)
	sec := c.tab()
	c.login(sec, "secretariat")
	require.EqualValues(t, 200, c.open(sec, "/home"))
	require.EqualValues(t, 200, c.submit(sec, `header a[href="/whatif"]`), "the header's link")
	c.do(sec,
		chromedp.SetValue(chromedp.ID("wi-rules"), "2008"),
		chromedp.SetValue(chromedp.ID("wi-from"), "2015"),
		chromedp.SetValue(chromedp.ID("wi-to"), "2020"),
	)
	require.EqualValues(t, 200, c.submit(sec, "#whatif-run"))
	loc := run(t, sec, chromedp.Location())
	assert.Contains(t, loc, "rules=2008")
	assert.Contains(t, loc, "from_fy=2015")

	row := c.text(sec, "#fy-2015")
	assert.Contains(t, row, "平成27年度(2015年度)")
	assert.Contains(t, row, "−2 (8)")
	assert.Contains(t, row, "2015-001")
	assert.Contains(t, c.text(sec, "#fy-average"), "−0.5 (4.7)")
	colour := run(t, sec, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('#fy-2015 td.diff')).color`))
	assert.Equal(t, "rgb(27, 122, 58)", colour, "a drop is green, from whatif.css")
	href := run(t, sec, chromedp.Evaluate[string](`document.querySelector('#whatif-xlsx').getAttribute('href')`))
	assert.Equal(t, "/whatif.xlsx?from_fy=2015&rules=2008&to_fy=2020", href)

	png := run(t, sec, chromedp.FullScreenshot(100))
	require.Greater(t, len(png), 10_000)
	dir := t.TempDir()
	if *screenshots {
		dir = filepath.Join("..", "..", "docs", "screenshots")
		require.NoError(t, os.MkdirAll(dir, 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "whatif.png"), png, 0o644))

	require.EqualValues(t, 200, c.submit(sec, `#fy-2015 td.removed a`))
	assert.True(t, strings.HasSuffix(run(t, sec, chromedp.Location()), casePath(s, "2015-001")))
}
