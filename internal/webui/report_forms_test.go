package webui_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/stacktest"
)

// htmx sends a form as htmx does: with HX-Request and the form token in
// the header.
func (b *browser) htmx(path string, form url.Values) response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", b.csrf)
	return b.do(req)
}

// multipart posts a form with one file, as the report form does.
func (b *browser) multipart(path string, form url.Values, filename string, content []byte) response {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	form.Set("_csrf", b.csrf)
	for k, vs := range form {
		for _, v := range vs {
			require.NoError(b.t, w.WriteField(k, v))
		}
	}
	if filename != "" {
		fw, err := w.CreateFormFile("file", filename)
		require.NoError(b.t, err)
		_, err = fw.Write(content)
		require.NoError(b.t, err)
	}
	require.NoError(b.t, w.Close())
	req, err := http.NewRequest(http.MethodPost, b.base+path, &body)
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// hidden reads a hidden field of the last form on a page.
func hidden(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="`+regexp.QuoteMeta(name)+`" value="([^"]*)"`).FindAllStringSubmatch(body, -1)
	require.NotEmpty(t, m, "hidden field %s", name)
	return m[len(m)-1][1]
}

// quickForm is a quick report of a serious internet outage of KDDI: 50,000
// users for three and a half hours (≥2 h at ≥30,000 under rule set 2019).
func quickForm(ref string) url.Values {
	return url.Values{
		"form": {"quick"}, "ref": {ref}, "occurred_at": {"2025-06-10T09:00"}, "report.status": {"recovered"},
		"recovered_at": {"2025-06-10T12:30"}, "report.prefectures": {"tokyo", "kanagawa"},
		"impacts[0].service": {"internet_access"}, "impacts[0].user_unit": {"people"},
		"impacts[0].timeline[0].from": {"2025-06-10T09:00"}, "impacts[0].timeline[0].to": {"2025-06-10T12:30"},
		"impacts[0].timeline[0].users": {"５０,０００"},
		"summary":                      {"認証サーバの不具合により、東京都・神奈川県でインターネット接続サービスが利用できなかった。"},
	}
}

