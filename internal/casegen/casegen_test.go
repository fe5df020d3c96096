package casegen_test

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/configs"
	"kensho/internal/caseformat"
	"kensho/internal/casegen"
	"kensho/internal/intake"
	"kensho/internal/jpdate"
	"kensho/internal/quarterly"
	"kensho/internal/rules"
)

// The same seed gives the same bytes, however many goroutines generate;
// case i does not depend on how many cases are generated; another seed
// gives other cases.
func TestDeterministic(t *testing.T) {
	ctx := context.Background()
	g := generator(t, 42)
	a := caseFile(t, g, 1500)
	var b bytes.Buffer
	var lines [][]byte
	for batch := range g.Batches(ctx, 1500, 7, 5) {
		lines = append(lines, batch.Bodies...)
	}
	b.WriteString(`{"format":"kensho-case/v1","cases":[` + "\n")
	b.Write(bytes.Join(lines, []byte(",\n")))
	b.WriteString("\n]}\n")
	assert.True(t, bytes.Equal(a, b.Bytes()), "batches of 7 on 5 workers give other bytes")
	again := caseFile(t, generator(t, 42), 1500)
	assert.True(t, bytes.Equal(a, again), "the same seed gives other bytes")
	short := caseFile(t, g, 700)
	assert.True(t, bytes.HasPrefix(a, bytes.TrimSuffix(short, []byte("\n]}\n"))), "case i depends on the number of cases")
	other := caseFile(t, generator(t, 43), 1500)
	assert.False(t, bytes.Equal(a, other))

	var q1, q2 bytes.Buffer
	require.NoError(t, g.WriteQuarterly(&q1, 500, 1500))
	require.NoError(t, generator(t, 42).WriteQuarterly(&q2, 500, 1500))
	assert.True(t, bytes.Equal(q1.Bytes(), q2.Bytes()))
}

// Every generated case passes the v1 decoder, is a fixed point of it
// (what the import stores is what was generated), carries valid report
// items, and lands where its level says under the rule set in force:
// serious, a quarterly-report accident, or below both. Checked over
// thousands of seeds.
func TestGeneratedCasesAreValid(t *testing.T) {
	cat, err := rules.Load(configs.FS)
	require.NoError(t, err)
	forms, err := intake.LoadCatalogue(configs.FS)
	require.NoError(t, err)
	checked, verdicts := 0, map[bool]int{}
	check := func(g *casegen.Generator, i int) {
		c, m := g.CaseMeta(i)
		at := m.Ref
		body, err := c.MarshalJSON()
		require.NoError(t, err, at)
		d, err := caseformat.DecodeCase(body)
		require.NoError(t, err, "%s: %s", at, body)
		again, _ := d.MarshalJSON()
		require.Equal(t, string(body), string(again), "%s is not what the decoder reads back", at)
		assert.Equal(t, c.Hash(), d.Hash(), at)
		assert.True(t, strings.HasPrefix(c.Ref, "GEN-"), at)
		fy := jpdate.FiscalYear(c.OccurredAt)
		assert.True(t, fy >= casegen.FirstFiscalYear && fy <= casegen.LastFiscalYear, "%s: fiscal year %d", at, fy)
		for _, im := range c.Impacts {
			for _, p := range im.Timeline {
				assert.False(t, p.From.Before(c.OccurredAt) || p.To.After(*c.RecoveredAt), "%s: a period outside the accident", at)
			}
		}
		items, err := intake.ItemsOf(d)
		require.NoError(t, err, at)
		require.NotNil(t, items, at)
		assert.True(t, inCatalogue(forms, items), "%s: %+v", at, items)

		res, err := cat.Classify(d, "")
		require.NoError(t, err, at)
		got := "minor"
		if res.Quarterly {
			got = "quarterly"
		}
		if res.Serious {
			got = "serious"
		}
		assert.Equal(t, m.Level, got, "%s (%s): %v", at, m.Scenario, res.Explanation)
		if c.Kind == caseformat.KindNearMiss {
			assert.False(t, c.OccurredAt.Before(time.Date(2023, 6, 1, 0, 0, 0, 0, jpdate.JST)), "%s: a near-miss before near-misses were reported", at)
			require.NotNil(t, res.NearMissReportable, at)
			assert.Empty(t, res.NearMissMissingFacts, at)
			verdicts[*res.NearMissReportable]++
		}
		checked++
	}
	seeds, run := 1000, 1500
	if testing.Short() {
		seeds, run = 100, 300
	}
	for seed := 1; seed <= seeds; seed++ {
		g, err := casegen.New(uint64(seed), cat)
		require.NoError(t, err)
		for k := range 3 {
			check(g, (seed*7919+k*104729)%200000)
		}
	}
	g := generator(t, 99)
	for i := range run {
		check(g, i)
	}
	t.Logf("%d cases checked; near-miss verdicts %v", checked, verdicts)
	assert.NotZero(t, verdicts[true])
	assert.NotZero(t, verdicts[false])

	f, err := caseformat.DecodeFile(caseFile(t, g, 2000))
	require.NoError(t, err)
	assert.Len(t, f.Cases, 2000)
}

