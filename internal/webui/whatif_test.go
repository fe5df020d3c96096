package webui_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"kensho/internal/report"
	"kensho/internal/stacktest"
)

// The what-if page over the demo cases (fiscal 2015–2020) against the 2008
// rules, under which three of the 28 serious accidents would not have been
// (the CLI's and the service's own test give the same table).
func TestWhatIfPage(t *testing.T) {
	s := stacktest.New(t)
	sec := signedIn(t, s, "secretariat")
	const q = "/whatif?rules=2008&from_fy=2015&to_fy=2020"

	t.Run("the form: rule sets grouped, fiscal years, services", func(t *testing.T) {
		r := sec.get("/whatif")
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, `<a href="/whatif" aria-current="page">基準の比較</a>`)
		assert.Regexp(t, `(?s)<optgroup label="施行された基準">.*value="2019".*value="1985".*</optgroup>\s*<optgroup label="見直し案">.*value="proposal-2025" selected.*</optgroup>\s*<optgroup label="海外制度">.*value="uk".*</optgroup>`, r.Body)
		assert.Contains(t, r.Body, `<option value="2019">令和元年度(2019年度)</option>`)
		assert.Contains(t, r.Body, `<option value="internet_access">インターネット接続サービス</option>`)
		assert.Contains(t, r.Body, `<form method="get" action="/whatif"`)
		assert.NotContains(t, r.Body, `id="whatif-table"`, "nothing run yet")
	})

	t.Run("the table: per year, total, average, changed cases linked", func(t *testing.T) {
		r := sec.get(q)
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		assert.Regexp(t, `(?s)<tr id="fy-2015">\s*<th scope="row">平成27年度\(2015年度\)</th>\s*<td class="num">8</td>\s*<td class="num">8</td>\s*<td class="num">6</td>\s*<td class="num diff diff-minus">−2 \(8\)</td>`, r.Body)
		assert.Contains(t, r.Body, fmt.Sprintf(`<a href="/cases/%d">2015-001</a>`, s.Cases["2015-001"]))
		assert.Contains(t, r.Body, fmt.Sprintf(`<a href="/cases/%d">2016-001</a>`, s.Cases["2016-001"]))
		assert.Regexp(t, `(?s)<tr id="fy-2016">.*?<td class="num diff diff-even">0 \(5\)</td>`, r.Body)
		assert.Regexp(t, `(?s)<tr id="fy-2019">\s*<th scope="row">令和元年度\(2019年度\)</th>.*?−1 \(3\).*?2020-002`, r.Body)
		assert.Regexp(t, `(?s)<tr class="total" id="fy-total">.*?<td class="num">28</td>\s*<td class="num">28</td>\s*<td class="num">25</td>\s*<td class="num diff diff-minus">−3 \(28\)</td>`, r.Body)
		assert.Regexp(t, `(?s)<tr class="average" id="fy-average">.*?<td class="num">4.7</td>\s*<td class="num">4.7</td>\s*<td class="num">4.2</td>\s*<td class="num diff diff-minus">−0.5 \(4.7\)</td>`, r.Body)
		assert.Contains(t, r.Body, `href="/whatif.xlsx?from_fy=2015&amp;rules=2008&amp;to_fy=2020"`)
		assert.Contains(t, r.Body, `href="/whatif.json?from_fy=2015&amp;rules=2008&amp;to_fy=2020"`)
		assert.Contains(t, r.Body, `<option value="2008" selected>`, "the form keeps the query")
	})

	t.Run("the proposal adds in red", func(t *testing.T) {
		r := sec.get("/whatif?rules=proposal-2025&from_fy=2015&to_fy=2020&service=internet_access")
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, "「インターネット接続サービス」に影響のあった事案")
		assert.Contains(t, r.Body, `<option value="internet_access" selected>`)
		assert.NotContains(t, r.Body, "diff-plus\">−")
	})

	t.Run("downloads with the same parameters", func(t *testing.T) {
		r := sec.get("/whatif.xlsx?from_fy=2015&rules=2008&to_fy=2020")
		require.Equal(t, http.StatusOK, r.Status)
		assert.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", r.Header.Get("Content-Type"))
		assert.Contains(t, r.Header.Get("Content-Disposition"), `kensho-whatif-2008-2015-2020.xlsx`)
		f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
		require.NoError(t, err)
		defer f.Close()
		v, _ := f.GetCellValue(report.SheetWhatIf, "A8")
		assert.Equal(t, "平成27年度(2015年度)", v)

		r = sec.get("/whatif.json?from_fy=2015&rules=2008&to_fy=2020")
		require.Equal(t, http.StatusOK, r.Status)
		var tab struct {
			Total struct{ Under int } `json:"total"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.Body), &tab))
		assert.Equal(t, 25, tab.Total.Under)

		r = sec.get("/whatif.xlsx?rules=2008&from_fy=2020&to_fy=2015")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, "終了年度が開始年度より前です。")
	})

	t.Run("errors next to their field, in Japanese", func(t *testing.T) {
		r := sec.get("/whatif?rules=2008&from_fy=2020&to_fy=2015")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, `<select id="wi-to" name="to_fy" aria-invalid="true" aria-describedby="wi-to-error">`)
		assert.Contains(t, r.Body, `<span class="field-error" id="wi-to-error" role="alert">終了年度が開始年度より前です。</span>`)
		assert.Contains(t, r.Body, `<option value="2020" selected>`, "what was chosen stays")
		assert.NotContains(t, r.Body, `id="whatif-table"`)

		r = sec.get("/whatif?rules=nope&from_fy=abc&to_fy=2015&service=data")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, `id="wi-rules-error" role="alert">この基準はありません。一覧から選んでください。</span>`)
		assert.Contains(t, r.Body, `id="wi-from-error" role="alert">年度は数字（例: 2019）で指定してください。</span>`)
		assert.Contains(t, r.Body, `id="wi-service-error" role="alert">この役務はありません。一覧から選んでください。</span>`)
		r = sec.get("/whatif?rules=uk&from_fy=1990&to_fy=2020")
		assert.Contains(t, r.Body, "期間は30年度までです。")
	})

	t.Run("the editor: the same counts, only published cases named", func(t *testing.T) {
		r := signedIn(t, s, "editor").get(q)
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, `href="/whatif"`)
		assert.Regexp(t, `(?s)<tr id="fy-2015">.*?−2 \(8\).*?閲覧できない事案 2件`, r.Body)
		for _, ref := range []string{"2015-001", "2016-001", "2020-002"} {
			assert.NotContains(t, r.Body, ref)
			assert.NotContains(t, r.Body, fmt.Sprintf(`/cases/%d"`, s.Cases[ref]))
		}
	})

	t.Run("English", func(t *testing.T) {
		b := signedIn(t, s, "expert")
		b.get("/lang?to=en&next=/whatif")
		r := b.get(q)
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, ">What-if</a>")
		assert.Contains(t, r.Body, `<th scope="row">FY2015</th>`)
		assert.Contains(t, r.Body, "Serious (2008)")
		r = b.get("/whatif?rules=2008&from_fy=2020&to_fy=2015")
		assert.Contains(t, r.Body, "The last fiscal year is before the first.")
	})

	t.Run("not for reporters, auditors or administrators", func(t *testing.T) {
		for _, login := range []string{"kddi", "auditor", "admin"} {
			b := signedIn(t, s, login)
			assert.Equal(t, http.StatusForbidden, b.get(q).Status, login)
			assert.Equal(t, http.StatusForbidden, b.get("/whatif.xlsx?rules=2008&from_fy=2015&to_fy=2020").Status, login)
			r := b.get("/whatif.json?rules=2008&from_fy=2015&to_fy=2020")
			assert.Equal(t, http.StatusForbidden, r.Status, login)
			assert.NotContains(t, r.Body, "2015-001")
			assert.NotContains(t, b.get("/home").Body, `href="/whatif"`, login)
		}
		r := newBrowser(t, s).get(q)
		assert.Equal(t, http.StatusSeeOther, r.Status, "anonymous: sign in first")
	})
}
