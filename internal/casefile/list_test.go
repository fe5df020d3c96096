package casefile

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"kensho/configs"
	"kensho/internal/access"
	"kensho/internal/casestore"
	"kensho/internal/granttest"
	"kensho/internal/redact"
)

// bulk fills a fresh database with n synthetic cases spread over 30
// organisations (the registry's and 23 more): every 10th a near-miss,
// every 50th accident published, every 100th case shared with NTT Docomo.
// It returns the service and a Docomo reporter's subject (a designated
// partner).
func bulk(tb testing.TB, n int) (*Service, access.Subject) {
	tb.Helper()
	gdb, _ := granttest.New(tb, true)
	ctx := context.Background()
	for i := range 23 {
		require.NoError(tb, gdb.Exec("INSERT INTO organisations (name) VALUES (?)", "合成事業者"+strconv.Itoa(i)).Error)
	}
	docomo, err := casestore.FindOrganisation(gdb, "ドコモ")
	require.NoError(tb, err)
	for _, q := range []string{
		`INSERT INTO cases (identity_key, ref, kind, occurred_at, fiscal_year, summary, detail)
		 SELECT 'bulk:' || g, 'B-' || g, CASE WHEN g % 10 = 0 THEN 'near_miss' ELSE 'accident' END,
		        timestamptz '2010-04-01 00:00+09' + g * interval '47 minutes', 2010 + (g * 47 / 525600),
		        '合成事案 ' || g || ' の概要', '合成事案 ' || g || ' の詳細'
		 FROM generate_series(1, ?) g`,
		`INSERT INTO case_operators (case_id, position, organisation_id, reported_name, role)
		 SELECT c.id, 0, o.id, o.name, 'reporter'
		 FROM cases c JOIN (SELECT id, name, row_number() OVER (ORDER BY id) - 1 AS k FROM organisations) o
		   ON o.k = c.id % (SELECT count(*) FROM organisations)`,
		`UPDATE cases SET published_at = now(), published_by = 'bulk' WHERE kind = 'accident' AND id % 50 = 1`,
		`INSERT INTO casbin_rule (ptype, v0, v1, source, created_by, reason)
		 SELECT 'g2', 'case:' || id, 'share:org:` + strconv.FormatInt(docomo.ID, 10) + `', 'share', 'bulk', '合成'
		 FROM cases WHERE id % 100 = 7`,
		`VACUUM ANALYZE`,
	} {
		if strings.Contains(q, "?") {
			require.NoError(tb, gdb.Exec(q, n).Error)
		} else {
			require.NoError(tb, gdb.Exec(q).Error)
		}
	}
	require.NoError(tb, gdb.Exec(`INSERT INTO casbin_rule (ptype, v0, v1, source) VALUES ('g', 'user:1', 'role:reporter', 'user')`).Error)
	ac, err := access.New(ctx, gdb, nil)
	require.NoError(tb, err)
	rr, err := redact.ParseRules(mustRead(tb, "anonymise.yaml"))
	require.NoError(tb, err)
	return &Service{DB: gdb, Access: ac, Redaction: rr}, access.UserSubject(1, docomo.ID)
}

func mustRead(tb testing.TB, name string) []byte {
	b, err := configs.FS.ReadFile(name)
	require.NoError(tb, err)
	return b
}

// explain is the plan of the first page of sub's list.
func explain(t *testing.T, s *Service, sub access.Subject) string {
	where, _, err := s.where(sub, Query{})
	require.NoError(t, err)
	qb, err := pageQuery(s.DB.Session(&gorm.Session{DryRun: true}), where, "", 50)
	require.NoError(t, err)
	stmt := qb.Find(&[]listRow{}).Statement
	var lines []string
	require.NoError(t, s.DB.Raw("EXPLAIN "+stmt.SQL.String(), stmt.Vars...).Scan(&lines).Error)
	return strings.Join(lines, "\n")
}

// The partner's visibility is decided in SQL, on indexes: the cases are
// walked in list order by index, and the grants are looked up by index,
// never by loading cases and dropping them in Go.
func TestListFilterRunsInSQLOnIndexes(t *testing.T) {
	s, partner := bulk(t, 20000)
	plan := explain(t, s, partner)
	t.Log("\n" + plan)
	assert.NotContains(t, plan, "Seq Scan on cases", "the list must not scan every case")
	assert.Contains(t, plan, "cases_occurred_at_idx")
	assert.Contains(t, plan, "case_operators_organisation_idx", "own cases by the organisation index")
	// casbin_rule is small here and read once (a hashed subplan), so the
	// planner may rightly scan it; the index must still fit the query.
	require.NoError(t, s.DB.Exec("SET enable_seqscan = off").Error)
	assert.Contains(t, explain(t, s, partner), "casbin_rule_grantee_idx", "shares by the grantee index")
	require.NoError(t, s.DB.Exec("RESET enable_seqscan").Error)

	page, err := s.List(context.Background(), partner, Query{Limit: 50})
	require.NoError(t, err)
	require.Len(t, page.Items, 50)
	// What the SQL let through, the enforcer allows, case by case.
	for _, it := range page.Items {
		v, _, err := s.view(context.Background(), partner, it.ID)
		require.NoError(t, err, "case %d listed but not visible", it.ID)
		assert.False(t, v.Empty())
	}
	var want int64
	require.NoError(t, s.DB.Raw(`SELECT count(*) FROM cases c WHERE
		EXISTS (SELECT 1 FROM case_operators co WHERE co.case_id = c.id AND co.organisation_id = ?)
		OR c.id % 100 = 7 OR (c.kind = 'accident' AND c.published_at IS NOT NULL)`, partner.OrgID()).Scan(&want).Error)
	assert.Equal(t, want, page.Total)
}

