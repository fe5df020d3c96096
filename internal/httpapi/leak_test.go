package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/stacktest"
)

// The leak matrix: every role × every tier of case × every surface of the
// API gets exactly the sections the policy allows, and a marker planted in
// every section it may not see never appears in what it gets back.

// section names as they appear in the case JSON.
const (
	ov  = "overview"
	an  = "anonymised"
	rs  = "restricted"
	own = "own"
	cm  = "committee"
)

var allSections = []string{ov, an, rs, own, cm}

// target is a demo case standing for one tier situation.
type target struct {
	ref  string
	what string
}

var targets = []target{
	{"2018-001", "published serious accident (SoftBank)"},
	{"2019-001", "unpublished accident of J:COM East and KDDI, shared with NTT Docomo"},
	{"2020-004", "unpublished accident of NTT Docomo, not shared"},
	{"DEMO-NM-2023-001", "near-miss of KDDI with an approved anonymised summary"},
	{"DEMO-NM-2024-001", "near-miss of NTT Docomo with a draft summary"},
}

// want is role → ref → the sections that role sees (nil: the case is
// invisible, a 404).
var want = map[string]map[string][]string{
	"secretariat": {
		"2018-001": {ov, rs, own, cm}, "2019-001": {ov, rs, own, cm}, "2020-004": {ov, rs, own, cm},
		"DEMO-NM-2023-001": {ov, an, rs, own, cm}, "DEMO-NM-2024-001": {ov, rs, own, cm},
	},
	// Expert with a declared conflict with SoftBank.
	"expert": {
		"2018-001": nil, "2019-001": {ov, rs, own, cm}, "2020-004": {ov, rs, own, cm},
		"DEMO-NM-2023-001": {ov, an, rs, own, cm}, "DEMO-NM-2024-001": {ov, rs, own, cm},
	},
	// Reporter of KDDI (designated, no share): own cases and public parts.
	"kddi": {
		"2018-001": {ov}, "2019-001": {ov, rs, own}, "2020-004": nil,
		"DEMO-NM-2023-001": {ov, an, rs, own}, "DEMO-NM-2024-001": nil,
	},
	// Reporter of NTT Docomo (designated, 2019-001 shared with it).
	"docomo": {
		"2018-001": {ov}, "2019-001": {ov, rs}, "2020-004": {ov, rs, own},
		"DEMO-NM-2023-001": {an}, "DEMO-NM-2024-001": {ov, rs, own},
	},
	// Reporter of a non-designated operator with no case here.
	"optage": {
		"2018-001": {ov}, "2019-001": nil, "2020-004": nil,
		"DEMO-NM-2023-001": {an}, "DEMO-NM-2024-001": nil,
	},
	"editor": {
		"2018-001": {ov}, "2019-001": nil, "2020-004": nil, "DEMO-NM-2023-001": {an}, "DEMO-NM-2024-001": nil,
	},
	"auditor": {
		"2018-001": {ov}, "2019-001": nil, "2020-004": nil, "DEMO-NM-2023-001": {an}, "DEMO-NM-2024-001": nil,
	},
	// Administrators see no case content at all.
	"admin": {
		"2018-001": nil, "2019-001": nil, "2020-004": nil, "DEMO-NM-2023-001": nil, "DEMO-NM-2024-001": nil,
	},
}

// marker is the string planted in a section of a case.
func marker(section string, id int64) string {
	return fmt.Sprintf("LEAKMARK%s%dZ", strings.ToUpper(section[:2]), id)
}

// plant puts a marker into every section of every target case.
func plant(t *testing.T, st *stacktest.Stack) {
	t.Helper()
	for _, tg := range targets {
		id := st.Cases[tg.ref]
		for _, q := range []struct {
			sql string
			sec string
		}{
			{"UPDATE cases SET summary = summary || ' ' || ? WHERE id = ?", ov},
			{"UPDATE cases SET detail = ? WHERE id = ?", rs},
			{"UPDATE cases SET contacts = ? WHERE id = ?", own},
			{"UPDATE cases SET committee_notes = ? WHERE id = ?", cm},
			{"UPDATE near_miss_summaries SET text = text || ' ' || ? WHERE case_id = ? AND status = 'approved'", an},
			// A draft summary is committee material.
			{"UPDATE near_miss_summaries SET text = ? || 'draft' WHERE case_id = ? AND status = 'draft'", cm},
		} {
			require.NoError(t, st.DB.Exec(q.sql, marker(q.sec, id), id).Error)
		}
	}
}