// file goes through the confirmation step and submits; it returns the
// case the report went to.
func (b *browser) file(form url.Values) int64 {
	b.t.Helper()
	r := b.post("/report-forms/confirm", form, "auto")
	require.Equal(b.t, http.StatusSeeOther, r.Status, r.Body)
	require.Regexp(b.t, `^/report-forms/drafts/\d+/confirm$`, r.Location)
	confirm := b.get(r.Location)
	require.Equal(b.t, http.StatusOK, confirm.Status, confirm.Body)
	require.Contains(b.t, confirm.Body, "この内容で提出する")
	action := regexp.MustCompile(`action="(/report-forms/drafts/\d+/submit)"`).FindStringSubmatch(confirm.Body)
	require.NotNil(b.t, action)
	r = b.post(action[1], url.Values{"version": {hidden(b.t, confirm.Body, "version")}}, "auto")
	require.Equal(b.t, http.StatusSeeOther, r.Status, r.Body)
	m := regexp.MustCompile(`^/report-forms\?done=submitted#case-(\d+)$`).FindStringSubmatch(r.Location)
	require.NotNil(b.t, m, r.Location)
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// detailedItems are the items a detailed report adds to a quick one.
func detailedItems(v url.Values) {
	for k, vs := range map[string][]string{
		"report.equipment_type":    {"server"},
		"report.equipment_outline": {"加入者認証サーバ（冗長構成、A社製）"},
		"report.development":       {"09:00 認証要求の処理遅延を検知。09:20 全面的な認証失敗に拡大。"},
		"report.recovery_actions":  {"予備系へ切替えを試みたが同じ不具合で失敗。ソフトウェアを旧版に戻して12:30に復旧。"},
		"cause.class":              {"equipment"}, "cause.archetype": {"software_bug"},
		"cause.text":                                     {"認証サーバのソフトウェアに、ベンダも把握していなかった不具合があった。"},
		"report.proportional.archetype":                  {"unknown_software_bug"},
		"report.proportional.aspects.early_detection":    {"認証失敗率の監視閾値を見直し、5分以内に検知する。"},
		"report.proportional.aspects.emergency_recovery": {"旧版への切り戻し手順を事前に整備し、30分以内に実施できるようにする。"},
		"report.user_notices":                            {"website", "sns"},
		"report.facility_manager":                        {"統括 太郎"},
		"report.chief_engineer":                          {"主任 花子"}, "report.chief_engineer_licence": {"transmission_switching"},
	} {
		v[k] = vs
	}
}

func TestReportFormsAccess(t *testing.T) {
	s := stacktest.New(t)
	for _, login := range []string{"secretariat", "expert", "editor", "auditor", "admin"} {
		b := signedIn(t, s, login)
		for _, path := range []string{"/report-forms", "/report-forms/new?form=quick", "/report-forms/drafts/1"} {
			assert.Equal(t, http.StatusForbidden, b.get(path).Status, "%s %s", login, path)
		}
		judge := http.StatusForbidden
		if login == "secretariat" {
			judge = http.StatusOK // the working copy's edit form asks for the verdict too
		}
		assert.Equal(t, judge, b.htmx("/report-forms/judge", quickForm("X")).Status, login)
		assert.NotContains(t, b.get("/home").Body, `href="/report-forms"`, "%s has no link to the forms", login)
	}
	anon := newBrowser(t, s)
	r := anon.get("/report-forms")
	assert.Equal(t, http.StatusSeeOther, r.Status)
	assert.Equal(t, "/login?next=%2Freport-forms", r.Location)

	kddi := signedIn(t, s, "kddi")
	assert.Contains(t, kddi.get("/home").Body, `href="/report-forms"`)
	assert.Equal(t, http.StatusForbidden, kddi.post("/report-forms/save", quickForm("KDDI-CSRF"), "").Status, "no form token")
	assert.Equal(t, http.StatusNotFound, kddi.get("/report-forms/new?form=nonsense").Status)

	// A draft and an attachment of KDDI are nothing to NTT Docomo: the 404
	// of a draft that does not exist.
	r = kddi.multipart("/report-forms/save", quickForm("KDDI-DRAFT-1"), "memo.pdf", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer<<>>\n%%EOF\n"))
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	draft := strings.TrimSuffix(strings.TrimPrefix(r.Location, "/report-forms/drafts/"), "?done=draftsaved")
	page := kddi.get("/report-forms/drafts/" + draft)
	require.Equal(t, http.StatusOK, page.Status)
	att := regexp.MustCompile(`href="(/report-forms/attachments/\d+)"`).FindStringSubmatch(page.Body)
	require.NotNil(t, att)
	assert.Equal(t, http.StatusOK, kddi.get(att[1]).Status)

	docomo := signedIn(t, s, "docomo")
	missing := docomo.get("/report-forms/drafts/999999")
	assert.Equal(t, http.StatusNotFound, missing.Status)
	other := docomo.get("/report-forms/drafts/" + draft)
	assert.Equal(t, http.StatusNotFound, other.Status)
	assert.Equal(t, dropRequestID(missing.Body), dropRequestID(other.Body))
	assert.Equal(t, http.StatusNotFound, docomo.get(att[1]).Status)
	assert.Equal(t, http.StatusNotFound, docomo.get("/report-forms/new?form=detailed&case="+strconv.FormatInt(s.Cases["2019-001"], 10)).Status,
		"2019-001 is shared with Docomo, not Docomo's: no report on it")
	assert.NotContains(t, docomo.get("/report-forms").Body, "KDDI-DRAFT-1")
}

func TestReportFormsQuickThenDetailed(t *testing.T) {
	s := stacktest.New(t)
	b := signedIn(t, s, "kddi")

	caseID := b.file(quickForm("KDDI-2025-0610"))
	home := b.get("/report-forms?done=submitted")
	require.Equal(t, http.StatusOK, home.Status)
	assert.Contains(t, home.Body, "報告を提出しました。")
	row := regexp.MustCompile(`(?s)<tr id="case-` + strconv.FormatInt(caseID, 10) + `">.*?</tr>`).FindString(home.Body)
	require.NotEmpty(t, row)
	assert.Contains(t, row, "第1版 一報")
	assert.Contains(t, row, "詳細な報告を作成")

	// The detailed report starts from the quick one: nothing is typed twice.
	path := fmt.Sprintf("/report-forms/new?form=detailed&case=%d", caseID)
	r := b.get(path)
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Contains(t, r.Body, `value="KDDI-2025-0610"`)
	assert.Contains(t, r.Body, "認証サーバの不具合により")
	assert.Contains(t, r.Body, `value="2025-06-10T12:30"`)
	assert.Contains(t, r.Body, `value="50000"`, "the users as stored")
	assert.Contains(t, r.Body, `name="case_id" value="`+strconv.FormatInt(caseID, 10)+`"`)
	assert.Regexp(t, `value="tokyo" id="[^"]+" checked`, r.Body)

	// An empty thick aspect: refused next to its field, in Japanese, with
	// everything typed kept.
	form := quickForm("KDDI-2025-0610")
	form.Set("form", "detailed")
	form.Set("case_id", strconv.FormatInt(caseID, 10))
	form.Del("report.status")
	detailedItems(form)
	form.Set("report.proportional.aspects.emergency_recovery", "")
	form.Set("report.proportional.aspects.find_unknown_bugs", "ベンダと試験項目を共有する。")
	r = b.post("/report-forms/confirm", form, "auto")
	require.Equal(t, http.StatusSeeOther, r.Status, "saved as a draft first")
	r = b.get(r.Location)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Body)
	errID := "f-report-proportional-aspects-emergency-recovery-error"
	assert.Regexp(t, `id="`+errID+`">「濃」の観点です。具体的に記入してください。<`, r.Body)
	assert.Contains(t, r.Body, `aria-invalid="true" aria-describedby="f-report-proportional-aspects-emergency-recovery-help `+errID+`"`)
	assert.Regexp(t, `(?s)id="form-errors".*href="#f-report-proportional-aspects-emergency-recovery">再発防止策（検知後の応急復旧）</a>: 「濃」の観点です`, r.Body)
	assert.Contains(t, r.Body, "ベンダと試験項目を共有する。", "the thin aspect typed is kept")
	assert.Contains(t, r.Body, "認証失敗率の監視閾値を見直し", "... the other thick one too")
	draft := hidden(t, r.Body, "draft_id")

	// The same in English.
	en := signedIn(t, s, "kddi")
	en.get("/lang?to=en")
	r = en.get("/report-forms/drafts/" + draft + "/confirm")
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Regexp(t, `id="`+errID+`">This aspect is thick \(濃\): describe it in depth.<`, r.Body)

	form.Set("draft_id", draft)
	form.Set("version", hidden(t, r.Body, "version"))
	form.Set("report.proportional.aspects.emergency_recovery", "旧版への切り戻しを30分以内に実施できるよう手順を整備する。")
	assert.Equal(t, caseID, b.file(form), "the detailed report joins the quick one's case")

	home = b.get("/report-forms")
	row = regexp.MustCompile(`(?s)<tr id="case-` + strconv.FormatInt(caseID, 10) + `">.*?</tr>`).FindString(home.Body)
	assert.Contains(t, row, "第1版 一報")
	assert.Contains(t, row, "第2版 詳細な報告")
	assert.Contains(t, row, "訂正報告を作成", "after the detailed report, amendments")
	assert.NotContains(t, home.Body, `<tr id="draft-`+draft+`">`, "a submitted draft leaves the list")

	// The amendment starts from the detailed report, personal items included.
	r = b.get(fmt.Sprintf("/report-forms/new?form=amendment&case=%d", caseID))
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "<h1>訂正報告")
	assert.Contains(t, r.Body, `value="統括 太郎"`)
	assert.Contains(t, r.Body, "旧版への切り戻しを30分以内に")

	// The secretariat sees one case with both reports.
	sec := signedIn(t, s, "secretariat")
	c := sec.get(fmt.Sprintf("/cases/%d", caseID))
	require.Equal(t, http.StatusOK, c.Status)
	assert.Equal(t, 2, strings.Count(c.Body, fmt.Sprintf(`href="/cases/%d/reports/`, caseID)), "two reports on the case page")
	list := sec.get("/cases?q=" + url.QueryEscape("KDDI-2025-0610"))
	assert.Equal(t, 1, strings.Count(list.Body, fmt.Sprintf(`href="/cases/%d"`, caseID)))
}

