package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/stacktest"
)

// quickBody is a quick report of org, ref with summary.
func quickBody(org, ref, summary string) string {
	return fmt.Sprintf(`{"kind":"quick","case":{"ref":%q,"kind":"accident","operators":[{"name":%q}],
	"occurred_at":"2025-02-03T08:00:00+09:00","area":"大阪府","summary":%q,
	"impacts":[{"service":"voice_emergency","peak_users":80000,"timeline":[{"from":"2025-02-03T08:00:00+09:00","to":"2025-02-03T09:30:00+09:00","users":80000}]}],
	"report":{"status":"ongoing","prefectures":["osaka"]}}}`, ref, org, summary)
}

// detailedBody is the detailed report of the same accident; items may be
// cut to provoke errors.
func detailedBody(org, ref string, caseID int64, drop string) string {
	items := map[string]any{"equipment_type": "switching", "equipment_outline": "IMS 呼制御装置", "development": "08:00 装置の再起動が連鎖した。",
		"recovery_actions": "予備系へ手動で切替え、09:30に復旧。", "user_notices": []string{"website", "press"},
		"facility_manager": "高橋一郎", "chief_engineer": "鈴木次郎", "chief_engineer_licence": "transmission_switching",
		"proportional": map[string]any{"archetype": "unknown_software_bug", "aspects": map[string]string{
			"early_detection": "呼損率の監視閾値を見直した。", "emergency_recovery": "手動切替手順を整備した。"}}}
	delete(items, drop)
	c := map[string]any{"ref": ref, "kind": "accident", "operators": []any{map[string]string{"name": org}},
		"occurred_at": "2025-02-03T08:00:00+09:00", "recovered_at": "2025-02-03T09:30:00+09:00", "area": "大阪府",
		"summary": "緊急通報を含む音声通話が利用できなかった。",
		"impacts": []any{map[string]any{"service": "voice_emergency", "peak_users": 80000,
			"timeline": []any{map[string]any{"from": "2025-02-03T08:00:00+09:00", "to": "2025-02-03T09:30:00+09:00", "users": 80000}}}},
		"cause": map[string]string{"class": "equipment", "archetype": "software_bug", "text": "呼制御ソフトウェアの未知の不具合"}, "report": items}
	b, _ := json.Marshal(map[string]any{"kind": "detailed", "case_id": caseID, "case": c})
	return string(b)
}

// multipartFile is a multipart/form-data body with one file part.
func multipartFile(name string, data []byte) string {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, _ := w.CreateFormFile("file", name)
	_, _ = part.Write(data)
	_ = w.Close()
	return buf.String()
}

