package webui_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/stacktest"
)

// submitQuick files a quick report through the API as login and returns
// the case id.
func submitQuick(t *testing.T, st *stacktest.Stack, login, org, ref string) int64 {
	t.Helper()
	body := fmt.Sprintf(`{"kind":"quick","case":{"ref":%q,"kind":"accident","operators":[{"name":%q}],
	"occurred_at":"2025-06-01T10:00:00+09:00","area":"全国","summary":"データ通信が利用しづらい状況。",
	"impacts":[{"service":"internet_access","peak_users":300000,"timeline":[{"from":"2025-06-01T10:00:00+09:00","to":"2025-06-01T13:00:00+09:00","users":300000}]}],
	"report":{"status":"recovered"}}}`, ref, org)
	status, got := st.Do(t, login, "POST", "/api/v1/reports", body)
	require.Equal(t, 201, status, got)
	var s struct {
		CaseID int64 `json:"case_id"`
	}
	require.NoError(t, json.Unmarshal([]byte(got), &s))
	return s.CaseID
}

// The secretariat's intake desk on the case page: validate, stale
// validation, link a customer's report and split it again; operators see
// no desk and only their own reports.
func TestIntakeDesk(t *testing.T) {
	st := stacktest.New(t)
	prov := submitQuick(t, st, "kddi", "KDDI株式会社", "DESK-1")
	cust := submitQuick(t, st, "docomo", "株式会社NTTドコモ", "DESK-MVNO")

	kddi := signedIn(t, st, "kddi")
	r := kddi.get(fmt.Sprintf("/cases/%d", prov))
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "一報")
	assert.NotContains(t, r.Body, `id="intake"`, "operators get no desk")
	r = kddi.post(fmt.Sprintf("/cases/%d/validate", prov), url.Values{"version": {"1"}}, "auto")
	assert.Equal(t, http.StatusForbidden, r.Status)

	sec := signedIn(t, st, "secretariat")
	page := fmt.Sprintf("/cases/%d", prov)
	r = sec.get(page)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, `id="intake"`)
	assert.Contains(t, r.Body, "未確認")
	r = sec.post(page+"/validate", url.Values{"version": {"1"}}, "auto")
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	r = sec.get(r.Location)
	assert.Contains(t, r.Body, "確認済みにしました")
	r = sec.post(page+"/validate", url.Values{"version": {"1"}}, "auto")
	assert.Equal(t, http.StatusConflict, r.Status)
	assert.Contains(t, r.Body, "競合")

	r = sec.post(page+"/links", url.Values{"case_id": {fmt.Sprint(cust)}, "role": {"wholesale_customer"}}, "auto")
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, "理由を入力してください")
	r = sec.post(page+"/links", url.Values{"case_id": {fmt.Sprint(cust)}, "role": {"wholesale_customer"}, "reason": {"卸先の報告"}}, "auto")
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	r = sec.get(page)
	assert.Contains(t, r.Body, "DESK-MVNO")
	assert.Equal(t, 2, strings.Count(r.Body, `/reports/`), "the secretariat sees both reports")

	docomo := signedIn(t, st, "docomo")
	r = docomo.get(page)
	require.Equal(t, http.StatusOK, r.Status, "the customer reaches the joint case")
	assert.Equal(t, 1, strings.Count(r.Body, `/reports/`), "and only its own report")

	r = sec.post(page+"/split", url.Values{"case_id": {fmt.Sprint(cust)}, "reason": {"別の事故"}}, "auto")
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	r = docomo.get(page)
	assert.Equal(t, http.StatusNotFound, r.Status, "split out again: KDDI's case is not docomo's")
}

// The secretariat edits the validated copy in the operators' detailed
// form: prefilled from the case, saved as the next version, and a stale
// save shows what changed.
func TestWorkingCopyEdit(t *testing.T) {
	st := stacktest.New(t)
	id := submitQuick(t, st, "kddi", "KDDI株式会社", "EDIT-1")
	sec := signedIn(t, st, "secretariat")
	page := fmt.Sprintf("/cases/%d/edit", id)
	r := sec.get(page)
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Contains(t, r.Body, "データ通信が利用しづらい状況。", "prefilled from the working copy")
	assert.Contains(t, r.Body, fmt.Sprintf(`action="/cases/%d/edit"`, id))
	assert.NotContains(t, r.Body, "report.facility_manager", "personal data is not in the working copy")
	form := formValues(r.Body)
	form.Set("summary", "事務局が整えた概要。")
	stale := url.Values{}
	for k, v := range form {
		stale[k] = v
	}
	r = sec.post(page, form, "auto")
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	r = sec.get(r.Location)
	assert.Contains(t, r.Body, "検証用コピーを保存しました")
	assert.Contains(t, r.Body, "事務局が整えた概要。")

	stale.Set("summary", "古い版からの保存")
	r = sec.post(page, stale, "auto")
	assert.Equal(t, http.StatusConflict, r.Status)
	assert.Contains(t, r.Body, "事務局が整えた概要。", "the change made since is listed")

	kddi := signedIn(t, st, "kddi")
	assert.Equal(t, http.StatusForbidden, kddi.get(page).Status)
	assert.Equal(t, http.StatusNotFound, signedIn(t, st, "optage").get(page).Status)
}

var (
	inputRE    = regexp.MustCompile(`<input [^>]*>`)
	textareaRE = regexp.MustCompile(`(?s)<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>`)
	selectRE   = regexp.MustCompile(`(?s)<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>`)
	attrRE     = regexp.MustCompile(`(\w+)="([^"]*)"`)
	selectedRE = regexp.MustCompile(`<option value="([^"]*)"[^>]*selected`)
)

// formValues is what a browser would post from the page's form as loaded:
// text inputs, checked boxes and radios, text areas and selected options.
func formValues(page string) url.Values {
	out := url.Values{}
	for _, tag := range inputRE.FindAllString(page, -1) {
		a := map[string]string{}
		for _, m := range attrRE.FindAllStringSubmatch(tag, -1) {
			a[m[1]] = html.UnescapeString(m[2])
		}
		name := a["name"]
		if name == "" || name == "_csrf" || a["type"] == "file" {
			continue
		}
		if (a["type"] == "checkbox" || a["type"] == "radio") && !strings.Contains(tag, " checked") {
			continue
		}
		out.Add(name, a["value"])
	}
	for _, m := range textareaRE.FindAllStringSubmatch(page, -1) {
		out.Set(m[1], html.UnescapeString(strings.TrimPrefix(m[2], "\n")))
	}
	for _, m := range selectRE.FindAllStringSubmatch(page, -1) {
		if sel := selectedRE.FindStringSubmatch(m[2]); sel != nil {
			out.Set(m[1], html.UnescapeString(sel[1]))
		}
	}
	return out
}