func TestReportFormsJudgement(t *testing.T) {
	s := stacktest.New(t)
	b := signedIn(t, s, "kddi")
	verdict := func(r response) string {
		m := regexp.MustCompile(`id="verdict">([^<]*)<`).FindStringSubmatch(r.Body)
		require.NotNil(t, m, r.Body)
		return m[1]
	}
	form := quickForm("J")
	r := b.htmx("/report-forms/judge", form)
	require.Equal(t, http.StatusOK, r.Status)
	assert.NotContains(t, r.Body, "<html", "a fragment")
	assert.Equal(t, "重大な事故", verdict(r))
	assert.Contains(t, r.Body, "<code>2019</code>")
	assert.Contains(t, r.Body, "令和7年(2025年)6月10日 09:00")
	assert.Contains(t, r.Body, "Serious accident (重大な事故) under rule set 2019.", "the engine's explanation")

	// 50,000 users for 1 h 59 min: not serious, but ≥30,000 users.
	form.Set("impacts[0].timeline[0].to", "2025-06-10T10:59")
	form.Set("recovered_at", "2025-06-10T10:59")
	r = b.htmx("/report-forms/judge", form)
	assert.Equal(t, "四半期報告", verdict(r))
	assert.Contains(t, r.Body, "重大な事故に当たりません", "a quick report that is not serious says so")

	form.Set("impacts[0].timeline[0].users", "1200")
	form.Set("impacts[0].timeline[0].to", "2025-06-10T09:40")
	r = b.htmx("/report-forms/judge", form)
	assert.Equal(t, "報告対象外", verdict(r))
	assert.Contains(t, r.Body, "needed ≥", "the nearest threshold missed")

	// A period that ends before it starts: no verdict, the field named.
	form.Set("impacts[0].timeline[0].to", "2025-06-10T08:00")
	r = b.htmx("/report-forms/judge", form)
	assert.Equal(t, "判定できません", verdict(r))
	assert.Contains(t, r.Body, `href="#f-impacts-0-timeline-0-to">影響1 期間1: 終了日時</a>: 開始日時より前になっています。`)

	form.Set("impacts[0].timeline[0].users", "many")
	r = b.htmx("/report-forms/judge", form)
	assert.Contains(t, r.Body, "影響1 期間1: 影響利用者数</a>: 0以上の整数で入力してください")

	r = b.htmx("/report-forms/judge", url.Values{"form": {"quick"}})
	assert.Contains(t, verdict(r), "発生日時と影響を入力すると")
}