// Quarterly rows pass the upload's checks and meet the quarterly
// threshold (≥30,000 users or ≥2 hours).
func TestQuarterlyRowsAreValid(t *testing.T) {
	qc, err := quarterly.DefaultCatalog()
	require.NoError(t, err)
	for _, seed := range []uint64{1, 2, 3} {
		g := generator(t, seed)
		var buf bytes.Buffer
		require.NoError(t, g.WriteQuarterly(&buf, 3000, 800))
		assert.Empty(t, qc.Check(buf.Bytes(), time.Now()), "seed %d", seed)
		for j := range 3000 {
			q := g.QuarterlyRow(j, 800)
			assert.True(t, q.Users >= 30000 || q.DurationMinutes >= 120, "%s: %d users, %d min", q.Ref, q.Users, q.DurationMinutes)
		}
	}
	none := generator(t, 1).QuarterlyRow(5, 0)
	assert.Contains(t, []string{"東日本電信電話株式会社", "西日本電信電話株式会社", "エヌ・ティ・ティ・コミュニケーションズ株式会社",
		"株式会社NTTドコモ", "KDDI株式会社", "ソフトバンク株式会社", "楽天モバイル株式会社"}, none.Organisation)
}

// The case base has every kind, service, cause, equipment type and
// near-miss situation, the registry's operators and invented ones, all
// the fiscal years, intermittent and tailing timelines, users deemed from
// capacity, critical facilities, wholesale pairs — and the recurring root
// causes of SPEC §5.
func TestCoverage(t *testing.T) {
	g := generator(t, 1)
	forms, err := intake.LoadCatalogue(configs.FS)
	require.NoError(t, err)
	seen := map[string]int{}
	names := map[string]bool{}
	levels := map[string]int{}
	texts := map[string]string{}
	const n = 12000
	for i := range n {
		c, m := g.CaseMeta(i)
		levels[m.Level]++
		seen["kind:"+string(c.Kind)]++
		seen["scenario:"+m.Scenario]++
		seen["class:"+c.Cause.Class]++
		seen["archetype:"+c.Cause.Archetype]++
		seen["fy:"+itoa(jpdate.FiscalYear(c.OccurredAt))]++
		if c.NearMiss != nil {
			seen["situation:"+c.NearMiss.Situation]++
		}
		if c.CriticalFacility != nil {
			seen["critical:"+c.CriticalFacility.Type]++
		}
		for _, op := range c.Operators {
			names[op.Name] = true
			seen["role:"+string(op.Role)]++
		}
		items, _ := intake.ItemsOf(c)
		seen["equipment:"+items.EquipmentType]++
		for _, im := range c.Impacts {
			seen["service:"+string(im.Service)]++
			if im.Degradation {
				seen["degradation"]++
			}
			if im.StoppedCapacityGbps != nil && im.PeakUsers == nil {
				seen["deemed"]++
			}
			if len(im.Timeline) == 0 && im.PeakUsers != nil && *im.PeakUsers > 0 {
				seen["peak_x_duration"]++
			}
			for k := 1; k < len(im.Timeline); k++ {
				switch prev, cur := im.Timeline[k-1], im.Timeline[k]; {
				case cur.From.After(prev.To):
					seen["intermittent"]++
				case cur.Users != nil && prev.Users != nil && *cur.Users < *prev.Users:
					seen["tail"]++
				}
			}
		}
		texts[m.Scenario] += c.Cause.Text
	}
	want := []string{"kind:accident", "kind:near_miss", "kind:information", "class:equipment", "class:human", "class:external",
		"situation:failover_failure", "situation:capacity_exceeded", "situation:wrong_config_or_software", "situation:satellite",
		"critical:submarine_cable", "critical:satellite", "role:reporter", "role:wholesale_provider", "role:wholesale_customer",
		"degradation", "deemed", "peak_x_duration", "intermittent", "tail"}
	for _, s := range caseformat.Services {
		want = append(want, "service:"+string(s))
	}
	for _, a := range caseformat.CauseArchetypes {
		want = append(want, "archetype:"+a)
	}
	for _, e := range forms.EquipmentTypes {
		want = append(want, "equipment:"+e.ID)
	}
	for fy := casegen.FirstFiscalYear; fy <= casegen.LastFiscalYear; fy++ {
		want = append(want, "fy:"+itoa(fy))
	}
	for _, w := range want {
		assert.NotZero(t, seen[w], w)
	}
	assert.InDelta(t, 0.02, float64(levels["serious"])/n, 0.015, "a few serious: %v", levels)
	assert.Greater(t, float64(levels["quarterly"])/n, 0.75, "most are quarterly-report accidents: %v", levels)
	for _, name := range []string{"東日本電信電話株式会社", "西日本電信電話株式会社", "エヌ・ティ・ティ・コミュニケーションズ株式会社",
		"株式会社NTTドコモ", "KDDI株式会社", "ソフトバンク株式会社", "楽天モバイル株式会社"} {
		assert.True(t, names[name], name)
	}
	assert.Greater(t, len(names), 40, "invented operators too")
	// SPEC §5: the recurring root causes, findable by their words.
	for scenario, words := range map[string]string{
		"wrong_procedure_document":     "手順書",
		"standby_reboot_loop":          "交互に再起動",
		"signalling_storm":             "位置登録",
		"backup_inconsistent_restore":  "バックアップファイル",
		"software_bug_unknown":         "未知",
		"virtualisation_route_deleted": "経路情報",
		"backup_login_missing":         "ログイン情報",
	} {
		assert.Greater(t, seen["scenario:"+scenario], 100, scenario)
		assert.Contains(t, texts[scenario], words, scenario)
	}
}

