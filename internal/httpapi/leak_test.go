package httpapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/stacktest"
)

// The leak matrix: every role × every tier of case × every surface of the
// API gets exactly the sections the policy allows, and a marker planted in
// every section it may not see never appears in what it gets back.

const (
	ov  = stacktest.Overview
	an  = stacktest.Anonymised
	rs  = stacktest.Restricted
	own = stacktest.Own
	cm  = stacktest.Committee
)

var (
	allSections = stacktest.Sections
	targets     = stacktest.Targets
	want        = stacktest.Want
	marker      = stacktest.Marker
)

func forbidden(st *stacktest.Stack, role string) []string { return st.Forbidden(role) }

func assertNoMarkers(t *testing.T, body string, markers []string, where string) {
	t.Helper()
	stacktest.NoMarkers(t, body, markers, where)
}

func TestLeakMatrix(t *testing.T) {
	st := stacktest.New(t)
	st.Plant(t)
	byID := map[int64]string{}
	for _, tg := range targets {
		byID[st.Cases[tg.Ref]] = tg.Ref
	}

	for role, cases := range want {
		if role == "anonymous" {
			continue
		}
		t.Run(role, func(t *testing.T) {
			bad := forbidden(st, role)
			var visible []int64

			// Case JSON: exactly the allowed sections, with their TLP labels.
			for _, tg := range targets {
				id := st.Cases[tg.Ref]
				status, body := st.Do(t, role, "GET", fmt.Sprintf("/api/v1/cases/%d", id), "")
				assertNoMarkers(t, body, bad, "case JSON "+tg.Ref)
				exp := cases[tg.Ref]
				if exp == nil {
					assert.Equal(t, 404, status, "%s: %s should be invisible", tg.Ref, tg.What)
					assert.JSONEq(t, `{"error":"case not found"}`, stripRequestID(t, body))
					continue
				}
				visible = append(visible, id)
				require.Equal(t, 200, status, "%s: %s", tg.Ref, body)
				var v map[string]json.RawMessage
				require.NoError(t, json.Unmarshal([]byte(body), &v))
				var got []string
				for _, s := range allSections {
					if _, ok := v[s]; ok {
						got = append(got, s)
						assert.Contains(t, body, marker(s, id), "%s: section %s lacks its marker", tg.Ref, s)
						var lbl struct{ TLP string }
						require.NoError(t, json.Unmarshal(v[s], &lbl))
						assert.Regexp(t, `^TLP:(CLEAR|AMBER|RED)$`, lbl.TLP)
					}
				}
				assert.Equal(t, exp, got, "%s: %s", tg.Ref, tg.What)
			}

			// Errors: an action on a case says nothing about hidden parts.
			for _, tg := range targets {
				_, body := st.Do(t, role, "POST", fmt.Sprintf("/api/v1/cases/%d/shares", st.Cases[tg.Ref]), `{"organisation":"no such org","reason":"x"}`)
				assertNoMarkers(t, body, bad, "share error "+tg.Ref)
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
				id := st.Cases[tg.Ref]
				for _, s := range allSections {
					status, body := st.Do(t, role, "GET", "/api/v1/cases?q="+marker(s, id), "")
					require.Equal(t, 200, status)
					found := strings.Contains(body, fmt.Sprintf(`"id":%d,`, id))
					assert.Equal(t, slices.Contains(cases[tg.Ref], s), found, "search for the %s marker of %s", s, tg.Ref)
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
			assertNoMarkers(t, body, forbidden(st, "anonymous"), "public near-misses")
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
		assertNoMarkers(t, body, forbidden(st, "anonymous"), "public near-misses")
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

// Partner rights follow the registry's flag: when an organisation stops
// being designated, its shares stop working in every running server.
func TestPartnerRightsFollowTheRegistryFlag(t *testing.T) {
	st := stacktest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go st.Access.Listen(ctx, st.DBURL)

	path := fmt.Sprintf("/api/v1/cases/%d", st.Cases["2019-001"])
	status, _ := st.Do(t, "docomo", "GET", path, "")
	require.Equal(t, 200, status)

	reg, err := os.ReadFile("../../configs/organisations.yaml")
	require.NoError(t, err)
	changed := strings.Replace(string(reg), "name: 株式会社NTTドコモ\n    name_en: NTT Docomo\n    designated: true",
		"name: 株式会社NTTドコモ\n    name_en: NTT Docomo\n    designated: false", 1)
	require.NotEqual(t, string(reg), changed)
	file := filepath.Join(t.TempDir(), "organisations.yaml")
	require.NoError(t, os.WriteFile(file, []byte(changed), 0o600))
	stacktest.Run(t, st.DBURL, "orgs", "load", file)

	assert.Eventually(t, func() bool {
		status, _ := st.Do(t, "docomo", "GET", path, "")
		return status == 404
	}, 5*time.Second, 50*time.Millisecond, "the share no longer opens the case")
	// Its own cases stay its own.
	status, _ = st.Do(t, "docomo", "GET", fmt.Sprintf("/api/v1/cases/%d", st.Cases["2020-004"]), "")
	assert.Equal(t, 200, status)
}

// The operator's original submission is own-tier: its organisation and the
// committee download it byte for byte; a sharee or anyone else gets 404.
func TestOriginalSubmission(t *testing.T) {
	st := stacktest.New(t)
	id := st.Cases["2019-001"]
	status, body := st.Do(t, "kddi", "GET", fmt.Sprintf("/api/v1/cases/%d", id), "")
	require.Equal(t, 200, status)
	var v struct {
		Own struct {
			Reports []struct {
				ID     int64
				SHA256 string
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(body), &v))
	require.Len(t, v.Own.Reports, 1)
	rep := v.Own.Reports[0]
	path := fmt.Sprintf("/api/v1/cases/%d/reports/%d", id, rep.ID)
	for _, who := range []string{"kddi", "secretariat", "expert"} {
		status, body = st.Do(t, who, "GET", path, "")
		require.Equal(t, 200, status, who)
		sum := sha256.Sum256([]byte(body))
		assert.Equal(t, rep.SHA256, hex.EncodeToString(sum[:]), "%s gets the bytes as submitted", who)
	}
	for _, who := range []string{"docomo", "optage", "editor", "admin"} {
		status, _ = st.Do(t, who, "GET", path, "")
		assert.Equal(t, 404, status, who)
	}
	status, _ = st.Do(t, "kddi", "GET", fmt.Sprintf("/api/v1/cases/%d/reports/%d", st.Cases["2020-004"], rep.ID), "")
	assert.Equal(t, 404, status, "a report is found only under its own case")
}

// The secretariat raises a part of one case above its default tier; every
// surface follows at once, and taking the raise back is audited too.
func TestRaisedTiers(t *testing.T) {
	st := stacktest.New(t)
	st.Plant(t)
	id := st.Cases["2019-001"] // J:COM East and KDDI, shared with NTT Docomo
	path := fmt.Sprintf("/api/v1/cases/%d", id)
	rsMark := stacktest.Marker(stacktest.Restricted, id)

	status, _ := st.Do(t, "kddi", "POST", path+"/tiers", `{"section":"restricted","tier":"committee","reason":"r"}`)
	assert.Equal(t, 403, status, "only the secretariat raises")
	status, body := st.Do(t, "secretariat", "POST", path+"/tiers", `{"section":"own","tier":"restricted","reason":"r"}`)
	assert.Equal(t, 422, status, "a raise is above the default")
	assert.Contains(t, body, `"path":"tier"`)
	status, body = st.Do(t, "secretariat", "POST", path+"/tiers", `{"section":"restricted","tier":"committee","reason":""}`)
	assert.Equal(t, 422, status)
	assert.Contains(t, body, `"path":"reason"`)

	status, body = st.Do(t, "secretariat", "POST", path+"/tiers", `{"section":"restricted","tier":"committee","reason":"構成情報は営業秘密"}`)
	require.Equal(t, 200, status, body)
	assert.Contains(t, body, `"restricted":{"tier":"committee","tlp":"TLP:RED"`)
	assert.Contains(t, body, "構成情報は営業秘密")

	for who, sees := range map[string]bool{"docomo": false, "kddi": false, "expert": true, "secretariat": true} {
		_, body := st.Do(t, who, "GET", path, "")
		assert.Equal(t, sees, strings.Contains(body, rsMark), "%s and the raised part", who)
		_, body = st.Do(t, who, "GET", "/api/v1/cases?q="+rsMark, "")
		assert.Equal(t, sees, strings.Contains(body, fmt.Sprintf(`"id":%d,`, id)), "%s searching the raised part", who)
		_, body = st.Do(t, who, "GET", "/api/v1/cases/export", "")
		assert.Equal(t, sees, strings.Contains(body, rsMark), "%s exporting", who)
	}
	// The sharee still sees the overview; the owner its own material.
	_, body = st.Do(t, "docomo", "GET", path, "")
	assert.Contains(t, body, `"overview"`)
	_, body = st.Do(t, "kddi", "GET", path, "")
	assert.Contains(t, body, stacktest.Marker(stacktest.Own, id))

	// A published overview raised again leaves the public.
	pub := fmt.Sprintf("/api/v1/cases/%d", st.Cases["2018-001"])
	status, _ = st.Do(t, "optage", "GET", pub, "")
	require.Equal(t, 200, status)
	status, _ = st.Do(t, "secretariat", "POST", pub+"/tiers", `{"section":"overview","tier":"restricted","reason":"訂正中"}`)
	require.Equal(t, 200, status)
	status, _ = st.Do(t, "optage", "GET", pub, "")
	assert.Equal(t, 404, status)

	// Lowering returns to the default, never below, and is recorded.
	status, _ = st.Do(t, "secretariat", "DELETE", path+"/tiers/restricted", `{"reason":"共有会で合意"}`)
	require.Equal(t, 204, status)
	_, body = st.Do(t, "docomo", "GET", path, "")
	assert.Contains(t, body, rsMark)
	status, _ = st.Do(t, "secretariat", "DELETE", path+"/tiers/restricted", `{"reason":"again"}`)
	assert.Equal(t, 404, status)
	_, body = st.Do(t, "auditor", "GET", fmt.Sprintf("/api/v1/audit?case=%d", id), "")
	assert.Contains(t, body, `"action":"tier.raise"`)
	assert.Contains(t, body, `"action":"tier.lower"`)
}