// nearMissForm is a DDoS that congested data traffic.
func nearMissForm(degraded string) url.Values {
	return url.Values{"form": {"near_miss"}, "ref": {"NM"}, "occurred_at": {"2025-02-03T20:00"},
		"near_miss.situation": {"capacity_exceeded"}, "near_miss.cause_origin": {"attack"}, "near_miss.traffic": {"data"},
		"near_miss.attack_blocked": {"false"}, "near_miss.legit_traffic_degraded": {degraded},
		// A fact of another situation, left from an earlier choice: not asked, not sent.
		"near_miss.switched_promptly": {"true"}}
}

func TestReportFormsNearMiss(t *testing.T) {
	s := stacktest.New(t)
	b := signedIn(t, s, "kddi")
	verdicts := func(r response) map[string]string {
		out := map[string]string{}
		for _, m := range regexp.MustCompile(`(?s)id="nm-verdict-([a-z0-9-]+)">.*?class="j-verdict [^"]*">([^<]*)<`).FindAllStringSubmatch(r.Body, -1) {
			out[m[1]] = m[2]
		}
		return out
	}
	r := b.htmx("/report-forms/judge", nearMissForm("true"))
	assert.Equal(t, map[string]string{"2023": "報告対象", "proposal-2025": "報告対象"}, verdicts(r))
	assert.Contains(t, r.Body, "suspected attack traffic could not be blocked enough and legitimate traffic degraded")
	r = b.htmx("/report-forms/judge", nearMissForm("false"))
	assert.Equal(t, map[string]string{"2023": "報告対象", "proposal-2025": "報告対象外"}, verdicts(r),
		"the 2023 rules report every capacity overrun; the 2025 draft not a DDoS that was blocked enough")
	assert.Contains(t, r.Body, "the attack traffic was blocked enough; legitimate traffic kept its quality")

	// Without the deciding fact, the draft names it.
	form := nearMissForm("")
	form.Del("near_miss.legit_traffic_degraded")
	r = b.htmx("/report-forms/judge", form)
	assert.Contains(t, r.Body, "判定に必要な事実: 正規の通信の品質が低下しましたか")

	// Only the facts of the situation are asked.
	r = b.htmx("/report-forms/refresh?part=nearmiss", nearMissForm("true"))
	require.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, "rf-judge", r.Header.Get("HX-Trigger"))
	for _, f := range []string{"situation", "cause_origin", "traffic", "attack_blocked", "legit_traffic_degraded"} {
		assert.Contains(t, r.Body, `name="near_miss.`+f+`"`)
	}
	for _, f := range []string{"switched_promptly", "noticed_promptly", "best_effort", "priority_calls_failed", "rolled_back_promptly"} {
		assert.NotContains(t, r.Body, `name="near_miss.`+f+`"`)
	}
	form = nearMissForm("true")
	form.Set("near_miss.situation", "failover_failure")
	r = b.htmx("/report-forms/refresh?part=nearmiss", form)
	assert.Contains(t, r.Body, `name="near_miss.switched_promptly" value="true" id="f-near-miss-switched-promptly-true" checked`)
	assert.NotContains(t, r.Body, `name="near_miss.attack_blocked"`)

	// Filed, the case holds the facts of its situation only.
	form = nearMissForm("false")
	form.Set("report.status", "recovered")
	form.Set("recovered_at", "2025-02-03T21:00")
	form.Set("summary", "DDoS攻撃によりデータ通信が輻輳したが、遮断により正規の通信の品質は保たれた。")
	id := b.file(form)
	rec, err := s.Stack.Cases.Get(t.Context(), secretariat(t, s), id)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"situation": "capacity_exceeded", "cause_origin": "attack", "traffic": "data",
		"attack_blocked": false, "legit_traffic_degraded": false}, rec.Restricted.NearMiss)
}

