package webui_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/quarterly"
	"kensho/internal/stacktest"
)

// simpleCounts is what the table holds on the simple form for Q1 of last
// fiscal year, by organisation name and key.
func simpleCounts(t *testing.T, s *stacktest.Stack) map[string]int64 {
	t.Helper()
	var rows []struct {
		Name  string
		Key   string
		Count int64
	}
	require.NoError(t, s.DB.Raw(`SELECT o.name, r.key, r.count FROM quarterly_rows r JOIN organisations o ON o.id = r.organisation_id
		WHERE r.form = 'simple' AND r.fiscal_year = ? AND r.quarter = 1`, lastFY).Scan(&rows).Error)
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Name+"/"+r.Key] = r.Count
	}
	return out
}

// countsForm is the grid's form for Q1 of last fiscal year with cells
// (count.<equipment>.<prefecture> → text).
func countsForm(cells map[string]string) url.Values {
	f := url.Values{"fiscal_year": {fyText}, "quarter": {"1"}}
	for k, v := range cells {
		f.Set("count."+k, v)
	}
	return f
}

// A reporter types its counts in the grid: they are filed through the
// upload (same rows, same audit), shown again in the cells, and the same
// counts twice change nothing; a bad cell is named and writes nothing.
func TestQuarterlyCountsForm(t *testing.T) {
	s := stacktest.New(t)
	kddi := signedIn(t, s, "kddi")
	assert.Contains(t, kddi.get("/quarterly").Body, `href="/quarterly/counts"`, "linked from the upload page")

	page := "/quarterly/counts?fiscal_year=" + fyText + "&quarter=1"
	r := kddi.get(page)
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Contains(t, r.Body, `<input type="number" min="0" step="1" inputmode="numeric" id="c-base_station-tokyo" name="count.base_station.tokyo" value=""`)
	assert.Contains(t, r.Body, `name="count.dslam.nationwide"`, "全国 is a row")
	assert.Contains(t, r.Body, `<th scope="row">全国</th>`)
	assert.Contains(t, r.Body, `<th scope="col">遠隔収容装置</th>`)
	assert.NotContains(t, r.Body, `count.switching.`, "only the simple form's equipment")
	due := quarterly.DueDate(lastFY, 1)
	assert.Contains(t, r.Body, "提出期限: 令和")
	assert.Contains(t, r.Body, "("+strconv.Itoa(due.Year())+"年)8月31日")
	assert.Contains(t, r.Body, "KDDI株式会社の簡易様式")

	r = kddi.post("/quarterly/counts", countsForm(map[string]string{"base_station.tokyo": "12", "dslam.nationwide": "0",
		"remote_terminal.osaka": ""}), "auto")
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Contains(t, r.Body, `<td class="num" id="counts-added">2</td>`)
	assert.Contains(t, r.Body, "件数を登録しました。")
	assert.Equal(t, map[string]int64{"KDDI株式会社/base_station:tokyo": 12, "KDDI株式会社/dslam:nationwide": 0}, simpleCounts(t, s),
		"0 is a count, an empty cell is not filed")
	var filename string
	require.NoError(t, s.DB.Raw("SELECT filename FROM quarterly_uploads ORDER BY id DESC LIMIT 1").Scan(&filename).Error)
	assert.Equal(t, "counts-form.json", filename)

	r = kddi.get(page)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, `id="c-base_station-tokyo" name="count.base_station.tokyo" value="12"`, "prefilled")
	assert.Contains(t, r.Body, `id="c-dslam-nationwide" name="count.dslam.nationwide" value="0"`)
	assert.Contains(t, r.Body, `id="c-dslam-tokyo" name="count.dslam.tokyo" value=""`)

	r = kddi.post("/quarterly/counts", countsForm(map[string]string{"base_station.tokyo": "12", "dslam.nationwide": "0"}), "auto")
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Contains(t, r.Body, `<td class="num" id="counts-unchanged">2</td>`)
	assert.Contains(t, r.Body, `<td class="num" id="counts-added">0</td>`)
	assert.Contains(t, r.Body, "すべて登録済み")

	r = kddi.post("/quarterly/counts", countsForm(map[string]string{"base_station.tokyo": "13", "dslam.nationwide": "0"}), "auto")
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Contains(t, r.Body, `<td class="num" id="counts-updated">1</td>`, "a correction")
	assert.Contains(t, r.Body, `value="13"`)

	// Bad cells: each named where it was typed, nothing written.
	before := simpleCounts(t, s)
	r = kddi.post("/quarterly/counts", countsForm(map[string]string{"base_station.tokyo": "20", "base_station.osaka": "abc",
		"remote_terminal.hokkaido": "-1"}), "auto")
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Body)
	assert.Contains(t, r.Body, `<span class="field-error" id="c-base_station-osaka-error">「abc」: 整数で入力してください。</span>`)
	assert.Contains(t, r.Body, `<span class="field-error" id="c-remote_terminal-hokkaido-error">「-1」: 0以上1000000以下で入力してください。</span>`)
	assert.Contains(t, r.Body, `id="c-base_station-osaka" name="count.base_station.osaka" value="abc" aria-label="大阪府 基地局" aria-invalid="true"`)
	assert.Contains(t, r.Body, `value="20"`, "what was typed comes back")
	assert.NotContains(t, r.Body, `id="c-base_station-tokyo-error"`, "the good cell has no error")
	assert.Contains(t, r.Body, "誤りが2件あるため、何も登録していません。")
	assert.Equal(t, before, simpleCounts(t, s), "nothing written")

	r = kddi.post("/quarterly/counts", countsForm(nil), "auto")
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, "件数が1つも入力されていません。")

	nextFY, _ := quarterly.QuarterOf(time.Now())
	r = kddi.get("/quarterly/counts?fiscal_year=" + strconv.Itoa(nextFY) + "&quarter=4")
	if !quarterly.QuarterStart(nextFY, 4).Before(time.Now()) {
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, "はまだ始まっていません。")
		assert.NotContains(t, r.Body, `id="counts-form"`)
	}
	r = kddi.get("/quarterly/counts?fiscal_year=x&quarter=1")
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, "年度は一覧から選んでください。")

	r = kddi.post("/quarterly/counts", countsForm(map[string]string{"base_station.tokyo": "99"}), "wrong")
	assert.Equal(t, http.StatusForbidden, r.Status, "without the form token")
	assert.Equal(t, before, simpleCounts(t, s))

	// In English, with the same cells.
	require.Equal(t, http.StatusSeeOther, kddi.get("/lang?to=en&next="+url.QueryEscape(page)).Status)
	r = kddi.get(page)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "Simple form of KDDI株式会社 (FY"+fyText+" Q1)")
	assert.Contains(t, r.Body, `<th scope="col">Remote terminal</th>`)
	assert.Contains(t, r.Body, `aria-label="Tokyo Base station"`)
	assert.Contains(t, r.Body, "Due: "+due.Format("2006-01-02"))
}