// TestIntakeAPI walks the operators' and the secretariat's intake
// endpoints in order; each step names the state it builds on.
func TestIntakeAPI(t *testing.T) {
	st := stacktest.New(t)
	var caseID, docomoCase, draftID int64
	var version int
	id := func(body, field string) int64 {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(body), &m), body)
		return int64(m[field].(float64))
	}
	pdf := []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
	type step struct {
		name, login, method string
		path                func() string
		body                func() string
		header              map[string]string
		status              int
		contains            []string
		then                func(body string)
	}
	fixed := func(s string) func() string { return func() string { return s } }
	steps := []step{
		{name: "anonymous", method: "POST", path: fixed("/api/v1/reports"), body: fixed(quickBody("KDDI株式会社", "API-1", "x")), status: 401},
		{name: "the secretariat does not file for operators", login: "secretariat", method: "POST", path: fixed("/api/v1/reports"),
			body: fixed(quickBody("KDDI株式会社", "API-1", "x")), status: 403},
		{name: "quick report", login: "kddi", method: "POST", path: fixed("/api/v1/reports"), header: map[string]string{"Idempotency-Key": "k-1"},
			body: fixed(quickBody("KDDI株式会社", "API-1", "音声通話が利用しづらい。")), status: 201,
			contains: []string{`"sequence":1`, `"duplicate":false`, `"kind":"quick"`, `"serious":true`},
			then:     func(b string) { caseID = id(b, "case_id") }},
		{name: "retry with the same key replays", login: "kddi", method: "POST", path: fixed("/api/v1/reports"), header: map[string]string{"Idempotency-Key": "k-1"},
			body: fixed(quickBody("KDDI株式会社", "API-1", "音声通話が利用しづらい。")), status: 201, contains: []string{`"sequence":1`}},
		{name: "the same key with another request", login: "kddi", method: "POST", path: fixed("/api/v1/reports"), header: map[string]string{"Idempotency-Key": "k-1"},
			body: fixed(quickBody("KDDI株式会社", "API-1", "別の内容")), status: 422, contains: []string{`"path":"Idempotency-Key"`}},
		{name: "duplicate submission without a key", login: "kddi", method: "POST", path: fixed("/api/v1/reports"),
			body: fixed(quickBody("KDDI株式会社", "API-1", "音声通話が利用しづらい。")), status: 200, contains: []string{`"duplicate":true`, `"sequence":1`}},
		{name: "unknown kind", login: "kddi", method: "POST", path: fixed("/api/v1/reports"),
			body: fixed(strings.Replace(quickBody("KDDI株式会社", "API-2", "x"), `"kind":"quick"`, `"kind":"final"`, 1)), status: 422, contains: []string{`"path":"kind"`}},
		{name: "another organisation named", login: "kddi", method: "POST", path: fixed("/api/v1/reports"),
			body: fixed(quickBody("株式会社NTTドコモ", "API-3", "x")), status: 422, contains: []string{`"path":"operators[0].name"`}},
		{name: "bad v1 names its path", login: "kddi", method: "POST", path: fixed("/api/v1/reports"),
			body:   fixed(strings.Replace(quickBody("KDDI株式会社", "API-4", "x"), `"to":"2025-02-03T09:30:00+09:00"`, `"to":"2025-02-03T07:00:00+09:00"`, 1)),
			status: 422, contains: []string{`"path":"impacts[0].timeline[0].to"`}},
		{name: "detailed report missing an item", login: "kddi", method: "POST", path: fixed("/api/v1/reports"),
			body: func() string { return detailedBody("KDDI株式会社", "API-1", caseID, "development") }, status: 422, contains: []string{`"path":"report.development"`}},
		{name: "another organisation's case", login: "docomo", method: "POST", path: fixed("/api/v1/reports"),
			body: func() string { return detailedBody("株式会社NTTドコモ", "D-1", caseID, "") }, status: 404},
		{name: "detailed report", login: "kddi", method: "POST", path: fixed("/api/v1/reports"),
			body: func() string { return detailedBody("KDDI株式会社", "API-1", caseID, "") }, status: 201,
			contains: []string{`"sequence":2`, `"kind":"detailed"`},
			then:     func(b string) { assert.Equal(t, caseID, id(b, "case_id"), "one case") }},
		{name: "the secretariat sees one case with both reports", login: "secretariat", method: "GET", path: func() string { return fmt.Sprintf("/api/v1/cases/%d", caseID) },
			status: 200, contains: []string{`"kind":"quick"`, `"kind":"detailed"`, `"sequence":2`}},
		{name: "catalogue", login: "kddi", method: "GET", path: fixed("/api/v1/intake/catalogue"), status: 200,
			contains: []string{`"id":"unknown_software_bug"`, `"weight":"thick"`, `"id":"osaka"`}},
		{name: "new draft", login: "kddi", method: "POST", path: fixed("/api/v1/drafts"),
			body: fixed(`{"case_kind":"near_miss","report_kind":"quick","body":{"summary":"一"}}`), status: 201, contains: []string{`"version":1`},
			then: func(b string) { draftID = id(b, "id") }},
		{name: "draft: bad kind", login: "kddi", method: "POST", path: fixed("/api/v1/drafts"),
			body: fixed(`{"case_kind":"meteor","report_kind":"quick"}`), status: 422, contains: []string{`"path":"case_kind"`}},
		{name: "save draft", login: "kddi", method: "PUT", path: func() string { return fmt.Sprintf("/api/v1/drafts/%d", draftID) },
			body: fixed(`{"version":1,"case_kind":"near_miss","report_kind":"quick","body":{"summary":"二"}}`), status: 200, contains: []string{`"version":2`}},
		{name: "stale draft save", login: "kddi", method: "PUT", path: func() string { return fmt.Sprintf("/api/v1/drafts/%d", draftID) },
			body: fixed(`{"version":1,"case_kind":"near_miss","report_kind":"quick","body":{"summary":"三"}}`), status: 409,
			contains: []string{`"current_version":2`, `"path":"summary"`, `"before":"一"`, `"after":"二"`}},
		{name: "draft without version", login: "kddi", method: "PUT", path: func() string { return fmt.Sprintf("/api/v1/drafts/%d", draftID) },
			body: fixed(`{"case_kind":"near_miss","report_kind":"quick"}`), status: 422, contains: []string{`"path":"version"`}},
		{name: "another organisation's draft", login: "docomo", method: "GET", path: func() string { return fmt.Sprintf("/api/v1/drafts/%d", draftID) }, status: 404},
		{name: "drafts list", login: "kddi", method: "GET", path: fixed("/api/v1/drafts"), status: 200, contains: []string{`"summary":"二"`}},
		{name: "attach a PDF", login: "kddi", method: "POST", path: func() string { return fmt.Sprintf("/api/v1/drafts/%d/attachments", draftID) },
			body: func() string { return multipartFile("経過.pdf", pdf) }, status: 201, contains: []string{`"content_type":"application/pdf"`}},
		{name: "attach a disguised HTML file", login: "kddi", method: "POST", path: func() string { return fmt.Sprintf("/api/v1/drafts/%d/attachments", draftID) },
			body: func() string { return multipartFile("x.pdf", []byte("<html><script>1</script>")) }, status: 422, contains: []string{`"path":"file"`}},
		{name: "submit an incomplete draft", login: "kddi", method: "POST", path: func() string { return fmt.Sprintf("/api/v1/drafts/%d/submit", draftID) },
			status: 422, contains: []string{`"path":"ref"`}},
		{name: "working copy", login: "secretariat", method: "GET", path: func() string { return fmt.Sprintf("/api/v1/cases/%d/working-copy", caseID) },
			status: 200, contains: []string{`"version":2`}, then: func(b string) { version = int(id(b, "version")) }},
		{name: "working copy: the operator may not edit", login: "kddi", method: "PUT", path: func() string { return fmt.Sprintf("/api/v1/cases/%d/working-copy", caseID) },
			body: fixed(`{"version":2}`), status: 403},
		{name: "working copy: invisible to others", login: "optage", method: "GET", path: func() string { return fmt.Sprintf("/api/v1/cases/%d/working-copy", caseID) }, status: 404},
		{name: "validate", login: "secretariat", method: "PUT", path: func() string { return fmt.Sprintf("/api/v1/cases/%d/working-copy", caseID) },
			body: func() string { return fmt.Sprintf(`{"version":%d}`, version) }, status: 200, contains: []string{`"version":3`, `"validated_by":"user:`}},
		{name: "stale validation", login: "secretariat", method: "PUT", path: func() string { return fmt.Sprintf("/api/v1/cases/%d/working-copy", caseID) },
			body: func() string { return fmt.Sprintf(`{"version":%d}`, version) }, status: 409, contains: []string{`"current_version":3`}},
		{name: "amendment after validation is flagged", login: "kddi", method: "POST", path: fixed("/api/v1/reports"),
			body: func() string {
				return strings.Replace(detailedBody("KDDI株式会社", "API-1", caseID, ""), `"recovered_at":"2025-02-03T09:30:00+09:00"`, `"recovered_at":"2025-02-03T09:45:00+09:00"`, 1)
			}, status: 201, contains: []string{`"kind":"amendment"`, `"flagged":["recovered_at"]`}},
		{name: "flags", login: "secretariat", method: "GET", path: func() string { return fmt.Sprintf("/api/v1/cases/%d/flags", caseID) },
			status: 200, contains: []string{`"path":"recovered_at"`, `"reported":"2025-02-03T09:45:00+09:00"`}},
		{name: "flags: not the operator's desk", login: "kddi", method: "GET", path: func() string { return fmt.Sprintf("/api/v1/cases/%d/flags", caseID) }, status: 403},
		{name: "keep the validated value", login: "secretariat", method: "POST", path: func() string { return fmt.Sprintf("/api/v1/cases/%d/flags/resolve", caseID) },
			body: func() string {
				return fmt.Sprintf(`{"report_id":%d,"path":"recovered_at","accept":false,"version":3}`, reportOf(t, st, caseID, 3))
			}, status: 200, contains: []string{`"resolution":"kept"`}},
		{name: "a customer's report", login: "docomo", method: "POST", path: fixed("/api/v1/reports"),
			body: fixed(quickBody("株式会社NTTドコモ", "MVNO-1", "卸元の障害により音声通話が利用できない。")), status: 201,
			then: func(b string) { docomoCase = id(b, "case_id") }},
		{name: "link: reason required", login: "secretariat", method: "POST", path: func() string { return fmt.Sprintf("/api/v1/cases/%d/links", caseID) },
			body: func() string { return fmt.Sprintf(`{"case_id":%d}`, docomoCase) }, status: 422, contains: []string{`"path":"reason"`}},
		{name: "link: operators may not", login: "kddi", method: "POST", path: func() string { return fmt.Sprintf("/api/v1/cases/%d/links", caseID) },
			body: func() string { return fmt.Sprintf(`{"case_id":%d,"reason":"x"}`, docomoCase) }, status: 403},
		{name: "link", login: "secretariat", method: "POST", path: func() string { return fmt.Sprintf("/api/v1/cases/%d/links", caseID) },
			body: func() string { return fmt.Sprintf(`{"case_id":%d,"reason":"卸先からの報告"}`, docomoCase) }, status: 200,
			contains: []string{`"role":"wholesale_provider"`, `"role":"wholesale_customer"`}},
		{name: "the customer sees its own reports only", login: "docomo", method: "GET", path: func() string { return fmt.Sprintf("/api/v1/cases/%d", caseID) },
			status: 200, then: func(b string) {
				assert.Equal(t, 1, strings.Count(b, `"sequence":`), "docomo's quick report only: %s", b)
				assert.NotContains(t, b, `"kind":"detailed"`)
			}},
		{name: "the provider sees its own reports only", login: "kddi", method: "GET", path: func() string { return fmt.Sprintf("/api/v1/cases/%d", caseID) },
			status: 200, then: func(b string) {
				assert.Equal(t, 3, strings.Count(b, `"sequence":`), "quick, detailed, amendment: %s", b)
			}},
		{name: "the linked case is listed as the joint one", login: "docomo", method: "GET", path: fixed("/api/v1/cases?limit=200"),
			status: 200, then: func(b string) {
				assert.Contains(t, b, fmt.Sprintf(`"id":%d,`, caseID))
				assert.NotContains(t, b, fmt.Sprintf(`"id":%d,`, docomoCase))
			}},
		{name: "split", login: "secretariat", method: "POST", path: func() string { return fmt.Sprintf("/api/v1/cases/%d/split", caseID) },
			body: func() string { return fmt.Sprintf(`{"case_id":%d,"reason":"別事象"}`, docomoCase) }, status: 200, contains: []string{`"role":"reporter"`}},
		{name: "split: not linked", login: "secretariat", method: "POST", path: func() string { return fmt.Sprintf("/api/v1/cases/%d/split", caseID) },
			body: func() string { return fmt.Sprintf(`{"case_id":%d,"reason":"x"}`, docomoCase) }, status: 422, contains: []string{`"path":"case_id"`}},
	}
	for _, s := range steps {
		body := ""
		if s.body != nil {
			body = s.body()
		}
		header := s.header
		if strings.HasPrefix(body, "--") {
			// A multipart body: its boundary is its first line.
			first, _, _ := strings.Cut(body, "\r\n")
			header = map[string]string{"Content-Type": "multipart/form-data; boundary=" + strings.TrimPrefix(first, "--")}
		}
		status, got := st.DoWith(t, s.login, s.method, s.path(), body, header)
		if !assert.Equal(t, s.status, status, "%s: %s", s.name, got) {
			continue
		}
		for _, want := range s.contains {
			assert.Contains(t, got, want, s.name)
		}
		if s.then != nil {
			s.then(got)
		}
	}
}