func TestReportFormsTimelineEditor(t *testing.T) {
	s := stacktest.New(t)
	b := signedIn(t, s, "kddi")
	form := quickForm("T")
	form.Set("op", "add-period:0")
	r := b.htmx("/report-forms/refresh?part=impacts", form)
	require.Equal(t, http.StatusOK, r.Status)
	assert.True(t, strings.HasPrefix(strings.TrimSpace(r.Body), `<div id="impacts"`), "the editor only")
	assert.Contains(t, r.Body, `name="impacts[0].timeline[1].from"`)
	assert.Contains(t, r.Body, `value="５０,０００"`, "what was typed stays as typed")

	form = quickForm("T")
	form.Set("impacts[0].timeline[1].from", "2025-06-10T13:00")
	form.Set("impacts[0].timeline[1].to", "2025-06-10T14:00")
	form.Set("impacts[0].timeline[1].users", "20000")
	form.Set("op", "remove-period:0:0")
	r = b.htmx("/report-forms/refresh?part=impacts", form)
	assert.Contains(t, r.Body, `name="impacts[0].timeline[0].from" type="datetime-local" step="60" value="2025-06-10T13:00"`, "the rows move up")
	assert.NotContains(t, r.Body, `impacts[0].timeline[1]`)

	form.Set("op", "add-impact")
	form.Set("impacts[0].service", "free_internet")
	r = b.htmx("/report-forms/refresh?part=impacts", form)
	assert.Contains(t, r.Body, `name="impacts[1].service"`)
	assert.Contains(t, r.Body, `name="impacts[0].monthly_active_users"`, "free internet services give their MAU")
	assert.NotContains(t, r.Body, `name="impacts[1].monthly_active_users"`)

	// Without htmx the whole form comes back, with the edit made.
	form.Set("op", "add-period:0")
	r = b.post("/report-forms/refresh?part=impacts", form, "auto")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, `<form id="report-form"`)
	assert.Contains(t, r.Body, `name="impacts[0].timeline[1].from"`)
}