// forbidden lists the markers role may not see, over all targets.
func forbidden(st *stacktest.Stack, role string) []string {
	var out []string
	for _, tg := range targets {
		id := st.Cases[tg.ref]
		for _, s := range allSections {
			if !slices.Contains(want[role][tg.ref], s) {
				out = append(out, marker(s, id))
			}
		}
	}
	return out
}

func assertNoMarkers(t *testing.T, body string, markers []string, where string) {
	t.Helper()
	for _, m := range markers {
		assert.NotContains(t, body, m, "%s leaks %s", where, m)
	}
}

func TestLeakMatrix(t *testing.T) {
	st := stacktest.New(t)
	plant(t, st)
	byID := map[int64]string{}
	for _, tg := range targets {
		byID[st.Cases[tg.ref]] = tg.ref
	}

	for role, cases := range want {
		t.Run(role, func(t *testing.T) {
			bad := forbidden(st, role)
			var visible []int64

			// Case JSON: exactly the allowed sections, with their TLP labels.
			for _, tg := range targets {
				id := st.Cases[tg.ref]
				status, body := st.Do(t, role, "GET", fmt.Sprintf("/api/v1/cases/%d", id), "")
				assertNoMarkers(t, body, bad, "case JSON "+tg.ref)
				exp := cases[tg.ref]
				if exp == nil {
					assert.Equal(t, 404, status, "%s: %s should be invisible", tg.ref, tg.what)
					assert.JSONEq(t, `{"error":"case not found"}`, stripRequestID(t, body))
					continue
				}
				visible = append(visible, id)
				require.Equal(t, 200, status, "%s: %s", tg.ref, body)
				var v map[string]json.RawMessage
				require.NoError(t, json.Unmarshal([]byte(body), &v))
				var got []string
				for _, s := range allSections {
					if _, ok := v[s]; ok {
						got = append(got, s)
						assert.Contains(t, body, marker(s, id), "%s: section %s lacks its marker", tg.ref, s)
						var lbl struct{ TLP string }
						require.NoError(t, json.Unmarshal(v[s], &lbl))
						assert.Regexp(t, `^TLP:(CLEAR|AMBER|RED)$`, lbl.TLP)
					}
				}
				assert.Equal(t, exp, got, "%s: %s", tg.ref, tg.what)
			}

			// Errors: an action on a case says nothing about hidden parts.
			for _, tg := range targets {
				_, body := st.Do(t, role, "POST", fmt.Sprintf("/api/v1/cases/%d/shares", st.Cases[tg.ref]), `{"organisation":"no such org","reason":"x"}`)
				assertNoMarkers(t, body, bad, "share error "+tg.ref)
			}

			// List: the visible targets, nothing else of them; counts match.
			listed := map[int64]bool{}
			cursor := ""
			total := -1
			for {
				status, body := st.Do(t, role, "GET", "/api/v1/cases?limit=7&cursor="+url.QueryEscape(cursor), "")
				require.Equal(t, 200, status, body)
				assertNoMarkers(t, body, bad, "list")
				var page struct {
					Items      []struct{ ID int64 }
					Total      int
					NextCursor string `json:"next_cursor"`
				}
				require.NoError(t, json.Unmarshal([]byte(body), &page))
				total = page.Total
				for _, it := range page.Items {
					assert.False(t, listed[it.ID], "case %d listed twice", it.ID)
					listed[it.ID] = true
				}
				if page.NextCursor == "" {
					break
				}
				cursor = page.NextCursor
			}
			assert.Equal(t, len(listed), total, "the total counts what the caller can see")
			for id, ref := range byID {
				assert.Equal(t, slices.Contains(visible, id), listed[id], "list and case JSON disagree on %s", ref)
			}
			// Every listed case, targets or not, opens.
			for id := range listed {
				status, _ := st.Do(t, role, "GET", fmt.Sprintf("/api/v1/cases/%d", id), "")
				assert.Equal(t, 200, status, "listed case %d does not open", id)
			}

			// Search: a marker finds its case only if its section is visible.
			for _, tg := range targets {
				id := st.Cases[tg.ref]
				for _, s := range allSections {
					status, body := st.Do(t, role, "GET", "/api/v1/cases?q="+marker(s, id), "")
					require.Equal(t, 200, status)
					found := strings.Contains(body, fmt.Sprintf(`"id":%d,`, id))
					assert.Equal(t, slices.Contains(cases[tg.ref], s), found, "search for the %s marker of %s", s, tg.ref)
				}
			}

			// Export: the same set, the same sections.
			status, body := st.Do(t, role, "GET", "/api/v1/cases/export", "")
			require.Equal(t, 200, status)
			assertNoMarkers(t, body, bad, "export")
			exported := 0
			for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
				if line != "" {
					exported++
				}
			}
			assert.Equal(t, len(listed), exported)

			// The public endpoint is the same for everyone.
			_, body = st.Do(t, role, "GET", "/api/v1/public/near-misses", "")
			assertNoMarkers(t, body, forbidden(st, "optage"), "public near-misses")
		})
	}

	t.Run("anonymous", func(t *testing.T) {
		for _, path := range []string{"/api/v1/cases", "/api/v1/cases/export", fmt.Sprintf("/api/v1/cases/%d", st.Cases["2018-001"])} {
			status, body := st.Do(t, "", "GET", path, "")
			assert.Equal(t, 401, status, path)
			assertNoMarkers(t, body, forbidden(st, "admin"), path)
		}
		status, body := st.Do(t, "", "GET", "/api/v1/public/near-misses", "")
		require.Equal(t, 200, status)
		nm := st.Cases["DEMO-NM-2023-001"]
		assert.Contains(t, body, marker(an, nm))
		bad := forbidden(st, "optage")
		bad = slices.DeleteFunc(bad, func(m string) bool { return m == marker(ov, st.Cases["2018-001"]) })
		assertNoMarkers(t, body, bad, "public near-misses")
		assert.NotContains(t, body, "KDDI")
	})
}

