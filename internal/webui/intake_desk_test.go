package webui_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
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
