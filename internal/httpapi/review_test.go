package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/stacktest"
)

// TestReviewAPI walks the committee's review through the API on the demo:
// the desk, a decision, the panel, an annotation, comments, the
// verification, the lessons and guidance — each step with the roles that
// may and may not, 404 for a case the caller may not see, 403 for an
// action it may not take on one it sees, stale versions and bad input by
// field. Each step builds on the one before; every answer is checked
// against the OpenAPI schema it names.
func TestReviewAPI(t *testing.T) {
	st := stacktest.New(t)
	spec := loadSpec(t)
	ctx := context.Background()
	user := func(login string) int64 {
		p, err := st.Identity.ByLogin(ctx, login)
		require.NoError(t, err)
		return p.UserID
	}
	q1, sb, hist := st.Cases["DEMO-Q-2026-01"], st.Cases["2018-001"], st.Cases["2019-001"]
	// The demo's portal cases happened days ago: the new lesson's id
	// carries their fiscal year.
	var fy int
	require.NoError(t, st.DB.Raw("SELECT fiscal_year FROM cases WHERE id = ?", q1).Scan(&fy).Error)
	newLesson := fmt.Sprintf("NTC-%d-01", fy)
	cp := func(format string, a ...any) func() string {
		return func() string { return fmt.Sprintf(format, a...) }
	}
	var guidanceID int64
	var annVersion, verVersion int
	num := func(body, field string) int64 {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(body), &m), body)
		return int64(m[field].(float64))
	}
	type step struct {
		name, login, method string
		path                func() string
		body                func() string
		status              int
		schema              string
		contains, absent    []string
		then                func(body string)
	}
	fixed := func(s string) func() string { return func() string { return s } }
	steps := []step{
		// The desk.
		{name: "desk: anonymous", method: "GET", path: fixed("/api/v1/triage/desk"), status: 401},
		{name: "desk: the committee reads cases, it does not triage", login: "expert", method: "GET", path: fixed("/api/v1/triage/desk"), status: 403},
		{name: "desk: a reporter", login: "kddi", method: "GET", path: fixed("/api/v1/triage/desk"), status: 403},
		{name: "desk: awaiting are the cases filed through the portal", login: "secretariat", method: "GET", path: fixed("/api/v1/triage/desk"),
			status: 200, schema: "DeskPage", then: func(b string) {
				var p struct {
					Items []struct {
						Case struct{ Ref string }
					}
					Awaiting, Decided int
				}
				require.NoError(t, json.Unmarshal([]byte(b), &p))
				var refs []string
				for _, it := range p.Items {
					refs = append(refs, it.Case.Ref)
				}
				assert.ElementsMatch(t, []string{"DEMO-Q-2026-01", "DEMO-Q-2026-02", "DEMO-Q-2026-03", "DEMO-NM-2024-001"}, refs)
				assert.Equal(t, 29, p.Decided, "the 28 historical accidents and the approved near-miss")
			}},
		{name: "desk: decided, with the migrated reason", login: "secretariat", method: "GET", path: fixed("/api/v1/triage/desk?status=decided&limit=100"),
			status: 200, schema: "DeskPage", contains: []string{`"ref":"2019-001"`, `"reason":"過去の検証済み事案（移行）"`, `"depth":"in_depth"`}},
		{name: "desk: bad filter", login: "secretariat", method: "GET", path: fixed("/api/v1/triage/desk?status=open"), status: 422, contains: []string{`"path":"status"`}},
		{name: "desk: bad limit", login: "secretariat", method: "GET", path: fixed("/api/v1/triage/desk?limit=ten"), status: 422, contains: []string{`"path":"limit"`}},

		// Triage.
		{name: "triage page: the committee reads it", login: "expert", method: "GET", path: cp("/api/v1/cases/%d/triage", q1), status: 200,
			schema: "TriageView", contains: []string{`"actions":[]`, `"serious":true`}},
		{name: "triage page: a reporter sees its case, not its committee part", login: "kddi", method: "GET", path: cp("/api/v1/cases/%d/triage", q1), status: 403},
		{name: "triage page: another operator's case is not there", login: "optage", method: "GET", path: cp("/api/v1/cases/%d/triage", q1), status: 404},
		{name: "decide: the committee does not triage", login: "expert", method: "POST", path: cp("/api/v1/cases/%d/triage", q1),
			body: fixed(`{"depth":"in_depth","reason":"x"}`), status: 403},
		{name: "decide: bad depth", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/triage", q1),
			body: fixed(`{"depth":"deep","reason":"x"}`), status: 422, contains: []string{`"path":"depth"`}},
		{name: "decide: a number where a string goes", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/triage", q1),
			body: fixed(`{"depth":"in_depth","reason":7}`), status: 422, contains: []string{`"path":"reason"`, "must be a string"}},
		{name: "decide: unknown field", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/triage", q1),
			body: fixed(`{"depth":"in_depth","reason":"x","urgency":3}`), status: 422, contains: []string{`"path":"urgency"`}},
		{name: "decide", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/triage", q1),
			body: fixed(`{"depth":"in_depth","reason":"緊急通報への影響が大きく類似事案が少ない"}`), status: 201, schema: "Decision", contains: []string{`"version":1`}},
		{name: "decide: the same again is one", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/triage", q1),
			body: fixed(`{"depth":"in_depth","reason":"緊急通報への影響が大きく類似事案が少ない"}`), status: 200, schema: "Decision", contains: []string{`"duplicate":true`}},
		{name: "decide: from a stale version", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/triage", q1),
			body: fixed(`{"depth":"light","reason":"別の判断"}`), status: 409, schema: "Error",
			contains: []string{`"record":"triage"`, `"current_version":1`, `"path":"depth"`}},

		// The panel.
		{name: "panel: the proposal leaves out the conflicted", login: "secretariat", method: "GET", path: cp("/api/v1/cases/%d/panel", q1),
			status: 200, schema: "PanelView", then: func(b string) {
				var v struct {
					Proposal struct {
						Members []struct{ Login string }
					}
					Candidates []struct {
						Login, Excluded string
						ConflictWith    []string `json:"conflict_with"`
					}
				}
				require.NoError(t, json.Unmarshal([]byte(b), &v))
				var proposed []string
				for _, m := range v.Proposal.Members {
					proposed = append(proposed, m.Login)
				}
				assert.Equal(t, []string{"expert", "expert-consumer"}, proposed, "telecom engineering and consumer affairs for an emergency-call outage")
				for _, c := range v.Candidates {
					if c.Login == "expert-telecom" {
						assert.Equal(t, "conflict", c.Excluded)
						assert.Equal(t, []string{"KDDI株式会社"}, c.ConflictWith)
					}
				}
			}},
		{name: "panel: a conflicted expert does not see the case", login: "expert-telecom", method: "GET", path: cp("/api/v1/cases/%d/panel", q1), status: 404},
		{name: "panel: accept, as proposed", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/panel", q1), body: fixed(`{}`),
			status: 200, schema: "PanelView", contains: []string{`"login":"expert"`, `"login":"expert-consumer"`, `"short_by":0`}},
		{name: "panel: a conflicted expert is never added", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/panel/members", q1),
			body: func() string { return fmt.Sprintf(`{"user_id":%d,"reason":"増員"}`, user("expert-telecom")) }, status: 422,
			contains: []string{`"path":"user_id"`, "declared a conflict of interest with KDDI株式会社"}},
		{name: "panel: adding needs a reason", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/panel/members", q1),
			body: func() string { return fmt.Sprintf(`{"user_id":%d}`, user("expert-audit")) }, status: 422, contains: []string{`"path":"reason"`}},
		{name: "panel: experts do not assign", login: "expert", method: "POST", path: cp("/api/v1/cases/%d/panel/members", q1),
			body: func() string { return fmt.Sprintf(`{"user_id":%d,"reason":"x"}`, user("expert-audit")) }, status: 403},
		{name: "panel: add", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/panel/members", q1),
			body: func() string { return fmt.Sprintf(`{"user_id":%d,"reason":"手順の監査"}`, user("expert-audit")) }, status: 200, schema: "PanelView",
			contains: []string{`"login":"expert-audit"`, `"reason":"手順の監査"`}},
		{name: "panel: move a due date", login: "secretariat", method: "PUT", path: func() string {
			return fmt.Sprintf("/api/v1/cases/%d/panel/members/%d", q1, user("expert-audit"))
		}, body: fixed(`{"due_on":"2999-12-31","reason":"資料待ち"}`), status: 200, schema: "PanelView", contains: []string{`"due_on":"2999-12-31"`}},
		{name: "panel: remove, with a reason", login: "secretariat", method: "DELETE", path: func() string {
			return fmt.Sprintf("/api/v1/cases/%d/panel/members/%d", q1, user("expert-audit"))
		}, body: fixed(`{"reason":"日程の都合"}`), status: 200, schema: "PanelView", contains: []string{`"remove_reason":"日程の都合"`}},
		{name: "panel: not a member", login: "secretariat", method: "DELETE", path: func() string {
			return fmt.Sprintf("/api/v1/cases/%d/panel/members/%d", q1, user("expert-software"))
		}, body: fixed(`{"reason":"x"}`), status: 404},
		{name: "experts and their load", login: "secretariat", method: "GET", path: fixed("/api/v1/experts"), status: 200,
			contains: []string{`"login":"expert-telecom"`, `"conflicts":["KDDI株式会社"]`}},
		{name: "experts: not for the committee", login: "expert", method: "GET", path: fixed("/api/v1/experts"), status: 403},
		{name: "queue: the expert's own", login: "expert", method: "GET", path: fixed("/api/v1/review/queue"), status: 200, schema: "Queue",
			contains: []string{`"ref":"DEMO-Q-2026-01"`, `"annotation":"none"`, `"open":1`}},
		{name: "queue: the secretariat reads an expert's", login: "secretariat", method: "GET", path: func() string {
			return fmt.Sprintf("/api/v1/experts/%d/queue", user("expert-consumer"))
		}, status: 200, schema: "Queue", contains: []string{`"ref":"DEMO-Q-2026-01"`}},
		{name: "queue: not another expert's", login: "expert", method: "GET", path: func() string {
			return fmt.Sprintf("/api/v1/experts/%d/queue", user("expert-consumer"))
		}, status: 404},
		{name: "queue: a reporter has none", login: "kddi", method: "GET", path: fixed("/api/v1/review/queue"), status: 403},

		// Annotations.
		{name: "workspace", login: "expert", method: "GET", path: cp("/api/v1/cases/%d/annotations", q1), status: 200, schema: "Workspace",
			contains: []string{`"actions":["annotate","comment"]`, `"id":"COOP-01"`}},
		{name: "workspace: a conflicted expert", login: "expert", method: "GET", path: cp("/api/v1/cases/%d/annotations", sb), status: 404},
		{name: "workspace: a reporter sees 2018-001 (published), not its committee part", login: "kddi", method: "GET", path: cp("/api/v1/cases/%d/annotations", sb), status: 403},
		{name: "annotate: not on the panel", login: "expert-software", method: "PUT", path: cp("/api/v1/cases/%d/annotations/mine", q1),
			body: fixed(`{"version":0,"cause_class":"equipment"}`), status: 403},
		{name: "annotate: bad archetype", login: "expert", method: "PUT", path: cp("/api/v1/cases/%d/annotations/mine", q1),
			body: fixed(`{"version":0,"cause_archetype":"gremlins"}`), status: 422, contains: []string{`"path":"cause_archetype"`}},
		{name: "annotate: a string where the version goes", login: "expert", method: "PUT", path: cp("/api/v1/cases/%d/annotations/mine", q1),
			body: fixed(`{"version":"1"}`), status: 422, contains: []string{`"path":"version"`, "must be a whole number"}},
		{name: "annotate: an unknown lesson", login: "expert", method: "PUT", path: cp("/api/v1/cases/%d/annotations/mine", q1),
			body: fixed(`{"version":0,"lessons":[{"lesson_id":"COOP-01"},{"lesson_id":"NOPE-01"}]}`), status: 422, contains: []string{`"path":"lessons[1].lesson_id"`}},
		{name: "annotate", login: "expert", method: "PUT", path: cp("/api/v1/cases/%d/annotations/mine", q1),
			body: fixed(`{"version":0,"cause_class":"equipment","cause_archetype":"software_bug","prevention":"partly",
				"prevention_text":"切替試験の範囲が不十分。","additional_measures":"商用相当の負荷で試験すること。",
				"lessons":[{"lesson_id":"TEST-01"},{"theme":"first_notice","text_ja":"緊急通報に影響する障害は15分以内に第一報を出すこと。"}]}`),
			status: 200, schema: "Annotation", contains: []string{`"version":1`, `"status":"draft"`}, then: func(b string) { annVersion = int(num(b, "version")) }},
		{name: "annotate: stale", login: "expert", method: "PUT", path: cp("/api/v1/cases/%d/annotations/mine", q1),
			body: fixed(`{"version":0,"cause_class":"human"}`), status: 409, contains: []string{`"record":"annotation"`, `"path":"cause_archetype"`}},
		{name: "submit", login: "expert", method: "POST", path: cp("/api/v1/cases/%d/annotations/mine/submit", q1),
			body: func() string { return fmt.Sprintf(`{"version":%d}`, annVersion) }, status: 200, schema: "Annotation", contains: []string{`"status":"submitted"`}},
		{name: "submit: again is one", login: "expert", method: "POST", path: cp("/api/v1/cases/%d/annotations/mine/submit", q1),
			body: func() string { return fmt.Sprintf(`{"version":%d}`, annVersion) }, status: 200, contains: []string{`"status":"submitted"`}},

		// Comments.
		{name: "comment", login: "expert", method: "POST", path: cp("/api/v1/cases/%d/comments", q1), body: fixed(`{"body":"事業者への追加質問案を送ります。"}`),
			status: 201, schema: "Comment", contains: []string{`"role":"expert"`}},
		{name: "comment: twice is one", login: "expert", method: "POST", path: cp("/api/v1/cases/%d/comments", q1), body: fixed(`{"body":"事業者への追加質問案を送ります。"}`),
			status: 200, contains: []string{`"duplicate":true`}},
		{name: "comment: empty", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/comments", q1), body: fixed(`{"body":" "}`),
			status: 422, contains: []string{`"path":"body"`}},
		{name: "comment: not on the panel", login: "expert-software", method: "POST", path: cp("/api/v1/cases/%d/comments", q1), body: fixed(`{"body":"x"}`), status: 403},
		{name: "comments", login: "expert-software", method: "GET", path: cp("/api/v1/cases/%d/comments", q1), status: 200,
			contains: []string{"事業者への追加質問案を送ります。"}},

		// The committee's verification.
		{name: "consolidation: prefilled from the submitted annotation", login: "secretariat", method: "GET", path: cp("/api/v1/cases/%d/verification", q1),
			status: 200, schema: "Consolidation", contains: []string{`"cause_archetype":"software_bug"`, `"proposed_by":["expert"]`, `"counted":1`}},
		{name: "verification: experts do not consolidate", login: "expert", method: "PUT", path: cp("/api/v1/cases/%d/verification", q1),
			body: fixed(`{"version":0}`), status: 403},
		{name: "verification: save", login: "secretariat", method: "PUT", path: cp("/api/v1/cases/%d/verification", q1),
			body: fixed(`{"version":0,"cause_class":"equipment","cause_archetype":"software_bug","prevention":"partly","prevention_text":"切替試験の範囲が不十分。",
				"findings":"ソフトウェア更新の試験範囲が不足していた。","lessons":[{"lesson_id":"TEST-01"},
				{"theme":"first_notice","text_ja":"緊急通報に影響する障害は15分以内に第一報を出すこと。","text_en":"Give the first notice within 15 minutes of an outage affecting emergency calls."}]}`),
			status: 200, schema: "Verification", then: func(b string) { verVersion = int(num(b, "version")) }},
		{name: "verification: finalise a stale version", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/verification/finalise", q1),
			body: fixed(`{"version":9}`), status: 409, contains: []string{`"record":"verification"`}},
		{name: "verification: finalise", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/verification/finalise", q1),
			body: func() string { return fmt.Sprintf(`{"version":%d}`, verVersion) }, status: 200, schema: "Verification",
			contains: []string{`"status":"final"`, `"lesson_id":"` + newLesson + `"`, `"created":true`}},
		{name: "review summary", login: "secretariat", method: "GET", path: cp("/api/v1/cases/%d/review", q1), status: 200, schema: "CaseReview",
			contains: []string{`"id":"TEST-01"`, `"recurring":true`, `"id":"` + newLesson + `"`, `"recurring":false`}},

		// Lessons.
		{name: "lessons: editors read the catalogue", login: "editor", method: "GET", path: fixed("/api/v1/lessons"), status: 200, schema: "CatalogueView",
			contains: []string{`"id":"` + newLesson + `"`, `"source":"committee"`}},
		{name: "lessons: not reporters", login: "kddi", method: "GET", path: fixed("/api/v1/lessons"), status: 403},
		{name: "lessons: not admins", login: "admin", method: "GET", path: fixed("/api/v1/lessons"), status: 403},
		{name: "lessons: bad theme", login: "secretariat", method: "GET", path: fixed("/api/v1/lessons?theme=luck"), status: 422, contains: []string{`"path":"theme"`}},
		{name: "lesson: the editor sees counts, not the committee's links", login: "editor", method: "GET", path: fixed("/api/v1/lessons/COOP-01"),
			status: 200, schema: "LessonDetail", contains: []string{`"cases":2`, `"linked":[]`}, absent: []string{"2019-001"}},
		{name: "lesson: the committee sees which cases", login: "secretariat", method: "GET", path: fixed("/api/v1/lessons/COOP-01"),
			status: 200, schema: "LessonDetail", contains: []string{`"ref":"2019-001"`, `"source":"history"`}},
		{name: "lesson: none such", login: "secretariat", method: "GET", path: fixed("/api/v1/lessons/NOPE-01"), status: 404},

		// Guidance.
		{name: "guidance: record", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/guidance", hist),
			body:   fixed(`{"organisation":"KDDI","issued_on":"2019-05-20","reference":"総基安第12号","measures":"卸先事業者への連絡体制を整備し報告すること。","follow_up_due":"2019-08-31"}`),
			status: 201, schema: "Guidance", contains: []string{`"organisation":"KDDI株式会社"`, `"tier":"committee"`}, then: func(b string) { guidanceID = num(b, "id") }},
		{name: "guidance: the same again is one", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/guidance", hist),
			body:   fixed(`{"organisation":"KDDI","issued_on":"2019-05-20","reference":"総基安第12号","measures":"卸先事業者への連絡体制を整備し報告すること。","follow_up_due":"2019-08-31"}`),
			status: 200, contains: []string{`"duplicate":true`}},
		{name: "guidance: two operators, none named", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/guidance", hist),
			body: fixed(`{"issued_on":"2019-05-20","measures":"x"}`), status: 422, contains: []string{`"path":"organisation"`}},
		{name: "guidance: bad date", login: "secretariat", method: "POST", path: cp("/api/v1/cases/%d/guidance", hist),
			body: fixed(`{"organisation":"KDDI","issued_on":"20/05/2019","measures":"x"}`), status: 422, contains: []string{`"path":"issued_on"`}},
		{name: "guidance: experts do not issue it", login: "expert", method: "POST", path: cp("/api/v1/cases/%d/guidance", hist),
			body: fixed(`{"organisation":"KDDI","issued_on":"2019-05-20","measures":"x"}`), status: 403},
		{name: "guidance: unpublished is committee tier", login: "editor", method: "GET", path: func() string { return fmt.Sprintf("/api/v1/guidance/%d", guidanceID) }, status: 404},
		{name: "guidance: not public yet", method: "GET", path: fixed("/api/v1/public/guidance"), status: 200, schema: "GuidanceList", contains: []string{`"items":[]`}},
		{name: "guidance: stale publish", login: "secretariat", method: "POST", path: func() string { return fmt.Sprintf("/api/v1/guidance/%d/publish", guidanceID) },
			body: fixed(`{"version":5}`), status: 409, contains: []string{`"record":"guidance"`}},
		{name: "guidance: publish", login: "secretariat", method: "POST", path: func() string { return fmt.Sprintf("/api/v1/guidance/%d/publish", guidanceID) },
			body: fixed(`{"version":1}`), status: 200, schema: "Guidance", contains: []string{`"published":true`, `"tier":"public"`}},
		{name: "guidance: public", method: "GET", path: fixed("/api/v1/public/guidance"), status: 200, schema: "GuidanceList",
			contains: []string{"卸先事業者への連絡体制"}, absent: []string{"follow_up", "created_by"}},
		{name: "guidance: the editor reads the published record", login: "editor", method: "GET", path: func() string { return fmt.Sprintf("/api/v1/guidance/%d", guidanceID) },
			status: 200, schema: "Guidance", absent: []string{"follow_up"}},
		{name: "guidance: the committee reads its follow-up", login: "expert", method: "GET", path: fixed("/api/v1/guidance"), status: 200, schema: "GuidanceList",
			contains: []string{`"follow_up":{`, `"status":"pending"`}},
		{name: "guidance: published measures stay", login: "secretariat", method: "PUT", path: func() string { return fmt.Sprintf("/api/v1/guidance/%d", guidanceID) },
			body:   fixed(`{"version":2,"organisation":"KDDI","issued_on":"2019-05-20","reference":"総基安第12号","measures":"別の措置","follow_up_due":"2019-08-31"}`),
			status: 422, contains: []string{`"path":"measures"`}},
		{name: "guidance: the follow-up goes on", login: "secretariat", method: "PUT", path: func() string { return fmt.Sprintf("/api/v1/guidance/%d", guidanceID) },
			body: fixed(`{"version":2,"organisation":"KDDI","issued_on":"2019-05-20","reference":"総基安第12号","measures":"卸先事業者への連絡体制を整備し報告すること。",
				"follow_up_due":"2019-08-31","follow_up_status":"closed","follow_up_text":"連絡体制の整備を確認した。"}`),
			status: 200, schema: "Guidance", contains: []string{`"status":"closed"`}},
		{name: "guidance: none such", login: "secretariat", method: "GET", path: fixed("/api/v1/guidance/999999"), status: 404},
	}
	for _, s := range steps {
		body := ""
		if s.body != nil {
			body = s.body()
		}
		status, got := st.Do(t, s.login, s.method, s.path(), body)
		if !assert.Equal(t, s.status, status, "%s: %s", s.name, got) {
			continue
		}
		for _, want := range s.contains {
			assert.Contains(t, got, want, s.name)
		}
		for _, no := range s.absent {
			assert.NotContains(t, got, no, s.name)
		}
		if s.schema != "" {
			var v any
			require.NoError(t, json.Unmarshal([]byte(got), &v), s.name)
			assert.NoError(t, spec.Components.Schemas[s.schema].Value.VisitJSON(v), "%s: %s", s.name, s.schema)
		}
		if s.then != nil {
			s.then(got)
		}
	}

	// Committee material is never in an answer to those who may not read it.
	st.Plant(t)
	for _, who := range []string{"kddi", "docomo", "editor", "optage"} {
		for _, path := range []string{"/api/v1/lessons", "/api/v1/guidance", "/api/v1/public/guidance", "/api/v1/lessons/COOP-01"} {
			_, got := st.Do(t, who, "GET", path, "")
			stacktest.NoMarkers(t, got, st.Forbidden(who), who+" "+path)
			assert.False(t, strings.Contains(got, "連絡体制の整備を確認した"), "%s %s: the follow-up is committee tier", who, path)
		}
	}
}