func stripRequestID(t *testing.T, body string) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &m))
	delete(m, "request_id")
	b, _ := json.Marshal(m)
	return string(b)
}

func TestShareAndRevokeTakeEffectAtOnce(t *testing.T) {
	st := stacktest.New(t)
	id := st.Cases["2020-004"] // NTT Docomo's
	path := fmt.Sprintf("/api/v1/cases/%d", id)
	status, _ := st.Do(t, "kddi", "GET", path, "")
	require.Equal(t, 404, status)

	// Only the secretariat shares; a reporter who sees the case gets 403.
	status, _ = st.Do(t, "docomo", "POST", path+"/shares", `{"organisation":"KDDI","reason":"r"}`)
	assert.Equal(t, 403, status)
	// A non-designated organisation cannot receive restricted material.
	status, body := st.Do(t, "secretariat", "POST", path+"/shares", `{"organisation":"株式会社オプテージ","reason":"r"}`)
	assert.Equal(t, 422, status)
	assert.Contains(t, body, "not a designated public institution")
	status, body = st.Do(t, "secretariat", "POST", path+"/shares", `{"organisation":"au","reason":""}`)
	assert.Equal(t, 422, status)
	assert.Contains(t, body, `"path":"reason"`)

	status, body = st.Do(t, "secretariat", "POST", path+"/shares", `{"organisation":"au","reason":"情報共有会 2026-11"}`)
	require.Equal(t, 201, status, body)
	assert.Contains(t, body, "KDDI株式会社")
	status, body = st.Do(t, "kddi", "GET", path, "")
	require.Equal(t, 200, status)
	assert.Contains(t, body, `"restricted"`)
	assert.NotContains(t, body, `"committee"`)
	assert.NotContains(t, body, `"own"`)
	_, body = st.Do(t, "secretariat", "GET", path, "")
	assert.Contains(t, body, "情報共有会 2026-11", "the share is shown on the case with its reason")

	// Searching by organisation id or name both revoke.
	status, _ = st.Do(t, "secretariat", "DELETE", path+"/shares/KDDI株式会社", "")
	require.Equal(t, 204, status)
	status, _ = st.Do(t, "kddi", "GET", path, "")
	assert.Equal(t, 404, status)
	status, _ = st.Do(t, "secretariat", "DELETE", path+"/shares/KDDI株式会社", "")
	assert.Equal(t, 404, status)

	// Both are in the audit trail, which only the auditor reads.
	status, _ = st.Do(t, "secretariat", "GET", "/api/v1/audit", "")
	assert.Equal(t, 403, status)
	status, body = st.Do(t, "auditor", "GET", fmt.Sprintf("/api/v1/audit?case=%d", id), "")
	require.Equal(t, 200, status)
	assert.Contains(t, body, `"action":"share"`)
	assert.Contains(t, body, `"action":"unshare"`)
	status, body = st.Do(t, "auditor", "GET", "/api/v1/audit/verify", "")
	require.Equal(t, 200, status)
	assert.Contains(t, body, `"ok":true`)
}