// Only reporters (for their own organisation) and the secretariat (for any,
// by name) have the grid.
func TestQuarterlyCountsAccess(t *testing.T) {
	s := stacktest.New(t)
	for _, login := range []string{"expert", "auditor", "admin"} {
		b := signedIn(t, s, login)
		assert.Equal(t, http.StatusForbidden, b.get("/quarterly/counts").Status, login)
		r := b.post("/quarterly/counts", countsForm(map[string]string{"base_station.tokyo": "1"}), "auto")
		assert.Equal(t, http.StatusForbidden, r.Status, login)
	}

	kddi := signedIn(t, s, "kddi")
	r := kddi.get("/quarterly/counts?fiscal_year=" + fyText + "&quarter=1&organisation=" + url.QueryEscape("株式会社NTTドコモ"))
	assert.Equal(t, http.StatusForbidden, r.Status, "another organisation")
	r = kddi.get("/quarterly/counts?fiscal_year=" + fyText + "&quarter=1&organisation=" + url.QueryEscape("どこにもない会社"))
	assert.Equal(t, http.StatusForbidden, r.Status, "an unknown name says nothing more")
	r = kddi.get("/quarterly/counts?fiscal_year=" + fyText + "&quarter=1&organisation=" + url.QueryEscape("KDDI株式会社"))
	assert.Equal(t, http.StatusOK, r.Status, "its own name")
	form := countsForm(map[string]string{"base_station.tokyo": "1"})
	form.Set("organisation", "株式会社NTTドコモ")
	r = kddi.post("/quarterly/counts", form, "auto")
	assert.Equal(t, http.StatusForbidden, r.Status)
	assert.Empty(t, simpleCounts(t, s), "nothing written")

	// The secretariat names the organisation.
	sec := signedIn(t, s, "secretariat")
	r = sec.get("/quarterly/counts")
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Contains(t, r.Body, `id="counts-pick"`)
	assert.NotContains(t, r.Body, `id="counts-form"`)
	r = sec.get("/quarterly/counts?fiscal_year=" + fyText + "&quarter=1&organisation=" + url.QueryEscape("どこにもない会社"))
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, "「どこにもない会社」は事業者の登録にありません。")
	r = sec.post("/quarterly/counts", countsForm(map[string]string{"base_station.tokyo": "1"}), "auto")
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "no organisation named")
	assert.Contains(t, r.Body, "事業者名を入力してください")
	r = sec.post("/quarterly/counts", form, "auto")
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Contains(t, r.Body, `<td class="num" id="counts-added">1</td>`)
	assert.Equal(t, map[string]int64{"株式会社NTTドコモ/base_station:tokyo": 1}, simpleCounts(t, s))
	r = sec.get("/quarterly/counts?fiscal_year=" + fyText + "&quarter=1&organisation=" + url.QueryEscape("株式会社NTTドコモ"))
	assert.Contains(t, r.Body, `name="count.base_station.tokyo" value="1"`)
	assert.Contains(t, r.Body, `<input type="hidden" name="organisation" value="株式会社NTTドコモ">`)
}
