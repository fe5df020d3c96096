package webui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/jpdate"
	"kensho/internal/stacktest"
)

// TestSurveyPages walks a follow-up survey through the pages, without
// script: the secretariat's list and form (lessons by theme, recipients
// prefilled), a refused form keeping what was typed, creating and opening
// it; KDDI's home line, list and answer form (errors next to the lesson,
// nothing chosen lost), its answers; オプテージ, not addressed, gets the
// 404 page; the results with the shares and classes in words; closing.
func TestSurveyPages(t *testing.T) {
	s := stacktest.New(t)
	sec := signedIn(t, s, "secretariat")
	fy := fmt.Sprint(jpdate.FiscalYear(time.Now()))

	r := sec.get("/surveys")
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Contains(t, r.Body, "新しい調査")
	assert.Contains(t, r.Body, `href="/surveys"`, "the header links the surveys")
	assert.Contains(t, r.Body, `id="sv-theme-capacity_planning"`, "lessons grouped by theme")
	assert.Contains(t, r.Body, `name="lessons" value="CAP-01"`)
	assert.Regexp(t, `name="recipients" value="\d+" checked> 楽天モバイル株式会社`, r.Body, "the default recipients are ticked")
	assert.Contains(t, r.Body, `name="fiscal_year" min="2000" max="2100" value="`+fy+`"`)
	kddi, docomo := fmt.Sprint(orgID(t, s, "KDDI株式会社")), fmt.Sprint(orgID(t, s, "株式会社NTTドコモ"))

	t.Run("a refused form keeps what was typed", func(t *testing.T) {
		r := sec.post("/surveys", url.Values{"fiscal_year": {fy}, "title": {"  "}, "due_on": {"2001-01-01"}, "recipients": {kddi}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, "調査名を入力してください。")
		assert.Contains(t, r.Body, "回答期限が過去の日付です。")
		assert.Contains(t, r.Body, "教訓を1つ以上選んでください。")
		assert.Contains(t, r.Body, `value="2001-01-01"`)
		assert.Regexp(t, `name="recipients" value="`+kddi+`" checked>`, r.Body)
		assert.NotRegexp(t, `name="recipients" value="`+docomo+`" checked>`, r.Body, "unticked stays unticked")
		r = sec.post("/surveys", url.Values{"fiscal_year": {fy}, "title": {"x"}, "lessons": {"CAP-01"}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, "宛先の事業者を1つ以上選んでください。", "on the form, no recipient is not the default")
		assert.Regexp(t, `name="lessons" value="CAP-01" checked>`, r.Body)
	})

	t.Run("refresh the recipients of another year", func(t *testing.T) {
		r := sec.post("/surveys", url.Values{"fiscal_year": {"2017"}, "title": {"平成29年度の調査"}, "lessons": {"PROC-01"}, "refresh": {"1"}}, "auto")
		assert.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, `value="平成29年度の調査"`)
		assert.Regexp(t, `name="lessons" value="PROC-01" checked>`, r.Body)
		assert.Contains(t, r.Body, "前3年度に事故", "the historical accidents of fiscal 2014–2016 make recipients")
	})

	r = sec.post("/surveys", url.Values{"fiscal_year": {fy}, "title": {"教訓の実施状況に関する調査"}, "due_on": {"2099-03-31"},
		"lessons": {"CAP-01", "PROC-01"}, "recipients": {kddi, docomo}}, "auto")
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	m := regexp.MustCompile(`^/surveys/(\d+)\?done=survey-created$`).FindStringSubmatch(r.Location)
	require.NotNil(t, m, r.Location)
	path := "/surveys/" + m[1]
	r = sec.get(r.Location)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "調査を作成しました")
	assert.Contains(t, r.Body, "準備中")
	assert.Contains(t, r.Body, "事務局 太郎 (secretariat)", "who created it, by name")
	assert.Contains(t, r.Body, "2099年)3月31日", "dates in 和暦 with the Western year")
	assert.Equal(t, http.StatusForbidden, sec.post(path+"/open", url.Values{"version": {"1"}}, "").Status, "the form token is required")
	r = sec.post(path+"/open", url.Values{"version": {"1"}}, "auto")
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	assert.Contains(t, sec.get(r.Location).Body, "回答受付中")
	r = sec.post(path+"/close", url.Values{"version": {"1"}}, "auto")
	assert.Equal(t, http.StatusConflict, r.Status, "a stale version")
	assert.Contains(t, r.Body, "他の人がこの調査を変更しました")

	k := signedIn(t, s, "kddi")
	t.Run("a reporter finds it and answers", func(t *testing.T) {
		r := k.get("/home")
		assert.Contains(t, r.Body, "未回答のフォローアップ調査が1件あります")
		r = k.get("/surveys")
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, "教訓の実施状況に関する調査")
		assert.Contains(t, r.Body, path+"/answer")
		r = k.get(path)
		assert.Equal(t, http.StatusSeeOther, r.Status, "a reporter answers; the results are the secretariat's")
		assert.Equal(t, path+"/answer", r.Location)
		r = k.get(path + "/answer")
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, "位置登録信号", "the lesson's text")
		assert.Contains(t, r.Body, `name="status-CAP-01" value="wanted_but_hard"`)
		assert.Contains(t, r.Body, "有効だった")

		r = k.post(path+"/answer", url.Values{"status-CAP-01": {"newly_done"}, "effective-PROC-01": {"yes"}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, `id="effective-error-CAP-01" role="alert">有効だったかどうかを選んでください。`)
		assert.Contains(t, r.Body, `id="status-error-PROC-01" role="alert">取組状況を選んでください。`)
		assert.Contains(t, r.Body, `name="status-CAP-01" value="newly_done" checked`, "nothing chosen is lost")

		r = k.post(path+"/answer", url.Values{"status-CAP-01": {"newly_done"}, "effective-CAP-01": {"yes"},
			"status-PROC-01": {"planned"}, "effective-PROC-01": {"yes"}}, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		r = k.get(r.Location)
		assert.Contains(t, r.Body, "回答を送信しました。")
		assert.Regexp(t, `に[^<]+ \(kddi\)が回答しました。`, r.Body, "who answered, by name")
		assert.Contains(t, r.Body, `name="effective-CAP-01" value="yes" checked`)
		assert.Contains(t, r.Body, `name="status-PROC-01" value="planned" class="sv-not-impl" checked`)
		assert.Contains(t, r.Body, `name="effective-PROC-01" value="" checked`, "the effect of what was not implemented is not kept")
	})

	t.Run("not addressed: not found", func(t *testing.T) {
		o := signedIn(t, s, "optage")
		r := o.get(path + "/answer")
		assert.Equal(t, http.StatusNotFound, r.Status)
		assert.NotContains(t, r.Body, "教訓の実施状況に関する調査")
		r = o.post(path+"/answer", url.Values{"status-CAP-01": {"planned"}}, "auto")
		assert.Equal(t, http.StatusNotFound, r.Status)
		r = o.get("/surveys")
		assert.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, "回答受付中の調査はありません。")
		e := signedIn(t, s, "expert")
		assert.Equal(t, http.StatusForbidden, e.get("/surveys").Status)
		assert.NotContains(t, e.get("/home").Body, `href="/surveys"`)
	})

	t.Run("the results", func(t *testing.T) {
		r := sec.get(path)
		require.Equal(t, http.StatusOK, r.Status)
		row := func(id string) string {
			i := strings.Index(r.Body, `id="result-`+id+`"`)
			require.Positive(t, i, id)
			j := strings.Index(r.Body[i:], "</tr>")
			return r.Body[i : i+j]
		}
		assert.Contains(t, row("CAP-01"), `<td class="num impl-share">100%</td><td class="num eff-share">100%</td>`)
		assert.Contains(t, row("CAP-01"), "実施率・有効率とも70%以上")
		assert.Contains(t, row("PROC-01"), `<td class="num impl-share">0%</td><td class="num eff-share">—</td>`)
		assert.Contains(t, r.Body, "回答事業者 1 / 2 者")
		assert.Contains(t, r.Body, "2 / 2 件", "KDDI answered both lessons")
		assert.Contains(t, r.Body, "0 / 2 件", "Docomo none")
	})

	t.Run("close: answers refused", func(t *testing.T) {
		r := sec.get(path)
		v := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(r.Body)
		require.NotNil(t, v)
		r = sec.post(path+"/close", url.Values{"version": {v[1]}}, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		assert.Contains(t, sec.get(r.Location).Body, "締切済み")
		r = k.get(path + "/answer")
		assert.Contains(t, r.Body, "この調査は締め切られました。")
		assert.NotContains(t, r.Body, `id="answer-submit"`)
		r = k.post(path+"/answer", url.Values{"status-CAP-01": {"planned"}, "status-PROC-01": {"planned"}}, "auto")
		assert.Equal(t, http.StatusConflict, r.Status)
		assert.Contains(t, r.Body, "この調査は締め切られたため、回答できません。")
	})

	t.Run("in English", func(t *testing.T) {
		r := sec.get("/lang?to=en&next=" + url.QueryEscape(path))
		require.Equal(t, http.StatusSeeOther, r.Status)
		r = sec.get(path)
		assert.Contains(t, r.Body, "Implemented and effective ≥ 70%")
		assert.Contains(t, r.Body, "Closed")
	})
}
