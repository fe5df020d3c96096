package access_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/granttest"
	"kensho/policies"
)

// setup loads the shipped policy and a few grants: user:1 secretariat,
// user:2 reporter of org:10 (KDDI), user:3 reporter of org:20 (Docomo,
// designated), user:4 expert in conflict with org:10.
func setup(t *testing.T) (*access.Control, *gorm.DB) {
	c, gdb, _ := setupURL(t)
	return c, gdb
}

func setupURL(t *testing.T) (*access.Control, *gorm.DB, string) {
	t.Helper()
	gdb, dbURL := granttest.New(t, false)
	ctx := context.Background()
	grants := []access.Rule{
		access.NewRule(access.SourceUser, "t", "", "g", "user:1", "role:secretariat"),
		access.NewRule(access.SourceUser, "t", "", "g", "user:2", "role:reporter"),
		access.NewRule(access.SourceUser, "t", "", "g", "user:3", "role:reporter"),
		access.NewRule(access.SourceRegistry, "t", "", "g", "org:20", "role:designated"),
		access.NewRule(access.SourceUser, "t", "", "g", "user:4", "role:expert"),
		access.NewRule(access.SourceUser, "t", "", "p", "user:4", "owner:org:10", "*", "*", "deny"),
		access.NewRule(access.SourceShare, "t", "why", "g2", "case:100", "share:org:20"),
	}
	for _, g := range grants {
		_, err := access.Grant(ctx, gdb, g)
		require.NoError(t, err)
	}
	c, err := access.New(ctx, gdb, nil)
	require.NoError(t, err)
	return c, gdb, dbURL
}

func TestDecisions(t *testing.T) {
	c, _ := setup(t)
	kddiCase := access.NewCaseRef(100, []int64{10})
	other := access.NewCaseRef(101, []int64{10})
	sec := access.UserSubject(1, 0)
	kddi := access.UserSubject(2, 10)
	docomo := access.UserSubject(3, 20)
	expert := access.UserSubject(4, 0)
	cases := []struct {
		name string
		sub  access.Subject
		cs   access.CaseRef
		tier access.Tier
		act  access.Action
		want bool
	}{
		{"secretariat reads committee", sec, kddiCase, access.Committee, access.Read, true},
		{"secretariat shares", sec, kddiCase, access.Restricted, access.Share, true},
		{"owner reads own", kddi, kddiCase, access.Own, access.Read, true},
		{"owner reads restricted", kddi, kddiCase, access.Restricted, access.Read, true},
		{"owner not committee", kddi, kddiCase, access.Committee, access.Read, false},
		{"owner cannot share", kddi, kddiCase, access.Restricted, access.Share, false},
		{"sharee reads restricted", docomo, kddiCase, access.Restricted, access.Read, true},
		{"sharee not committee", docomo, kddiCase, access.Committee, access.Read, false},
		{"sharee not own", docomo, kddiCase, access.Own, access.Read, false},
		{"unshared case hidden", docomo, other, access.Restricted, access.Read, false},
		{"anyone reads public", access.Anonymous, kddiCase, access.Public, access.Read, true},
		{"anonymous not restricted", access.Anonymous, kddiCase, access.Restricted, access.Read, false},
		{"conflicted expert refused", expert, kddiCase, access.Committee, access.Read, false},
		{"conflicted expert refused public", expert, kddiCase, access.Public, access.Read, false},
		{"expert reads other org", expert, access.NewCaseRef(102, []int64{20}), access.Committee, access.Read, true},
		{"egress public", access.Subject{Key: "llm:openai"}, access.System, access.Public, access.Receive, true},
		{"egress restricted refused", access.Subject{Key: "llm:openai"}, access.System, access.Restricted, access.Receive, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, c.Can(tc.sub, tc.cs, tc.tier, tc.act))
		})
	}
	assert.True(t, c.IsDesignated(20))
	assert.False(t, c.IsDesignated(10))
	assert.Equal(t, []int64{20}, c.SharedWith(100))
}

func TestLLMEgress(t *testing.T) {
	c, gdb := setup(t)
	texts := []access.Text{
		{Tier: access.Public, Text: "公表済みの概要"},
		{Tier: access.Anonymised, Text: "匿名化要旨"},
		{Tier: access.Restricted, Text: "原因の詳細"},
		{Tier: access.Committee, Text: "審議メモ"},
		{Tier: access.Own, Text: "設備統括管理者の氏名"},
	}
	allowed, withheld := c.Egress("openai", texts)
	assert.Equal(t, texts[:2], allowed, "by default only public and anonymised text leaves")
	assert.Equal(t, []access.Tier{access.Restricted, access.Committee, access.Own}, withheld)

	// A ministry-hosted model may be allowed restricted text by a policy line.
	_, err := access.Grant(context.Background(), gdb, access.NewRule(access.SourcePolicy, "t", "", "p", "llm:ministry", "*", "restricted", "receive", "allow"))
	require.NoError(t, err)
	require.NoError(t, c.Reload())
	allowed, _ = c.Egress("ministry", texts)
	assert.Len(t, allowed, 3)
	allowed, _ = c.Egress("openai", texts)
	assert.Len(t, allowed, 2, "the grant names one provider only")
	assert.False(t, c.MayReceive("ministry", access.Own), "personal data never leaves")
}