// BenchmarkListPartnerPage lists the first page of 50 for a designated
// partner over KENSHO_BENCH_CASES cases (default 100,000), with the
// visible total, as GET /api/v1/cases does.
func BenchmarkListPartnerPage(b *testing.B) {
	n := 100000
	if v := os.Getenv("KENSHO_BENCH_CASES"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	s, partner := bulk(b, n)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		page, err := s.List(ctx, partner, Query{Limit: 50})
		if err != nil || len(page.Items) != 50 {
			b.Fatal(err, len(page.Items))
		}
	}
}

// BenchmarkListPartnerDeepPage is a page far down the list (cursor).
func BenchmarkListPartnerDeepPage(b *testing.B) {
	n := 100000
	if v := os.Getenv("KENSHO_BENCH_CASES"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	s, partner := bulk(b, n)
	ctx := context.Background()
	q := Query{Limit: 50}
	for range 100 {
		page, err := s.List(ctx, partner, q)
		if err != nil {
			b.Fatal(err)
		}
		q.Cursor = page.NextCursor
	}
	b.ResetTimer()
	for b.Loop() {
		page, err := s.List(ctx, partner, q)
		if err != nil || len(page.Items) != 50 {
			b.Fatal(err, len(page.Items))
		}
	}
}

// The per-tier "any section" condition the lists use is the same set as
// the OR of the per-section conditions, and as the views, for every kind
// of caller, with raised parts about.
func TestAnySectionMatchesSectionsAndViews(t *testing.T) {
	s, partner := bulk(t, 600)
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO case_tier_raises (case_id, section, tier, raised_by, reason) SELECT id, 'overview', 'restricted', 't', 'r' FROM cases WHERE id % 7 = 1`,
		`INSERT INTO case_tier_raises (case_id, section, tier, raised_by, reason) SELECT id, 'overview', 'committee', 't', 'r' FROM cases WHERE id % 7 = 2`,
		`INSERT INTO case_tier_raises (case_id, section, tier, raised_by, reason) SELECT id, 'restricted', 'own', 't', 'r' FROM cases WHERE id % 5 = 3`,
		`INSERT INTO case_tier_raises (case_id, section, tier, raised_by, reason) SELECT id, 'restricted', 'committee', 't', 'r' FROM cases WHERE id % 5 = 4`,
		`INSERT INTO case_tier_raises (case_id, section, tier, raised_by, reason) SELECT id, 'own', 'committee', 't', 'r' FROM cases WHERE id % 3 = 0`,
		`INSERT INTO near_miss_summaries (case_id, proposed, text, status) SELECT id, 'p', 't', 'approved' FROM cases WHERE kind = 'near_miss' AND id % 4 = 0`,
		`INSERT INTO casbin_rule (ptype, v0, v1, source) VALUES ('g', 'user:2', 'role:expert', 'user'), ('g', 'user:3', 'role:secretariat', 'user')`,
	} {
		require.NoError(t, s.DB.Exec(q).Error)
	}
	require.NoError(t, s.Access.Reload())
	reporter := access.UserSubject(1, 20) // a reporter of a non-designated synthetic organisation
	for _, sub := range []access.Subject{partner, reporter, access.Anonymous, access.UserSubject(2, 0), access.UserSubject(3, 0)} {
		v := s.visibility(sub)
		ids := func(c access.Clause) []int64 {
			var out []int64
			require.NoError(t, s.DB.Raw("SELECT c.id FROM cases c WHERE "+c.SQL+" ORDER BY c.id", c.Args...).Scan(&out).Error)
			return out
		}
		anyIDs := ids(v.any())
		assert.Equal(t, ids(access.Or(v.overview, v.anonymised, v.restricted, v.own, v.committee)), anyIDs, sub.Key)
		var viewIDs []int64
		for id := int64(1); id <= 600; id++ {
			if _, _, err := s.view(ctx, sub, id); err == nil {
				viewIDs = append(viewIDs, id)
			}
		}
		assert.Equal(t, viewIDs, anyIDs, "%s: SQL and views agree", sub.Key)
	}
}
