package access_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/dbtest"
	"kensho/policies"
)

// setup loads the shipped policy and a few grants: user:1 secretariat,
// user:2 reporter of org:10 (KDDI), user:3 reporter of org:20 (Docomo,
// designated), user:4 expert in conflict with org:10.
func setup(t *testing.T) (*access.Control, *gorm.DB) {
	t.Helper()
	gdb, _ := dbtest.New(t)
	ctx := context.Background()
	rules, err := access.ParsePolicy(policies.Policy)
	require.NoError(t, err)
	_, _, err = access.LoadPolicy(ctx, gdb, rules, "test")
	require.NoError(t, err)
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
	return c, gdb
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
