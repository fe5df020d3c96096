package webui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/stacktest"
)

// rows counts the desk's rows.
func rows(body string) int { return strings.Count(body, `<tr data-case="`) }

// withMatcher reports whether the stack runs the similarity engine: the
// pages show similar cases and novelty then, and say they cannot without.
func withMatcher(s *stacktest.Stack) bool { return s.Review.Matcher != nil }

// decisions counts the triage decisions of a case.
func decisions(t *testing.T, s *stacktest.Stack, id int64) int {
	t.Helper()
	var n int
	require.NoError(t, s.DB.Raw(`SELECT count(*) FROM triage_decisions WHERE case_id = ?`, id).Scan(&n).Error)
	return n
}

// fieldError is the text of the error shown at element id.
func triageFieldError(body, id string) string {
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `">([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestTriageDesk(t *testing.T) {
	s := stacktest.New(t)
	q1, q2 := s.Cases["DEMO-Q-2026-01"], s.Cases["DEMO-Q-2026-02"]

	t.Run("only the secretariat triages", func(t *testing.T) {
		for login, want := range map[string]int{"secretariat": 200, "expert": 403, "expert-telecom": 403, "kddi": 403,
			"editor": 403, "auditor": 403, "admin": 403} {
			r := signedIn(t, s, login).get("/triage")
			assert.Equal(t, want, r.Status, login)
			if want != 200 {
				assert.NotContains(t, r.Body, "DEMO-Q-2026-01", login)
			}
		}
		r := newBrowser(t, s).get("/triage")
		assert.Equal(t, http.StatusSeeOther, r.Status)
		assert.Equal(t, "/login?next=%2Ftriage", r.Location)
	})

	sec := signedIn(t, s, "secretariat")
	t.Run("the cases awaiting a decision, with what a decision needs", func(t *testing.T) {
		r := sec.get("/triage")
		require.Equal(t, 200, r.Status, r.Body)
		assert.Equal(t, 4, rows(r.Body))
		for _, ref := range []string{"DEMO-Q-2026-01", "DEMO-Q-2026-02", "DEMO-Q-2026-03", "DEMO-NM-2024-001"} {
			assert.Contains(t, r.Body, ref)
		}
		assert.Contains(t, r.Body, fmt.Sprintf(`href="/cases/%d/triage"`, q1))
		assert.Contains(t, r.Body, "TLP:RED", "the desk is committee material")
		assert.Contains(t, r.Body, `href="/triage" aria-current="page">トリアージ`)
		assert.Contains(t, r.Body, "決定待ち <span class=\"count\">4</span>")
		assert.Contains(t, r.Body, "決定済み <span class=\"count\">29</span>")
		assert.Contains(t, r.Body, "KDDI株式会社")
		assert.Regexp(t, `令和\d+年\(\d{4}年\)\d+月\d+日`, r.Body, "和暦 with the Western year")
		assert.Contains(t, r.Body, `<span class="verdict v-serious">重大な事故</span>`)
		assert.Contains(t, r.Body, "おそれ事態: 報告対象")
		assert.Contains(t, r.Body, "判定基準 2019")
		// DEMO-Q-2026-02's detailed report is overdue: in red, with its words.
		row := r.Body[strings.Index(r.Body, fmt.Sprintf(`data-case="%d"`, q2)):]
		row = row[:strings.Index(row, "</tr>")]
		assert.Contains(t, row, `class="days overdue"`)
		assert.Regexp(t, `\d+日超過`, row)
		assert.Contains(t, row, "詳細な報告")
		if withMatcher(s) {
			assert.Contains(t, r.Body, `<meter`)
			assert.NotContains(t, r.Body, `id="engine-off"`)
		} else {
			assert.Contains(t, r.Body, `id="engine-off"`)
			assert.Contains(t, r.Body, "類似度エンジンが稼働していないため")
		}
	})

	t.Run("decided cases, by depth, page by page", func(t *testing.T) {
		r := sec.get("/triage?status=decided")
		require.Equal(t, 200, r.Status, r.Body)
		assert.Equal(t, 20, rows(r.Body))
		assert.Contains(t, r.Body, "詳細に検証")
		assert.Contains(t, r.Body, `id="f-depth"`, "decided cases can be filtered by depth")
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(r.Body)
		require.NotNil(t, next)
		r2 := sec.get(strings.ReplaceAll(next[1], "&amp;", "&"))
		require.Equal(t, 200, r2.Status)
		assert.Equal(t, 9, rows(r2.Body))
		assert.NotContains(t, r2.Body, `rel="next"`)
		assert.Contains(t, r2.Body, "最初の頁")

		r = sec.get("/triage?status=decided&depth=light")
		require.Equal(t, 200, r.Status)
		assert.Equal(t, 1, rows(r.Body))
		assert.Contains(t, r.Body, "DEMO-NM-2023-001")
		assert.Contains(t, r.Body, "簡易に検証")

		r = sec.get("/triage?status=all&kind=near_miss&sort=novelty")
		require.Equal(t, 200, r.Status)
		assert.Equal(t, 2, rows(r.Body))
		assert.Contains(t, r.Body, `<option value="novelty" selected>`)
	})

	t.Run("a bad filter is named next to its field", func(t *testing.T) {
		for q, id := range map[string]string{
			"status=open":               "f-status-error",
			"kind=rumour":               "f-kind-error",
			"status=decided&depth=deep": "f-depth-error",
			"depth=light":               "f-depth-error",
			"sort=loudest":              "f-sort-error",
			"cursor=bm90IGEgY3Vyc29y":   "f-cursor-error",
		} {
			r := sec.get("/triage?" + q)
			assert.Equal(t, http.StatusUnprocessableEntity, r.Status, q)
			assert.NotEmpty(t, triageFieldError(r.Body, id), "%s: %s", q, id)
			assert.Zero(t, rows(r.Body), q)
		}
		r := sec.get("/triage?depth=light")
		assert.Contains(t, triageFieldError(r.Body, "f-depth-error"), "決定待ちの事案には検証の深さがありません")
	})

	t.Run("in English", func(t *testing.T) {
		en := signedIn(t, s, "secretariat")
		en.get("/lang?to=en")
		r := en.get("/triage")
		require.Equal(t, 200, r.Status)
		assert.Contains(t, r.Body, "Triage desk")
		assert.Contains(t, r.Body, "Awaiting decision")
		assert.Contains(t, r.Body, "Serious accident")
		assert.Regexp(t, `\d{4}-\d{2}-\d{2}`, r.Body)
		r = en.get("/triage?sort=loudest")
		assert.Contains(t, triageFieldError(r.Body, "f-sort-error"), "Unknown order.")
	})

	t.Run("the navigation and the home page", func(t *testing.T) {
		r := sec.get("/home")
		assert.Contains(t, r.Body, `href="/triage"`)
		assert.Contains(t, r.Body, "トリアージ待ちの事案 4件")
		for _, login := range []string{"expert", "kddi", "editor"} {
			r := signedIn(t, s, login).get("/home")
			assert.NotContains(t, r.Body, `href="/triage"`, login)
		}
	})
}

// TestTriageDecideAndAssign walks a case from the desk to its panel
// through the pages: the triage page by role, the decision with its
// errors, a stale decision, the proposed panel accepted and changed, the
// committee's load.
func TestTriageDecideAndAssign(t *testing.T) {
	s := stacktest.New(t)
	ctx := context.Background()
	q1, q2, q3, nm := s.Cases["DEMO-Q-2026-01"], s.Cases["DEMO-Q-2026-02"], s.Cases["DEMO-Q-2026-03"], s.Cases["DEMO-NM-2024-001"]
	triage := func(id int64) string { return fmt.Sprintf("/cases/%d/triage", id) }
	panel := func(id int64) string { return fmt.Sprintf("/cases/%d/panel", id) }
	uid := func(login string) string {
		p, err := s.Identity.ByLogin(ctx, login)
		require.NoError(t, err)
		return fmt.Sprint(p.UserID)
	}
	sec := signedIn(t, s, "secretariat")

	t.Run("the triage page: the secretariat decides, the committee reads, others are refused", func(t *testing.T) {
		r := sec.get(triage(q1))
		require.Equal(t, 200, r.Status, r.Body)
		assert.Contains(t, r.Body, "DEMO-Q-2026-01 のトリアージ")
		assert.Contains(t, r.Body, `id="decision-form"`)
		assert.Contains(t, r.Body, `id="verdict">重大な事故`)
		assert.Contains(t, r.Body, "満たした基準", "the judgement with its explanation")
		assert.Contains(t, r.Body, "詳細な報告", "the deadline owed")
		assert.Contains(t, r.Body, "TLP:RED")
		assert.Contains(t, r.Body, "これは機械（大規模言語モデル）による参考意見です")
		assert.Contains(t, r.Body, "LLMによるセカンドオピニオンは無効です", "off by default")
		assert.NotContains(t, r.Body, `id="opinion-ask"`)
		assert.NotContains(t, r.Body, `name="study_near_miss"`, "an accident has no near-miss question")
		if withMatcher(s) {
			assert.NotContains(t, r.Body, `id="similar-off"`)
		} else {
			assert.Contains(t, r.Body, `id="similar-off"`)
		}

		r = signedIn(t, s, "expert").get(triage(q1))
		require.Equal(t, 200, r.Status, "the committee reads the triage")
		assert.Contains(t, r.Body, `id="verdict"`)
		assert.NotContains(t, r.Body, `id="decision-form"`)
		assert.NotContains(t, r.Body, `id="opinion-ask"`)
		for login, want := range map[string]int{"kddi": 403, "optage": 404, "editor": 404, "expert-telecom": 404, "admin": 404} {
			r := signedIn(t, s, login).get(triage(q1))
			assert.Equal(t, want, r.Status, login)
			assert.NotContains(t, r.Body, "decision-form", login)
		}
		assert.Equal(t, 404, sec.get("/cases/999999/triage").Status)
		assert.Equal(t, 404, sec.get("/cases/x/triage").Status)
	})

	t.Run("the case page links to its triage for the secretariat", func(t *testing.T) {
		assert.Contains(t, sec.get(fmt.Sprintf("/cases/%d", q1)).Body, `id="triage-link"`)
		assert.NotContains(t, signedIn(t, s, "expert").get(fmt.Sprintf("/cases/%d", q1)).Body, `id="triage-link"`)
		assert.NotContains(t, signedIn(t, s, "kddi").get(fmt.Sprintf("/cases/%d", q1)).Body, `id="triage-link"`)
	})

	t.Run("a decision needs the form token and the secretariat", func(t *testing.T) {
		form := url.Values{"version": {"0"}, "depth": {"in_depth"}, "reason": {"緊急通報への影響"}}
		sec.get(triage(q1))
		assert.Equal(t, http.StatusForbidden, sec.post(triage(q1), form, "").Status)
		assert.Equal(t, http.StatusForbidden, sec.post(triage(q1), form, "forged").Status)
		ex := signedIn(t, s, "expert")
		assert.Equal(t, http.StatusForbidden, ex.post(triage(q1), form, "auto").Status)
		kd := signedIn(t, s, "kddi")
		assert.Equal(t, http.StatusForbidden, kd.post(triage(q1), form, "auto").Status)
		op := signedIn(t, s, "optage")
		assert.Equal(t, http.StatusNotFound, op.post(triage(q1), form, "auto").Status)
		assert.Zero(t, decisions(t, s, q1))
	})

	t.Run("bad input is named next to its field, what was typed kept", func(t *testing.T) {
		sec.get(triage(q1))
		r := sec.post(triage(q1), url.Values{"version": {"0"}, "depth": {"in_depth"}, "reason": {"  "}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Equal(t, "理由を入力してください（決定とともに記録されます）。", triageFieldError(r.Body, "f-reason-error"))
		assert.Contains(t, r.Body, `value="in_depth" id="depth-in_depth" checked`)

		r = sec.post(triage(q1), url.Values{"version": {"0"}, "reason": {"緊急通報への影響"}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Equal(t, "検証の深さを選んでください。", triageFieldError(r.Body, "f-depth-error"))
		assert.Contains(t, r.Body, ">緊急通報への影響</textarea>")

		r = sec.post(triage(q1), url.Values{"version": {"0"}, "depth": {"light"}, "reason": {"x"}, "study_shown": {"true"}, "study_near_miss": {"true"}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, triageFieldError(r.Body, "f-study-error"), "おそれ事態についてのみ")

		r = sec.post(triage(q1), url.Values{"version": {"one"}, "depth": {"light"}, "reason": {"x"}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, triageFieldError(r.Body, "decision-error"), "再読み込み")
		assert.Zero(t, decisions(t, s, q1), "nothing half-written")

		en := signedIn(t, s, "secretariat")
		en.get("/lang?to=en")
		en.get(triage(q1))
		r = en.post(triage(q1), url.Values{"version": {"0"}, "depth": {"in_depth"}}, "auto")
		assert.Equal(t, "Give a reason (it is kept with the decision).", triageFieldError(r.Body, "f-reason-error"))
	})

	t.Run("verify in depth: on to the proposed panel; the same again is one", func(t *testing.T) {
		sec.get(triage(q1))
		form := url.Values{"version": {"0"}, "depth": {"in_depth"}, "reason": {"緊急通報への影響が大きく、類似事案が少ない"}}
		r := sec.post(triage(q1), form, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		assert.Equal(t, panel(q1)+"?done=triaged", r.Location)
		assert.Equal(t, 1, decisions(t, s, q1))
		r = sec.get(r.Location)
		require.Equal(t, 200, r.Status)
		assert.Contains(t, r.Body, "検証の深さを決定しました。")
		assert.Contains(t, r.Body, `id="proposal-table"`)
		prop := r.Body[strings.Index(r.Body, `id="proposal-table"`):]
		prop = prop[:strings.Index(prop, "</table>")]
		assert.Contains(t, prop, `data-login="expert"`)
		assert.Contains(t, prop, `data-login="expert-consumer"`)
		assert.NotContains(t, prop, `data-login="expert-telecom"`)
		assert.Contains(t, prop, "電気通信工学")
		assert.Contains(t, prop, "消費者保護")
		assert.Contains(t, prop, "未完了の担当 0件")
		assert.Contains(t, r.Body, "サービス「緊急通報を取り扱う音声伝送役務」", "why the fields are needed")
		ex := r.Body[strings.Index(r.Body, `id="excluded"`):]
		assert.Contains(t, ex[:strings.Index(ex, "</ul>")], "利害関係を申告しています（KDDI株式会社）")
		assert.Contains(t, r.Body, `id="panel-accept"`)

		r = sec.post(triage(q1), form, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status)
		assert.Equal(t, panel(q1)+"?done=triagedup", r.Location)
		assert.Contains(t, sec.get(r.Location).Body, "同じ決定が既に記録されています")
		assert.Equal(t, 1, decisions(t, s, q1))

		r = sec.get(triage(q1))
		assert.Contains(t, r.Body, `name="version" value="1"`)
		assert.Contains(t, r.Body, "事務局 太郎 (secretariat)", "who decided")
		assert.Contains(t, r.Body, `id="history"`)
		assert.Contains(t, r.Body, `id="panel-link"`)
	})

	t.Run("the panel: the committee reads it, only the secretariat changes it", func(t *testing.T) {
		r := signedIn(t, s, "expert").get(panel(q1))
		require.Equal(t, 200, r.Status)
		assert.NotContains(t, r.Body, `id="proposal-table"`)
		assert.NotContains(t, r.Body, `id="add-form"`)
		assert.NotContains(t, r.Body, `expert-telecom`, "the candidates are the secretariat's")
		for login, want := range map[string]int{"kddi": 403, "optage": 404, "expert-telecom": 404, "editor": 404} {
			assert.Equal(t, want, signedIn(t, s, login).get(panel(q1)).Status, login)
		}
		ex := signedIn(t, s, "expert")
		ex.get(panel(q1))
		assert.Equal(t, http.StatusForbidden, ex.post(panel(q1), nil, "auto").Status)
		for _, path := range []string{panel(q1), panel(q1) + "/members", panel(q1) + "/members/" + uid("expert") + "/remove",
			panel(q1) + "/members/" + uid("expert") + "/due", fmt.Sprintf("/cases/%d/opinions", q1)} {
			r := sec.post(path, url.Values{"user_id": {uid("expert-audit")}, "reason": {"x"}, "due_on": {"2099-01-01"}}, "")
			assert.Equal(t, http.StatusForbidden, r.Status, "%s without the form token", path)
			assert.Contains(t, r.Body, "フォームの確認用トークンが一致しませんでした", path)
		}
		var n int
		require.NoError(t, s.DB.Raw(`SELECT count(*) FROM review_assignments WHERE case_id = ?`, q1).Scan(&n).Error)
		assert.Zero(t, n, "nothing assigned without the token")
	})

	t.Run("accept the proposed panel: the experts have the case in their queue", func(t *testing.T) {
		sec.get(panel(q1))
		r := sec.post(panel(q1), url.Values{"due_on": {"2020-01-01"}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Equal(t, "今日より前の日付は指定できません。", triageFieldError(r.Body, "accept-due-error"))
		assert.Contains(t, r.Body, `value="2020-01-01"`)
		r = sec.post(panel(q1), url.Values{"due_on": {"31/12/2099"}}, "auto")
		assert.Contains(t, triageFieldError(r.Body, "accept-due-error"), "日付の形式ではありません")

		r = sec.post(panel(q1), url.Values{"due_on": {"2099-12-31"}, "reason": {"提案どおり"}}, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		assert.Equal(t, panel(q1)+"?done=panelaccepted", r.Location)
		r = sec.get(r.Location)
		assert.Contains(t, r.Body, "この構成で検証体制を決定しました。")
		members := r.Body[strings.Index(r.Body, `id="member-table"`):]
		members = members[:strings.Index(members, "</table>")]
		assert.Contains(t, members, `data-login="expert"`)
		assert.Contains(t, members, `data-login="expert-consumer"`)
		assert.Contains(t, members, "2099年", "the due date given, in 和暦 with the Western year")
		assert.Contains(t, members, "未着手")
		assert.Contains(t, r.Body, `id="proposal-done"`)

		for _, login := range []string{"expert", "expert-consumer"} {
			p, err := s.Identity.ByLogin(ctx, login)
			require.NoError(t, err)
			q, err := s.Review.Queue(ctx, p.Subject, p.UserID, false)
			require.NoError(t, err)
			var refs []string
			for _, it := range q.Items {
				refs = append(refs, it.Case.Ref)
			}
			assert.Contains(t, refs, "DEMO-Q-2026-01", login)
			status, body := s.Do(t, login, "GET", "/api/v1/review/queue", "")
			assert.Equal(t, 200, status)
			assert.Contains(t, body, `"ref":"DEMO-Q-2026-01"`, login)
		}
		r = sec.post(panel(q1), nil, "auto")
		assert.Equal(t, http.StatusSeeOther, r.Status, "accepting twice is one")
	})

	t.Run("add, move a due date, remove: each with its reason, errors by field", func(t *testing.T) {
		sec.get(panel(q1))
		r := sec.post(panel(q1)+"/members", url.Values{"user_id": {uid("expert-audit")}, "reason": {""}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Equal(t, "理由を入力してください（体制の変更とともに記録され、監査ログに残ります）。", triageFieldError(r.Body, "add-reason-error"))
		assert.Contains(t, r.Body, fmt.Sprintf(`<option value="%s" selected>`, uid("expert-audit")), "the choice is kept")
		r = sec.post(panel(q1)+"/members", url.Values{"user_id": {""}, "reason": {"増員"}}, "auto")
		assert.Equal(t, "構成員を選んでください。", triageFieldError(r.Body, "add-expert-error"))
		r = sec.post(panel(q1)+"/members", url.Values{"user_id": {uid("expert-telecom")}, "reason": {"増員"}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, triageFieldError(r.Body, "add-expert-error"), "利害関係を申告している")
		r = sec.post(panel(q1)+"/members", url.Values{"user_id": {uid("expert-audit")}, "reason": {"手順の監査"}}, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		r = sec.get(r.Location)
		assert.Contains(t, r.Body, "構成員を追加しました。")
		assert.Contains(t, r.Body, `data-login="expert-audit"`)
		assert.Contains(t, r.Body, "手順の監査")

		due := panel(q1) + "/members/" + uid("expert-audit") + "/due"
		r = sec.post(due, url.Values{"due_on": {"2001-01-01"}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, "今日より前の日付は指定できません。")
		assert.Contains(t, r.Body, `value="2001-01-01"`)
		r = sec.post(due, url.Values{"due_on": {"2099-06-30"}, "reason": {"資料待ち"}}, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		assert.Contains(t, sec.get(r.Location).Body, `value="2099-06-30"`)

		remove := panel(q1) + "/members/" + uid("expert-audit") + "/remove"
		r = sec.post(remove, url.Values{"reason": {" "}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		row := r.Body[strings.Index(r.Body, `id="remove-expert-audit"`):]
		assert.Contains(t, row[:strings.Index(row, "</form>")], "理由を入力してください（体制の変更とともに", "next to the member's form")
		r = sec.post(remove, url.Values{"reason": {"日程の都合"}}, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		r = sec.get(r.Location)
		assert.Contains(t, r.Body, "構成員を外しました。")
		assert.Contains(t, r.Body, "日程の都合")
		assert.Equal(t, http.StatusNotFound, sec.post(remove, url.Values{"reason": {"もう一度"}}, "auto").Status, "no longer a member")
		assert.Equal(t, http.StatusNotFound, sec.post(panel(q1)+"/members/x/remove", url.Values{"reason": {"x"}}, "auto").Status)

		var actions []string
		require.NoError(t, s.DB.Raw(`SELECT action FROM audit_log WHERE case_id = ? AND action LIKE 'panel.%' ORDER BY id`, q1).Scan(&actions).Error)
		assert.Equal(t, []string{"panel.accept", "panel.add", "panel.due", "panel.remove"}, actions, "every change audited")
	})

	t.Run("a stale decision shows what changed; sending again decides knowingly", func(t *testing.T) {
		sec.get(triage(q2))
		other := signedIn(t, s, "secretariat")
		other.get(triage(q2))
		require.Equal(t, http.StatusSeeOther, other.post(triage(q2), url.Values{"version": {"0"}, "depth": {"light"}, "reason": {"影響は限定的"}}, "auto").Status)
		r := sec.post(triage(q2), url.Values{"version": {"0"}, "depth": {"in_depth"}, "reason": {"音声の品質劣化が広範囲"}}, "auto")
		assert.Equal(t, http.StatusConflict, r.Status)
		assert.Contains(t, r.Body, `id="decision-conflict"`)
		assert.Contains(t, r.Body, "事務局 太郎 (secretariat) さんが")
		assert.Contains(t, r.Body, "影響は限定的")
		assert.Contains(t, r.Body, ">音声の品質劣化が広範囲</textarea>", "what was typed is kept")
		assert.Contains(t, r.Body, `name="version" value="1"`)
		r = sec.post(triage(q2), url.Values{"version": {"1"}, "depth": {"in_depth"}, "reason": {"音声の品質劣化が広範囲"}}, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		assert.Equal(t, 2, decisions(t, s, q2))
		assert.Contains(t, sec.get(triage(q2)).Body, "第2版")
	})

	t.Run("a near-miss says whether to study why it did not become serious", func(t *testing.T) {
		r := sec.get(triage(nm))
		require.Contains(t, r.Body, `name="study_near_miss"`)
		r = sec.post(triage(nm), url.Values{"version": {"0"}, "depth": {"light"}, "reason": {"冗長構成の喪失"}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "a crafted form without the question")
		assert.NotEmpty(t, triageFieldError(r.Body, "f-study-error"))
		r = sec.post(triage(nm), url.Values{"version": {"0"}, "depth": {"light"}, "reason": {"冗長構成の喪失"},
			"study_shown": {"true"}, "study_near_miss": {"true"}}, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		var study bool
		require.NoError(t, s.DB.Raw(`SELECT study_near_miss FROM triage_decisions WHERE case_id = ?`, nm).Scan(&study).Error)
		assert.True(t, study)
		assert.Contains(t, sec.get(triage(nm)).Body, `id="study" checked`)
	})

	t.Run("record only: no panel", func(t *testing.T) {
		sec.get(triage(q3))
		r := sec.post(triage(q3), url.Values{"version": {"0"}, "depth": {"record_only"}, "reason": {"影響が小さく既知の事象"}}, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		assert.Equal(t, triage(q3)+"?done=triaged#decision", r.Location)
		r = sec.get(panel(q3))
		assert.Contains(t, r.Body, "記録のみの事案には検証体制を置きません。")
		assert.NotContains(t, r.Body, `id="panel-accept"`)
		r = sec.post(panel(q3), nil, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, triageFieldError(r.Body, "panel-error"), "記録のみと決定した事案")
	})

	t.Run("the committee's load", func(t *testing.T) {
		r := sec.get("/experts")
		require.Equal(t, 200, r.Status)
		row := r.Body[strings.Index(r.Body, `data-login="expert-telecom"`):]
		assert.Contains(t, row[:strings.Index(row, "</tr>")], "KDDI株式会社")
		row = r.Body[strings.Index(r.Body, `data-login="expert-consumer"`):]
		row = row[:strings.Index(row, "</tr>")]
		assert.Contains(t, row, "DEMO-Q-2026-01")
		assert.Contains(t, row, `<td class="num">1</td>`)
		for _, login := range []string{"expert", "kddi", "editor"} {
			assert.Equal(t, http.StatusForbidden, signedIn(t, s, login).get("/experts").Status, login)
		}
	})
}

// The leak matrix on the triage pages: each role sees a case's triage and
// panel only with its committee part (403 when it sees the case without
// it, 404 when it sees nothing), and no page shows a marker planted in a
// section the role may not read.
func TestTriagePagesLeakMatrix(t *testing.T) {
	s := stacktest.New(t)
	s.Plant(t)
	for role, cases := range stacktest.Want {
		t.Run(role, func(t *testing.T) {
			bad := s.Forbidden(role)
			b := newBrowser(t, s)
			if role != "anonymous" {
				b = signedIn(t, s, role)
			}
			for _, path := range []string{"/triage", "/triage?status=all", "/experts"} {
				stacktest.NoMarkers(t, b.get(path).Body, bad, path)
			}
			for _, tg := range stacktest.Targets {
				id := s.Cases[tg.Ref]
				want := http.StatusOK
				switch sections := cases[tg.Ref]; {
				case role == "anonymous":
					want = http.StatusSeeOther
				case sections == nil:
					want = http.StatusNotFound
				case !slices.Contains(sections, stacktest.Committee):
					want = http.StatusForbidden
				}
				for _, path := range []string{"/cases/%d/triage", "/cases/%d/panel"} {
					r := b.get(fmt.Sprintf(path, id))
					assert.Equal(t, want, r.Status, "%s %s: %s", role, fmt.Sprintf(path, id), tg.What)
					stacktest.NoMarkers(t, r.Body, bad, fmt.Sprintf(path, id))
					if want == http.StatusOK {
						assert.Contains(t, r.Body, stacktest.Marker(stacktest.Overview, id), "the case's summary")
					}
				}
			}
		})
	}
}