func TestReportFormsProportionalAspects(t *testing.T) {
	s := stacktest.New(t)
	b := signedIn(t, s, "kddi")
	form := url.Values{"form": {"detailed"}, "cause.archetype": {"software_bug"}, "report.proportional.archetype": {"unknown_software_bug"}}
	r := b.htmx("/report-forms/refresh?part=proportional", form)
	require.Equal(t, http.StatusOK, r.Status)
	thick := regexp.MustCompile(`(?s)<div class="field aspect thick">.*?</div>`).FindAllString(r.Body, -1)
	thin := regexp.MustCompile(`(?s)<div class="field aspect thin">.*?</div>`).FindAllString(r.Body, -1)
	require.Len(t, thick, 2)
	require.Len(t, thin, 2)
	assert.Contains(t, thick[0], `<span class="weight">濃</span> 未知のバグの顕在化をより早く検知する取組 <span class="req">必須</span>`)
	assert.Contains(t, thick[0], `rows="7"`)
	assert.Contains(t, thin[0], `<span class="weight">薄</span> 未知のバグを事前に発見する取組`)
	assert.NotContains(t, thin[0], "必須")
	assert.Contains(t, thin[0], `rows="2"`)
	assert.NotContains(t, r.Body, `<option value="careless_human_error"`, "archetypes follow the cause archetype")

	form.Set("cause.archetype", "procedure_error")
	form.Del("report.proportional.archetype")
	r = b.htmx("/report-forms/refresh?part=proportional", form)
	assert.Contains(t, r.Body, `<option value="careless_human_error"`)
	assert.NotContains(t, r.Body, "aspect thick")
	assert.Contains(t, r.Body, `再発防止策 <span class="req">必須</span>`, "without an archetype the measures are required")
}

func TestReportFormsStaleDraft(t *testing.T) {
	s := stacktest.New(t)
	a := signedIn(t, s, "kddi")
	r := a.post("/report-forms/save", quickForm("KDDI-STALE"), "auto")
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	assert.Contains(t, r.Location, "?done=draftsaved")
	page := a.get(r.Location)
	assert.Contains(t, page.Body, "下書きを保存しました。")
	draft, version := hidden(t, page.Body, "draft_id"), hidden(t, page.Body, "version")

	b := signedIn(t, s, "kddi")
	theirs := quickForm("KDDI-STALE")
	theirs.Set("draft_id", draft)
	theirs.Set("version", version)
	theirs.Set("summary", "認証サーバの不具合（続報で原因を特定）。")
	theirs.Set("impacts[0].timeline[0].users", "62000")
	require.Equal(t, http.StatusSeeOther, b.post("/report-forms/save", theirs, "auto").Status)

	mine := quickForm("KDDI-STALE")
	mine.Set("draft_id", draft)
	mine.Set("version", version)
	mine.Set("area", "東京都西部")
	r = a.post("/report-forms/save", mine, "auto")
	require.Equal(t, http.StatusConflict, r.Status, r.Body)
	conflict := regexp.MustCompile(`(?s)<div class="form-error conflict".*?</div>`).FindString(r.Body)
	assert.Contains(t, conflict, "他の人が変更しました。")
	assert.Contains(t, conflict, "KDDI 報告担当 (kddi)")
	assert.Contains(t, conflict, "<span class=\"what\">概要</span>")
	assert.Contains(t, conflict, "<span class=\"what\">影響1 期間1: 影響利用者数</span>: <del>50000</del> → <ins>62000</ins>")
	assert.Contains(t, r.Body, `value="東京都西部"`, "what was typed is kept")
	assert.Equal(t, "2", hidden(t, r.Body, "version"), "saving again overwrites, knowingly")

	mine.Set("version", hidden(t, r.Body, "version"))
	require.Equal(t, http.StatusSeeOther, a.post("/report-forms/save", mine, "auto").Status)
	assert.Contains(t, a.get("/report-forms/drafts/"+draft).Body, `value="東京都西部"`)
}