// reportOf is the id of report sequence seq of case id.
func reportOf(t *testing.T, st *stacktest.Stack, caseID int64, seq int) int64 {
	t.Helper()
	var id int64
	require.NoError(t, st.DB.Raw(`SELECT id FROM reports WHERE case_id = ? AND sequence = ?`, caseID, seq).Scan(&id).Error)
	return id
}

// A serious accident's quick report opens its detailed-report deadline
// (30 days after occurrence); the detailed report meets it.
func TestSubmissionsKeepDeadlines(t *testing.T) {
	st := stacktest.New(t)
	status, got := st.Do(t, "kddi", "POST", "/api/v1/reports", quickBody("KDDI株式会社", "DL-1", "音声通話が利用できない。"))
	require.Equal(t, 201, status, got)
	var s struct {
		CaseID int64 `json:"case_id"`
	}
	require.NoError(t, json.Unmarshal([]byte(got), &s))
	var due []struct {
		Kind  string
		DueAt string
		Met   bool
	}
	require.NoError(t, st.DB.Raw(`SELECT kind, to_char(due_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI') AS due_at, met_at IS NOT NULL AS met
		FROM deadlines WHERE case_id = ?`, s.CaseID).Scan(&due).Error)
	require.Len(t, due, 1, "one deadline: the detailed report")
	assert.Equal(t, "2025-03-06 00:00", due[0].DueAt, "the end of the 30th day after 2025-02-03 (JST)")
	assert.False(t, due[0].Met)

	status, got = st.Do(t, "kddi", "POST", "/api/v1/reports", detailedBody("KDDI株式会社", "DL-1", s.CaseID, ""))
	require.Equal(t, 201, status, got)
	require.NoError(t, st.DB.Raw(`SELECT kind, met_at IS NOT NULL AS met FROM deadlines WHERE case_id = ?`, s.CaseID).Scan(&due).Error)
	require.Len(t, due, 1)
	assert.True(t, due[0].Met, "the detailed report meets it")
	status, got = st.Do(t, "secretariat", "GET", "/api/v1/deadlines", "")
	require.Equal(t, 200, status, got)
}