func TestAnonymisedSummaryIsScannedBeforeApproval(t *testing.T) {
	st := stacktest.New(t)
	id := st.Cases["DEMO-NM-2024-001"]
	path := fmt.Sprintf("/api/v1/cases/%d/anonymised", id)
	status, body := st.Do(t, "secretariat", "GET", fmt.Sprintf("/api/v1/cases/%d", id), "")
	require.Equal(t, 200, status)
	var v struct {
		Committee struct {
			Anonymising struct {
				Text    string
				Version int
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(body), &v))
	draft := v.Committee.Anonymising
	assert.NotContains(t, draft.Text, "ドコモ", "the proposal hides the operator")

	// An alias slipped back in blocks approval, naming the span.
	leaky := "ＮＴＴドコモ相当の事業者で設定誤りがあったが、切り戻しにより影響はなかった。"
	status, body = st.Do(t, "secretariat", "PUT", path, fmt.Sprintf(`{"text":%q,"version":%d}`, leaky, draft.Version))
	require.Equal(t, 200, status, body)
	status, body = st.Do(t, "secretariat", "POST", path+"/approve", fmt.Sprintf(`{"version":%d}`, draft.Version+1))
	assert.Equal(t, 422, status)
	assert.Contains(t, body, "publication blocked")
	assert.Contains(t, body, "ＮＴＴドコモ")
	_, pub := st.Do(t, "", "GET", "/api/v1/public/near-misses", "")
	assert.NotContains(t, pub, "設定誤りがあったが")

	// A stale version is a conflict, not a lost edit.
	status, _ = st.Do(t, "secretariat", "PUT", path, fmt.Sprintf(`{"text":"x","version":%d}`, draft.Version))
	assert.Equal(t, 409, status)

	clean := "ある携帯電話事業者で設定誤りがあったが、切り戻しにより影響はなかった。"
	status, _ = st.Do(t, "secretariat", "PUT", path, fmt.Sprintf(`{"text":%q,"version":%d}`, clean, draft.Version+1))
	require.Equal(t, 200, status)
	status, body = st.Do(t, "secretariat", "POST", path+"/approve", fmt.Sprintf(`{"version":%d}`, draft.Version+2))
	require.Equal(t, 200, status, body)
	_, pub = st.Do(t, "", "GET", "/api/v1/public/near-misses", "")
	assert.Contains(t, pub, clean)
	assert.Contains(t, pub, "TLP:CLEAR")

	// Only the secretariat approves.
	status, _ = st.Do(t, "expert", "POST", path+"/approve", `{"version":1}`)
	assert.Equal(t, 403, status)
}

func TestPublishOpensTheOverviewOnly(t *testing.T) {
	st := stacktest.New(t)
	id := st.Cases["2020-004"]
	path := fmt.Sprintf("/api/v1/cases/%d", id)
	status, _ := st.Do(t, "optage", "GET", path, "")
	require.Equal(t, 404, status)
	status, _ = st.Do(t, "docomo", "POST", path+"/publish", "")
	assert.Equal(t, 403, status, "the owner sees the case but may not publish it")
	status, body := st.Do(t, "secretariat", "POST", fmt.Sprintf("/api/v1/cases/%d/publish", st.Cases["DEMO-NM-2024-001"]), "")
	assert.Equal(t, 422, status)
	assert.Contains(t, body, "anonymised summaries")

	status, body = st.Do(t, "secretariat", "POST", path+"/publish", "")
	require.Equal(t, 200, status, body)
	status, body = st.Do(t, "optage", "GET", path, "")
	require.Equal(t, 200, status)
	assert.Contains(t, body, `"tlp":"TLP:CLEAR"`)
	assert.Contains(t, body, "株式会社NTTドコモ")
	assert.NotContains(t, body, `"restricted"`)
	assert.NotContains(t, body, "設備統括管理者")
}