func TestReportFormsAttachmentsAndBadInput(t *testing.T) {
	s := stacktest.New(t)
	b := signedIn(t, s, "kddi")
	pdf := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer<<>>\n%%EOF\n")
	r := b.multipart("/report-forms/save", quickForm("KDDI-ATT"), "構成図.pdf", pdf)
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	page := b.get(r.Location)
	att := regexp.MustCompile(`(?s)<table class="attachments">.*?</table>`).FindString(page.Body)
	assert.Contains(t, att, "構成図.pdf")
	assert.Contains(t, att, "application/pdf")
	assert.Contains(t, att, fmt.Sprintf("%d B", len(pdf)))

	form := quickForm("KDDI-ATT")
	form.Set("draft_id", hidden(t, page.Body, "draft_id"))
	form.Set("version", hidden(t, page.Body, "version"))
	form.Set("summary", "要約を書き直した。")
	r = b.multipart("/report-forms/save", form, "notes.txt", []byte("plain text, not a document"))
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, `<span class="field-error" id="f-file-error">PDFまたは画像（PNG・JPEG・GIF・WebP）のみ添付できます。</span>`)
	assert.Contains(t, r.Body, "要約を書き直した。", "the draft is saved, the page keeps the text")
	assert.Contains(t, r.Body, "構成図.pdf", "the first attachment is still listed")

	// Unreadable numbers and dates: named next to the field, kept as typed.
	form = quickForm("KDDI-BAD")
	form.Set("impacts[0].timeline[0].users", "五万")
	form.Set("recovered_at", "昼過ぎ")
	r = b.post("/report-forms/save", form, "auto")
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, `value="五万"`)
	assert.Contains(t, r.Body, `id="f-impacts-0-timeline-0-users-error">0以上の整数で入力してください（例: 30000）。</span>`)
	assert.Contains(t, r.Body, `id="f-recovered-at-error">日時の形式が正しくありません`)
	assert.Contains(t, r.Body, `href="#f-recovered-at">復旧日時</a>`)
}

func TestReportFormsQuarterlyAndInformation(t *testing.T) {
	s := stacktest.New(t)
	b := signedIn(t, s, "optage")
	quarterly := url.Values{"form": {"quarterly"}, "ref": {"OPT-Q-1"}, "occurred_at": {"2025-05-01T10:00"},
		"recovered_at": {"2025-05-01T11:10"}, "report.prefectures": {"osaka"},
		"impacts[0].service": {"voice"}, "impacts[0].timeline[0].from": {"2025-05-01T10:00"},
		"impacts[0].timeline[0].to": {"2025-05-01T11:10"}, "impacts[0].timeline[0].users": {"42000"},
		"cause.class": {"equipment"}, "cause.archetype": {"hardware_failure"}, "report.equipment_type": {"switching"},
		"summary": {"交換機の故障により大阪府で音声通話がつながりにくくなった。"}}
	r := b.htmx("/report-forms/judge", quarterly)
	assert.Contains(t, r.Body, `id="verdict">四半期報告<`, "≥30,000 users for 70 min: quarterly, not serious")
	qid := b.file(quarterly)

	info := url.Values{"form": {"information"}, "ref": {"OPT-I-1"}, "occurred_at": {"2025-05-02T21:00"},
		"summary": {"一部地域でウェブサイトが閲覧しにくい事象があった。"}, "detail": {"DNSの応答遅延。30分で解消。"}}
	page := b.get("/report-forms/new?form=information")
	assert.NotContains(t, page.Body, `id="judgement"`, "information is not judged")
	iid := b.file(info)

	home := b.get("/report-forms")
	assert.Regexp(t, `(?s)<tr id="case-`+strconv.FormatInt(qid, 10)+`">.*?第1版 四半期報告.*?</tr>`, home.Body)
	assert.Regexp(t, `(?s)<tr id="case-`+strconv.FormatInt(iid, 10)+`">.*?障害情報.*?第1版 障害情報.*?</tr>`, home.Body)

	b.get("/lang?to=en")
	page = b.get("/report-forms/new?form=quarterly")
	require.Equal(t, http.StatusOK, page.Status)
	assert.Contains(t, page.Body, "<h1>Quarterly report (detailed form)")
	assert.Contains(t, page.Body, "Cause class <span class=\"req\">required</span>")
	assert.NotContains(t, page.Body, "[rf.")
}