// A quarterly report filed through the per-accident form is its quarter's
// detailed-form row too: listed with the uploaded ones, keyed by the ref.
func TestQuarterlyReportBecomesARow(t *testing.T) {
	st := stacktest.New(t)
	body := `{"kind":"quarterly_detailed","case":{"ref":"Q-FORM-1","kind":"accident","operators":[{"name":"KDDI株式会社"}],
	"occurred_at":"2025-05-10T10:00:00+09:00","recovered_at":"2025-05-10T12:30:00+09:00","summary":"伝送路の故障によりデータ通信が停止した。",
	"impacts":[{"service":"internet_access","peak_users":12000,"timeline":[{"from":"2025-05-10T10:00:00+09:00","to":"2025-05-10T12:30:00+09:00","users":12000}]}],
	"cause":{"class":"equipment","archetype":"hardware_failure","text":"伝送装置の故障"},
	"report":{"equipment_type":"transmission","prefectures":["miyagi"]}}}`
	status, got := st.Do(t, "kddi", "POST", "/api/v1/reports", body)
	require.Equal(t, 201, status, got)
	status, got = st.Do(t, "kddi", "GET", "/api/v1/quarterly/rows?fiscal_year=2025&quarter=1", "")
	require.Equal(t, 200, status, got)
	for _, want := range []string{`"key":"Q-FORM-1"`, `"form":"detailed"`, `"equipment_type":"transmission"`, `"prefecture":"miyagi"`,
		`"service":"internet_access"`, `"users":12000`, `"duration_minutes":150`, `"report_id":`} {
		assert.Contains(t, got, want)
	}
	status, got = st.Do(t, "docomo", "GET", "/api/v1/quarterly/rows?fiscal_year=2025&quarter=1", "")
	require.Equal(t, 200, status, got)
	assert.NotContains(t, got, "Q-FORM-1", "another organisation's quarterly rows")
}
