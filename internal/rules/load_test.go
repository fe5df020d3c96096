package rules_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/configs"
	"kensho/internal/rules"
)

// The shipped rule sets are the eleven of SPEC §3, with one in force.
func TestShippedRuleSets(t *testing.T) {
	c := catalog(t)
	var ids []string
	status := map[string]rules.Status{}
	for _, rs := range c.RuleSets() {
		ids = append(ids, rs.ID)
		status[rs.ID] = rs.Status
	}
	assert.Equal(t, []string{"1985", "2004", "2008", "2015", "2019", "proposal-2025", "de", "eu", "fr", "uk", "us"}, ids)
	assert.Equal(t, rules.StatusInForce, status["2019"])
	for _, id := range []string{"1985", "2004", "2008", "2015"} {
		assert.Equal(t, rules.StatusSuperseded, status[id])
	}
	assert.Equal(t, rules.StatusProposal, status["proposal-2025"])
	for _, id := range []string{"uk", "eu", "de", "fr", "us"} {
		assert.Equal(t, rules.StatusForeign, status[id])
	}
	rs, err := c.Get("2019")
	require.NoError(t, err)
	assert.Equal(t, "2019-03-26", rs.InForceFrom.String())
	assert.Len(t, c.NearMissRuleSets(), 2)
}

// copyRules copies the shipped rule files into a directory.
func copyRules(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(configs.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasPrefix(p, "rules/") || strings.HasPrefix(p, "nearmiss/")) {
			return err
		}
		data, err := configs.FS.ReadFile(p)
		if err != nil {
			return err
		}
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755))
		return os.WriteFile(filepath.Join(dir, p), data, 0o644)
	})
	require.NoError(t, err)
	return dir
}

// Adding a rule set is a data change: a new file, no code.
func TestExtraRuleSetFromDirectory(t *testing.T) {
	dir := copyRules(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules", "2030.yaml"), []byte(`
id: "2030"
title: 仮想の2030年改正
title_en: A hypothetical 2030 amendment
status: in_force
in_force_from: 2030-04-01
degradation_counts: true
quarterly:
  any_of: [{users: 10000}, {minutes: 60}]
categories:
  - id: everything
    name: 全役務
    name_en: every service
    services: [voice_emergency, voice, free_internet, internet_access, lpwa, other]
    serious:
      - {minutes: 30, users: 10000}
`), 0o644))
	c, err := rules.Load(os.DirFS(dir))
	require.NoError(t, err)

	// Chosen by date from its in-force date on…
	r, err := c.Classify(window(internet, "2030-05-01", 30, 10000), "")
	require.NoError(t, err)
	assert.Equal(t, "2030", r.RuleSet)
	assert.True(t, r.Serious)
	// …but not before it.
	r, err = c.Classify(window(internet, "2030-03-31", 30, 10000), "")
	require.NoError(t, err)
	assert.Equal(t, "2019", r.RuleSet)
	assert.False(t, r.Serious)
	// And by name for a what-if.
	r, err = c.Classify(window(internet, "2020-05-01", 30, 10000), "2030")
	require.NoError(t, err)
	assert.True(t, r.Serious)
}

// Loading validates every file and reports every problem with file and field.
func TestLoadRejectsBadRuleSets(t *testing.T) {
	good, err := configs.FS.ReadFile("rules/2008.yaml")
	require.NoError(t, err)
	nm, err := configs.FS.ReadFile("nearmiss/2023.yaml")
	require.NoError(t, err)
	fsys := fstest.MapFS{
		"rules/2008.yaml":     {Data: good},
		"nearmiss/2023.yaml":  {Data: nm},
		"rules/typo.yaml":     {Data: []byte("id: typo\ntitle: t\nstatus: proposal\ncategoreis: []\n")},
		"rules/mismatch.yaml": {Data: []byte("id: other-name\ntitle: t\nstatus: proposal\ncategories: [{id: a, name: a, services: [voice], serious: [{minutes: 60, users: 1}]}]\n")},
		"rules/bad.yaml": {Data: []byte(`id: bad
title: t
status: in_force
categories:
  - {id: a, name: a, services: [telepathy], serious: [{minutes: -1, users: 10}]}
  - {id: a, name: b, services: [voice]}
  - {id: c, name: c, services: [voice], serious: [{minutes: 60, users: 10, share: 0.5}]}
`)},
		"rules/dated-proposal.yaml": {Data: []byte("id: dated-proposal\ntitle: t\nstatus: proposal\nin_force_from: 2030-01-01\nnear_miss: nowhere\ncategories: [{id: a, name: a, services: [voice], serious: [{minutes: 60, users: 1}]}]\n")},
		"nearmiss/broken.yaml":      {Data: []byte("id: broken\ntitle: t\nstatus: proposal\nsituations: [{situation: failover_failure, rules: [{when: {mood: happy}, reportable: true}]}]\n")},
	}
	_, err = rules.Load(fsys)
	var le *rules.LoadError
	require.True(t, errors.As(err, &le), "got %v", err)
	all := strings.Join(le.Problems, "\n")
	for _, want := range []string{
		"rules/typo.yaml: line 4: field categoreis not found",
		`rules/mismatch.yaml: id: "other-name" must match the file name "mismatch.yaml"`,
		"rules/bad.yaml: in_force_from: required for status in_force",
		`rules/bad.yaml: categories[0].services[0]: unknown service "telepathy"`,
		"rules/bad.yaml: categories[0].serious[0]: minutes, users and share must not be negative",
		`rules/bad.yaml: categories[1].id: "a" used twice`,
		"rules/bad.yaml: categories[1]: no thresholds",
		"rules/bad.yaml: categories[2].serious[0]: give users or share, not both",
		"rules/dated-proposal.yaml: in_force_from: must be empty for status proposal",
		`rules/dated-proposal.yaml: near_miss: no near-miss rules "nowhere"`,
		"nearmiss/broken.yaml: situations[0].rules[0].reason: required",
		"nearmiss/broken.yaml: situations[0].rules[0].when.mood: unknown fact",
	} {
		assert.Contains(t, all, want)
	}
	_, err = rules.Load(fstest.MapFS{})
	assert.ErrorContains(t, err, "no rule sets found")
}
