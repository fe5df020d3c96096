package webui_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"kensho/internal/quarterly"
	"kensho/internal/stacktest"
)

const quarterlyHead = "organisation,fiscal_year,quarter,form,equipment_type,prefecture,count,ref,occurred_at,recovered_at,service,users,duration_minutes,cause_class,cause_archetype,summary\n"

// quarterlyGood is two of a reporter's own rows, in Q1 of last fiscal
// year (within the page's summary whatever today is); quarterlyBad adds a
// row with an unknown prefecture (row 4).
var (
	lastFY, _     = quarterly.QuarterOf(time.Now().AddDate(-1, 0, 0))
	fyText        = strconv.Itoa(lastFY)
	quarterlyGood = quarterlyHead +
		"," + fyText + ",1,simple,base_station,tokyo,12,,,,,,,,,\n" +
		"," + fyText + ",1,detailed,switching,nationwide,,K-1," + fyText + "-05-01 10:00," + fyText + "-05-01 12:30,voice,35000,,equipment,software_bug,交換機の不具合\n"
	quarterlyBad = quarterlyGood + "," + fyText + ",1,simple,dslam,大坂府,1,,,,,,,,,\n"
)

func quarterlyRows(t *testing.T, s *stacktest.Stack) int64 {
	t.Helper()
	var n int64
	require.NoError(t, s.DB.Raw("SELECT count(*) FROM quarterly_rows").Scan(&n).Error)
	return n
}

// upload posts a file through the page's form, with the page's token.
func (b *browser) upload(path, name, data string) response {
	b.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	require.NoError(b.t, w.WriteField("_csrf", b.csrf))
	part, err := w.CreateFormFile("file", name)
	require.NoError(b.t, err)
	_, err = part.Write([]byte(data))
	require.NoError(b.t, err)
	require.NoError(b.t, w.Close())
	req, err := http.NewRequest(http.MethodPost, b.base+path, &buf)
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func TestQuarterlyPage(t *testing.T) {
	s := stacktest.New(t)
	kddi := signedIn(t, s, "kddi")
	r := kddi.get("/quarterly")
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Contains(t, r.Body, `href="/quarterly/template.xlsx"`)
	assert.Contains(t, r.Body, `<progress id="quarterly-progress"`)
	assert.Contains(t, r.Body, "KDDI株式会社の提出状況")
	assert.Contains(t, r.Body, "第1四半期")
	assert.Contains(t, r.Body, `href="/quarterly" aria-current="page"`, "in the navigation")

	r = kddi.upload("/quarterly/uploads", "bad.csv", quarterlyBad)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, "4行目「都道府県」")
	assert.Contains(t, r.Body, "次のいずれかを指定してください: 全国、北海道")
	assert.Zero(t, quarterlyRows(t, s), "nothing written")

	r = kddi.upload("/quarterly/uploads", "good.csv", quarterlyGood)
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Contains(t, r.Body, `<td class="num" id="quarterly-added">2</td>`)
	assert.Contains(t, r.Body, "「good.csv」を登録しました。")
	r = kddi.upload("/quarterly/uploads", "good.csv", quarterlyGood)
	assert.Contains(t, r.Body, `<td class="num" id="quarterly-unchanged">2</td>`)
	assert.Contains(t, r.Body, "すべて登録済み")
	assert.EqualValues(t, 2, quarterlyRows(t, s))

	r = kddi.upload("/quarterly/uploads", "other.csv", quarterlyHead+"ドコモ,"+fyText+",1,simple,dslam,tokyo,1,,,,,,,,,\n")
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, "2行目「事業者名」")
	assert.Contains(t, r.Body, "自社(KDDI株式会社)の行のみ登録できます。")

	// Without the form token: refused.
	token := kddi.csrf
	kddi.csrf = "wrong"
	r = kddi.upload("/quarterly/uploads", "good.csv", quarterlyGood)
	assert.Equal(t, http.StatusForbidden, r.Status)
	kddi.csrf = token

	r = kddi.get("/quarterly/template.xlsx")
	require.Equal(t, http.StatusOK, r.Status)
	f, err := excelize.OpenReader(strings.NewReader(r.Body))
	require.NoError(t, err)
	require.NoError(t, f.Close())

	sec := signedIn(t, s, "secretariat")
	r = sec.get("/quarterly")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "提出状況(全事業者)")
	for _, login := range []string{"expert", "auditor", "admin"} {
		b := signedIn(t, s, login)
		assert.Equal(t, http.StatusForbidden, b.get("/quarterly").Status, login)
		assert.NotContains(t, b.get("/home").Body, `href="/quarterly"`, login)
	}
	assert.Equal(t, http.StatusSeeOther, newBrowser(t, s).get("/quarterly").Status, "anonymous: to the login form")
}

// A reporter uploads a CSV with one bad row in a real browser: the page's
// script sends it with a progress bar, the row and column are named in
// Japanese, and nothing is written; the corrected file then goes in.
func TestBrowserQuarterlyUpload(t *testing.T) {
	s := stacktest.New(t)
	c := newChrome(t, s)
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "bad.csv"), filepath.Join(dir, "good.csv")
	require.NoError(t, os.WriteFile(bad, []byte("\ufeff"+quarterlyBad), 0o600))
	require.NoError(t, os.WriteFile(good, []byte(quarterlyGood), 0o600))

	tab := c.tab()
	c.login(tab, "kddi")
	require.EqualValues(t, 200, c.open(tab, "/quarterly"))
	start := run(t, tab, chromedp.Location())
	c.do(tab,
		chromedp.SetUploadFiles(chromedp.ID("quarterly-file"), []string{bad}),
		chromedp.Click(chromedp.ID("quarterly-submit"), chromedp.NodeVisible),
	)
	c.waitFor(tab, `document.querySelector('#quarterly-errors') !== null`)
	errs := c.text(tab, "#quarterly-errors")
	assert.Contains(t, errs, "4行目「都道府県」")
	assert.Contains(t, errs, "次のいずれかを指定してください")
	assert.Contains(t, c.text(tab, "#quarterly-result .form-error"), "何も登録していません")
	assert.Equal(t, start, run(t, tab, chromedp.Location()), "the script swapped the result in: no page load")
	assert.True(t, run(t, tab, chromedp.Evaluate[bool](`document.getElementById('quarterly-progress').hidden`)), "the progress bar is put away")
	assert.Zero(t, quarterlyRows(t, s), "nothing was written")
	c.noCSPViolations(tab)

	c.do(tab,
		chromedp.SetUploadFiles(chromedp.ID("quarterly-file"), []string{good}),
		chromedp.Click(chromedp.ID("quarterly-submit"), chromedp.NodeVisible),
	)
	c.waitFor(tab, `document.querySelector('#quarterly-added') !== null`)
	assert.Equal(t, "2", c.text(tab, "#quarterly-added"))
	assert.Contains(t, c.text(tab, "#quarterly-summary"), "提出済")
	assert.EqualValues(t, 2, quarterlyRows(t, s))
	c.noCSPViolations(tab)

	ctx, cancel := context.WithTimeout(tab, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.Greater(t, len(png), 10_000)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "quarterly.png"), png, 0o644))
	if p := os.Getenv("KENSHO_QUARTERLY_SCREENSHOT"); p != "" {
		require.NoError(t, os.WriteFile(p, png, 0o644))
	}
}