// The SQL filter, the scope and the enforcer must agree on every subject, case and
// tier: lists are filtered by one, case pages by the other.
func TestFilterAgreesWithEnforcer(t *testing.T) {
	c, gdb := setup(t)
	for _, org := range []int64{10, 20, 30} {
		require.NoError(t, gdb.Exec("INSERT INTO organisations (id, name) OVERRIDING SYSTEM VALUE VALUES (?, ?)", org, fmt.Sprint("org", org)).Error)
	}
	owners := map[int64][]int64{100: {10}, 101: {10}, 102: {20}, 103: {30, 10}, 104: {30}}
	for id, orgs := range owners {
		require.NoError(t, gdb.Exec(`INSERT INTO cases (id, identity_key, ref, kind, occurred_at, fiscal_year)
			OVERRIDING SYSTEM VALUE VALUES (?, ?, ?, 'accident', now(), 2026)`, id, fmt.Sprint("k", id), fmt.Sprint("r", id)).Error)
		for i, o := range orgs {
			require.NoError(t, gdb.Exec(`INSERT INTO case_operators (case_id, position, organisation_id, reported_name, role)
				VALUES (?, ?, ?, 'x', 'reporter')`, id, i, o).Error)
		}
	}
	subjects := []access.Subject{access.Anonymous, access.UserSubject(1, 0), access.UserSubject(2, 10),
		access.UserSubject(3, 20), access.UserSubject(4, 0), access.UserSubject(99, 30)}
	for _, sub := range subjects {
		for _, tier := range append(access.CaseTiers, "*") {
			for _, act := range []access.Action{access.Read, access.Share, access.Write} {
				f := c.Filter(sub, tier, act)
				var got []int64
				require.NoError(t, gdb.Raw("SELECT c.id FROM cases c WHERE "+f.SQL+" ORDER BY c.id", f.Args...).Scan(&got).Error)
				var want []int64
				for _, id := range []int64{100, 101, 102, 103, 104} {
					if c.Can(sub, access.NewCaseRef(id, owners[id]), tier, act) {
						want = append(want, id)
					}
				}
				assert.Equal(t, want, got, "%s %s %s: %s", sub.Key, tier, act, f.SQL)
				// Scope is the same decision as data (the similarity index).
				sc := c.Scope(sub, tier, act)
				var scoped []int64
				for _, id := range []int64{100, 101, 102, 103, 104} {
					if sc.Holds(id, owners[id]) {
						scoped = append(scoped, id)
					}
				}
				assert.Equal(t, want, scoped, "scope %s %s %s: %+v", sub.Key, tier, act, sc)
				assert.Equal(t, len(want) == 0, sc.Nothing() || len(scoped) == 0)
			}
		}
		// An organisation's own objects (its quarterly reports).
		for _, act := range []access.Action{access.Read, access.Write} {
			sc := c.Scope(sub, access.Quarterly, act)
			for _, org := range []int64{10, 20, 30} {
				ref := access.NewCaseRef(0, []int64{org})
				ref.Key = "quarterly:" + access.OrgKey(org)
				assert.Equal(t, c.Can(sub, ref, access.Quarterly, act), sc.HoldsOrg(org), "quarterly %s %s org %d", sub.Key, act, org)
			}
		}
	}
}

func TestParsePolicyNamesEveryBadLine(t *testing.T) {
	_, err := access.ParsePolicy("# ok\np, role:x, *, public, read, allow\np, role:x, everything, public, read, allow\ng, user:1, role:x\np, role:x, *, secret, read, allow\np, role:x, *, public, read, maybe\n")
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, `line 3: case "everything"`)
	assert.Contains(t, msg, "line 4: want: p, subject")
	assert.Contains(t, msg, `line 5: tier "secret" is unknown`)
	assert.Contains(t, msg, `line 6: effect "maybe"`)
	rules, err := access.ParsePolicy(policies.Policy)
	require.NoError(t, err)
	assert.NotEmpty(t, rules)
}

// A grant written anywhere (another server, a command) reaches every
// running enforcer through NOTIFY, without a restart.
func TestGrantsReachOtherInstances(t *testing.T) {
	c, gdb, dbURL := setupURL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.Listen(ctx, dbURL)

	docomo := access.UserSubject(3, 20)
	other := access.NewCaseRef(101, []int64{10})
	require.False(t, c.Can(docomo, other, access.Restricted, access.Read))
	// Wait for the listener, then share behind the enforcer's back.
	time.Sleep(200 * time.Millisecond)
	_, err := access.Grant(ctx, gdb, access.NewRule(access.SourceShare, "t", "r", "g2", "case:101", "share:org:20"))
	require.NoError(t, err)
	assert.Eventually(t, func() bool { return c.Can(docomo, other, access.Restricted, access.Read) }, 5*time.Second, 20*time.Millisecond)
	_, err = access.Revoke(ctx, gdb, "g2", "case:101", "share:org:20")
	require.NoError(t, err)
	assert.Eventually(t, func() bool { return !c.Can(docomo, other, access.Restricted, access.Read) }, 5*time.Second, 20*time.Millisecond)
}

// The adapter never touches the schema: casbin_rule keeps the migration's
// text columns and provenance columns (the adapter's own model would make
// them varchar(100) and know nothing of source or reason).
func TestEnforcerLeavesTheSchemaToMigrations(t *testing.T) {
	_, gdb := setup(t)
	var types []string
	require.NoError(t, gdb.Raw(`SELECT column_name || ':' || data_type FROM information_schema.columns
		WHERE table_name = 'casbin_rule' ORDER BY ordinal_position`).Scan(&types).Error)
	assert.Equal(t, []string{"id:bigint", "ptype:text", "v0:text", "v1:text", "v2:text", "v3:text", "v4:text", "v5:text",
		"source:text", "created_by:text", "created_at:timestamp with time zone", "reason:text"}, types)
	var tables int64
	require.NoError(t, gdb.Raw(`SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'casbin%'`).Scan(&tables).Error)
	assert.EqualValues(t, 1, tables)
}
