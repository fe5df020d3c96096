package rules_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/configs"
	"kensho/internal/caseformat"
	"kensho/internal/rules"
)

func catalog(t testing.TB) *rules.Catalog {
	t.Helper()
	c, err := rules.Load(configs.FS)
	require.NoError(t, err)
	return c
}

// Every dev case was reported as a serious accident: each must come out
// serious under the rule set in force when it happened.
func TestDevCasesSeriousUnderRuleSetInForce(t *testing.T) {
	c := catalog(t)
	data, err := configs.FS.ReadFile("demo/serious-2015-2020.json")
	require.NoError(t, err)
	f, err := caseformat.DecodeFile(data)
	require.NoError(t, err)
	require.Len(t, f.Cases, 28)
	for _, cs := range f.Cases {
		t.Run(cs.Ref, func(t *testing.T) {
			r, err := c.Classify(cs, "")
			require.NoError(t, err)
			assert.True(t, r.Serious, "%s not serious under %s:\n%v", cs.Ref, r.RuleSet, r.Explanation)
			assert.NotEmpty(t, r.Met)
			t.Log(r.RuleSet, r.Explanation)
		})
	}
}