// Members of a cluster are near-duplicates — far closer to each other
// than to other cases — yet each is worded its own way; most cases belong
// to a cluster, many do not.
func TestClustersAreNearDuplicates(t *testing.T) {
	g := generator(t, 8)
	const n = 3000
	byCluster := map[string][]int{}
	text := make([]string, n)
	for i := range n {
		c, m := g.CaseMeta(i)
		text[i] = c.Cause.Text + c.Summary + c.Detail
		byCluster[m.Cluster] = append(byCluster[m.Cluster], i)
	}
	var same, other []float64
	big := 0
	distinct := map[string]bool{}
	for k, ids := range byCluster {
		for _, i := range ids {
			distinct[text[i]] = true
		}
		if k == "" || len(ids) < 2 {
			continue
		}
		if len(ids) >= 3 {
			big++
		}
		for a := 0; a+1 < len(ids) && a < 6; a++ {
			same = append(same, jaccard(text[ids[a]], text[ids[a+1]]))
		}
	}
	for i := 0; i+1 < n; i += 7 {
		other = append(other, jaccard(text[i], text[(i*31+17)%n]))
	}
	ms, mo := mean(same), mean(other)
	t.Logf("bigram Jaccard: same cluster %.2f, other pairs %.2f; %d clusters of 3 or more; %d one-offs", ms, mo, big, len(byCluster[""]))
	assert.Greater(t, ms, mo+0.2)
	assert.Greater(t, big, 100)
	assert.Greater(t, len(byCluster[""]), n/5)
	assert.Equal(t, n, len(distinct), "no two cases are word for word the same")
}

func jaccard(a, b string) float64 {
	bigrams := func(s string) map[string]bool {
		r := []rune(s)
		out := make(map[string]bool, len(r))
		for i := 0; i+1 < len(r); i++ {
			out[string(r[i:i+2])] = true
		}
		return out
	}
	x, y := bigrams(a), bigrams(b)
	inter := 0
	for k := range x {
		if y[k] {
			inter++
		}
	}
	return float64(inter) / math.Max(1, float64(len(x)+len(y)-inter))
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / math.Max(1, float64(len(v)))
}

func itoa(n int) string { return strconv.Itoa(n) }

// inCatalogue reports whether the report items use the form's codes.
func inCatalogue(forms *intake.Catalogue, it *intake.Items) bool {
	has := func(list []intake.Choice, id string) bool {
		return slices.ContainsFunc(list, func(c intake.Choice) bool { return c.ID == id })
	}
	ok := has(forms.EquipmentTypes, it.EquipmentType) && it.EquipmentOutline != "" && len(it.Prefectures) > 0
	for _, p := range it.Prefectures {
		ok = ok && has(forms.Prefectures, p)
	}
	for _, n := range it.UserNotices {
		ok = ok && has(forms.UserNotices, n)
	}
	return ok
}
