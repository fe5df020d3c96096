package rules_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/caseformat"
	"kensho/internal/rules"
)

const (
	voiceEm  = caseformat.ServiceVoiceEmergency
	voice    = caseformat.ServiceVoice
	freeNet  = caseformat.ServiceFreeInternet
	internet = caseformat.ServiceInternetAccess
	lpwa     = caseformat.ServiceLPWA
	other    = caseformat.ServiceOther
)

// The rule set in force is chosen by the occurrence date in JST.
func TestRuleSetInForceByDate(t *testing.T) {
	c := catalog(t)
	tests := []struct {
		at   string
		want string
	}{
		{"1985-04-01T00:00:00+09:00", "1985"},
		{"2004-03-31T23:59:00+09:00", "1985"},
		{"2004-04-01T00:00:00+09:00", "2004"},
		{"2008-03-31T23:59:00+09:00", "2004"},
		{"2008-04-01T00:00:00+09:00", "2008"},
		{"2015-03-31T23:59:00+09:00", "2008"},
		{"2015-04-01T00:00:00+09:00", "2015"},
		{"2019-03-25T23:59:00+09:00", "2015"},
		{"2019-03-26T00:00:00+09:00", "2019"},
		{"2019-03-25T15:00:00Z", "2019"}, // already 26 March in Japan
		{"2026-11-22T00:00:00+09:00", "2019"},
	}
	for _, tt := range tests {
		cs, err := caseformat.DecodeCase([]byte(`{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"` + tt.at + `"}`))
		require.NoError(t, err)
		r, err := c.Classify(cs, "")
		require.NoError(t, err, tt.at)
		assert.Equal(t, tt.want, r.RuleSet, tt.at)
		assert.Equal(t, rules.SelectedByDate, r.SelectedBy)
	}

	early := window(voice, "1985-03-31", 600, 1000000)
	_, err := c.Classify(early, "")
	var none *rules.ErrNoRuleSetInForce
	require.True(t, errors.As(err, &none))
	assert.Equal(t, "no rule set was in force on 1985-03-31", err.Error())

	_, err = c.Classify(early, "2030")
	var unknown *rules.ErrUnknownRuleSet
	require.True(t, errors.As(err, &unknown))
	assert.Contains(t, err.Error(), "proposal-2025")
}

type want struct {
	serious, quarterly bool
	basis              string // default timeline
	met                string // substring of a met entry's text
	missing            string // substring of the closest threshold missed
}

type scenario struct {
	name  string
	rules string // empty: in force on the date
	cs    caseformat.Case
	want  want
}

func runScenarios(t *testing.T, scenarios []scenario) {
	t.Helper()
	c := catalog(t)
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r, err := c.Classify(sc.cs, sc.rules)
			require.NoError(t, err)
			msg := strings.Join(r.Explanation, "\n")
			assert.Equal(t, sc.want.serious, r.Serious, "serious\n%s", msg)
			assert.Equal(t, sc.want.quarterly, r.Quarterly, "quarterly\n%s", msg)
			basis := sc.want.basis
			if basis == "" {
				basis = rules.BasisTimeline
			}
			assert.Equal(t, basis, r.Basis)
			if sc.want.serious {
				require.NotEmpty(t, r.Met, msg)
				assert.Nil(t, r.Closest)
			} else {
				assert.Empty(t, r.Met, msg)
			}
			if sc.want.met != "" {
				var texts []string
				for _, m := range r.Met {
					texts = append(texts, m.Text)
				}
				assert.Contains(t, strings.Join(texts, "\n"), sc.want.met)
			}
			if sc.want.missing != "" {
				require.NotNil(t, r.Closest, msg)
				assert.Contains(t, r.Closest.Missing, sc.want.missing)
			}
		})
	}
}

// Every threshold pair of every Japanese rule set, at and just below its
// boundaries (以上: inclusive).
func TestJapaneseThresholds(t *testing.T) {
	runScenarios(t, []scenario{
		// 2015 and 2019: voice with emergency calls, ≥1 h and ≥30,000.
		{"2019 voice_emergency exactly 60 min at exactly 30,000", "", window(voiceEm, "2020-06-01", 60, 30000),
			want{serious: true, met: "60 min at ≥30,000 users meets ≥60 min at ≥30,000 users"}},
		{"2019 voice_emergency 59 min", "", window(voiceEm, "2020-06-01", 59, 30000),
			want{quarterly: true, missing: "needed ≥60 min at ≥30,000 users; had 59 min"}},
		{"2019 voice_emergency 29,999 users", "", window(voiceEm, "2020-06-01", 90, 29999),
			want{missing: "peak was 29,999 users"}},
		{"2015 voice_emergency exactly at the line", "", window(voiceEm, "2016-06-01", 60, 30000), want{serious: true}},
		// voice without emergency calls: ≥2 h and ≥30,000; ≥1 h and ≥100,000.
		{"voice 120 min at 30,000", "", window(voice, "2020-06-01", 120, 30000), want{serious: true, met: "≥120 min at ≥30,000 users"}},
		{"voice 119 min at 99,999", "", window(voice, "2020-06-01", 119, 99999), want{quarterly: true, missing: "needed ≥60 min at ≥100,000 users; peak was 99,999 users (for 119 min)"}},
		{"voice 60 min at 100,000", "", window(voice, "2020-06-01", 60, 100000), want{serious: true, met: "≥60 min at ≥100,000 users"}},
		{"voice 59 min at 100,000", "", window(voice, "2020-06-01", 59, 100000), want{quarterly: true}},
		// free internet services (non-voice): ≥12 h and ≥1,000,000; ≥24 h and ≥100,000.
		{"free_internet 12 h at 1,000,000", "", window(freeNet, "2020-06-01", 720, 1000000), want{serious: true, met: "≥720 min at ≥1,000,000 users"}},
		{"free_internet 24 h at 100,000", "", window(freeNet, "2020-06-01", 1440, 100000), want{serious: true, met: "≥1,440 min at ≥100,000 users"}},
		{"free_internet 1,439 min at 999,999", "", window(freeNet, "2020-06-01", 1439, 999999), want{quarterly: true, missing: "peak was 999,999 users"}},
		{"free_internet 1,439 min at 100,000", "", window(freeNet, "2020-06-01", 1439, 100000), want{quarterly: true, missing: "needed ≥1,440 min at ≥100,000 users; had 1,439 min"}},
		// other (internet access, data, paid mail…): ≥2 h and ≥30,000; ≥1 h and ≥1,000,000.
		{"internet 120 min at 30,000", "", window(internet, "2020-06-01", 120, 30000), want{serious: true}},
		{"internet 60 min at 1,000,000", "", window(internet, "2020-06-01", 60, 1000000), want{serious: true, met: "≥60 min at ≥1,000,000 users"}},
		{"internet 60 min at 999,999", "", window(internet, "2020-06-01", 60, 999999), want{quarterly: true}},
		{"other 119 min at 999,999", "", window(other, "2020-06-01", 119, 999999), want{quarterly: true, missing: "peak was 999,999 users"}},
		{"other 119 min at 50,000", "", window(other, "2020-06-01", 119, 50000), want{quarterly: true, missing: "needed ≥120 min at ≥30,000 users; had 119 min"}},
		// 2008 and 2004: one line for every service.
		{"2008 voice_emergency 60 min at 30,000 is not yet serious", "", window(voiceEm, "2010-06-01", 60, 30000),
			want{quarterly: true, missing: "needed ≥120 min at ≥30,000 users; had 60 min"}},
		{"2008 internet 120 min at 30,000", "", window(internet, "2010-06-01", 120, 30000), want{serious: true}},
		{"2008 internet 60 min at 5,000,000 is not serious", "", window(internet, "2010-06-01", 60, 5000000), want{quarterly: true}},
		{"2004 voice 120 min at 30,000", "", window(voice, "2005-06-01", 120, 30000), want{serious: true}},
		// 2004 and 1985 have no quarterly-report rule.
		{"2004 voice 119 min at 30,000", "", window(voice, "2005-06-01", 119, 30000), want{missing: "had 119 min"}},
		{"1985 subscriber line 120 min at 30,000", "", window(voice, "1990-06-01", 120, 30000), want{serious: true}},
		{"1985 trunk line 120 min at 3,000 circuits", "", with(window(voice, "1990-06-01", 120, 3000), func(c *caseformat.Case) {
			c.Impacts[0].Extra = caseformat.Extra{"line_type": []byte(`"trunk"`)}
		}), want{serious: true, met: "≥3,000 users"}},
		{"1985 type-2 operator: half of its users", "", with(window(other, "1990-06-01", 120, 5000), func(c *caseformat.Case) {
			c.Impacts[0].Extra = caseformat.Extra{"operator_type": []byte(`"type2"`)}
			c.Impacts[0].TotalSubscribers = n(10000)
		}), want{serious: true, met: "≥50 % of subscribers"}},
	})
}

// Duration is measured per threshold pair on the timeline.
func TestTimelineRules(t *testing.T) {
	intermittent := accident(imp(voiceEm,
		per("2022-07-02 12:33", "2022-07-02 13:25", 40000),
		per("2022-07-02 15:25", "2022-07-02 16:00", 40000)))
	peakThenTail := accident(imp(internet,
		per("2022-07-02 01:00", "2022-07-02 01:50", 40000),
		per("2022-07-02 01:50", "2022-07-02 07:00", 20000)))
	runScenarios(t, []scenario{
		// 12:33–13:25 and 15:25–16:00 count 1 h 27 min together.
		{"intermittent windows add up", "", intermittent, want{serious: true, met: "87 min at ≥30,000 users"}},
		{"intermittent windows still short of 2 h", "", accident(imp(internet,
			per("2022-07-02 12:33", "2022-07-02 13:25", 40000),
			per("2022-07-02 15:25", "2022-07-02 16:00", 40000))), want{quarterly: true, missing: "had 87 min"}},
		// A short peak does not combine with a long low tail: quarterly, not serious.
		{"peak then long tail", "", peakThenTail, want{quarterly: true, missing: "needed ≥120 min at ≥30,000 users; had 50 min"}},
		{"a tail above the line counts", "", accident(imp(internet,
			per("2022-07-02 01:00", "2022-07-02 01:50", 400000),
			per("2022-07-02 01:50", "2022-07-02 03:00", 30000))), want{serious: true, met: "120 min at ≥30,000 users"}},
		// Overlapping periods contradict each other (the decoder refuses
		// them); the engine never counts anyone twice: the larger number
		// holds.
		{"overlapping periods do not add", "", accident(imp(internet,
			per("2022-07-02 01:00", "2022-07-02 03:30", 20000),
			per("2022-07-02 01:30", "2022-07-02 03:30", 15000))), want{quarterly: true, missing: "peak was 20,000 users (for 150 min)"}},
		// Periods with no one affected are not outage time.
		{"zero-user periods are not affected time", "", accident(imp(internet,
			per("2022-07-02 01:00", "2022-07-02 01:30", 1000),
			per("2022-07-02 01:30", "2022-07-02 05:00", 0))), want{missing: "peak was 1,000 users (for 30 min)"}},
		// Durations are exact: 59 min 59.5 s is not 60 min.
		{"half a second short of an hour", "", with(window(voiceEm, "2022-07-02", 60, 30000), func(c *caseformat.Case) {
			c.Impacts[0].Timeline[0].To = c.Impacts[0].Timeline[0].To.Add(-500 * time.Millisecond)
		}), want{quarterly: true, missing: "needed ≥60 min at ≥30,000 users; had 59 min 59 s"}},
		// No timeline: peak × the whole duration, flagged.
		{"peak × duration", "", with(accident(), func(c *caseformat.Case) {
			c.OccurredAt = jst("2022-07-02 01:00")
			rec := jst("2022-07-02 04:00")
			c.RecoveredAt = &rec
			c.Impacts = []caseformat.Impact{{Service: internet, PeakUsers: n(50000), UserUnit: caseformat.UnitPeople}}
		}), want{serious: true, basis: rules.BasisPeakXDuration, met: "180 min at ≥30,000 users"}},
		// No duration yet: nothing serious, but ≥30,000 users already make
		// it a quarterly-report accident.
		{"peak × duration without a recovery time", "", with(accident(), func(c *caseformat.Case) {
			c.OccurredAt = jst("2022-07-02 01:00")
			c.Impacts = []caseformat.Impact{{Service: internet, PeakUsers: n(5000000), UserUnit: caseformat.UnitPeople}}
		}), want{quarterly: true, basis: rules.BasisPeakXDuration, missing: "the duration is unknown"}},
		{"no recovery time and few users", "", with(accident(), func(c *caseformat.Case) {
			c.OccurredAt = jst("2022-07-02 01:00")
			c.Impacts = []caseformat.Impact{{Service: internet, PeakUsers: n(29999), UserUnit: caseformat.UnitPeople}}
		}), want{basis: rules.BasisPeakXDuration, missing: "the duration is unknown"}},
		// One accident, several services: judged each; serious if any is.
		{"multi-service: voice with emergency calls makes it serious", "", accident(
			imp(voiceEm, per("2022-07-02 10:00", "2022-07-02 11:10", 40000)),
			imp(internet, per("2022-07-02 10:00", "2022-07-02 11:10", 40000))), want{serious: true, met: "70 min at ≥30,000 users"}},
		{"multi-service: neither", "", accident(
			imp(voiceEm, per("2022-07-02 10:00", "2022-07-02 10:50", 40000)),
			imp(internet, per("2022-07-02 10:00", "2022-07-02 11:10", 40000))), want{quarterly: true, missing: "had 50 min"}},
	})

	// The met entry names service, minutes and users; one per threshold met.
	r, err := catalog(t).Classify(intermittent, "")
	require.NoError(t, err)
	require.Len(t, r.Met, 1)
	assert.Equal(t, "voice_emergency", r.Met[0].Service)
	assert.Equal(t, 87.0, r.Met[0].Minutes)
	assert.Equal(t, int64(30000), *r.Met[0].Users)
	assert.Equal(t, int64(40000), *r.Met[0].PeakUsers)
	assert.Equal(t, 87.0, r.Impacts[0].AffectedMinutes)
}

// Users not countable, LPWA contracts, critical facilities, degradation.
func TestSpecialRules(t *testing.T) {
	capacity := func(date string, gbps float64, minutes int) caseformat.Case {
		c := window(internet, date, minutes, 0)
		c.Impacts[0].Timeline[0].Users = nil
		c.Impacts[0].PeakUsers = nil
		c.Impacts[0].StoppedCapacityGbps = &gbps
		return c
	}
	lpwaCase := func(date string, minutes int, users int64, unit caseformat.UserUnit) caseformat.Case {
		c := window(lpwa, date, minutes, users)
		c.Impacts[0].UserUnit = unit
		return c
	}
	critical := func(date string, minutes float64) caseformat.Case {
		c := caseformat.Case{Ref: "cf", Kind: caseformat.KindAccident, Operators: []caseformat.Operator{{Name: "A"}},
			OccurredAt: jst(date + " 03:00"), CriticalFacility: &caseformat.CriticalFacility{Type: "submarine_cable", AllTrafficDownMinutes: minutes}}
		return c
	}
	degraded := func(date string) caseformat.Case {
		c := window(voice, date, 180, 50000)
		c.Impacts[0].Degradation = true
		return c
	}
	runScenarios(t, []scenario{
		// More than 2 Gbps stopped counts as 30,000 users.
		{"2.5 Gbps stopped for 2 h", "", capacity("2021-01-10", 2.5, 120), want{serious: true, met: "120 min at ≥30,000 users"}},
		{"exactly 2 Gbps is not above 2 Gbps", "", capacity("2021-01-10", 2.0, 600), want{quarterly: true, missing: "users were not counted"}},
		{"the deemed users reach no 1,000,000 line", "", capacity("2021-01-10", 40, 90), want{quarterly: true, missing: "had 90 min"}},
		{"no deemed-users rule before 2015", "", capacity("2012-01-10", 2.5, 600), want{quarterly: true}},
		// The dev case 2020-002: no timeline, no users, 2.5 Gbps.
		{"deemed users with peak × duration", "", with(capacity("2021-01-10", 2.5, 600), func(c *caseformat.Case) { c.Impacts[0].Timeline = nil }),
			want{serious: true, basis: rules.BasisPeakXDuration}},
		// Deemed users are "≥30,000", never a sum: overlapping uncounted
		// periods do not make 100,000.
		{"deemed users do not add up", "", with(capacity("2021-01-10", 3, 70), func(c *caseformat.Case) {
			c.Impacts[0].Service = voice
			p := c.Impacts[0].Timeline[0]
			c.Impacts[0].Timeline = []caseformat.Period{p, p, p, p}
		}), want{quarterly: true, missing: "had 70 min"}},
		// LPWA counts contracts: ≥12 h and ≥30,000; ≥2 h and ≥1,000,000.
		{"LPWA 12 h at 30,000 contracts", "", lpwaCase("2021-01-10", 720, 30000, caseformat.UnitContracts), want{serious: true, met: "≥720 min at ≥30,000 users"}},
		{"LPWA 719 min at 30,000 contracts", "", lpwaCase("2021-01-10", 719, 30000, caseformat.UnitContracts), want{quarterly: true, missing: "had 719 min"}},
		{"LPWA 2 h at 1,000,000 contracts", "", lpwaCase("2021-01-10", 120, 1000000, caseformat.UnitContracts), want{serious: true}},
		{"LPWA device lines are not contracts", "", lpwaCase("2021-01-10", 800, 5000000, caseformat.UnitLines), want{quarterly: true, missing: "users were not counted"}},
		{"LPWA before 2019 was judged as other", "", lpwaCase("2018-01-10", 120, 30000, caseformat.UnitLines), want{serious: true}},
		// Critical facilities: all traffic down ≥2 h, whatever the users.
		{"critical facility 120 min", "", critical("2021-01-10", 120), want{serious: true, met: "all traffic down for 120 min"}},
		{"critical facility 119 min", "", critical("2021-01-10", 119), want{missing: "needed all traffic down for ≥120 min; had 119 min"}},
		{"no critical-facility rule before 2015", "", critical("2012-01-10", 600), want{}},
		// Quality degradation counts only from 2008-04.
		{"degradation in 2005 does not count", "", degraded("2005-01-10"), want{}},
		{"degradation in 2009 counts", "", degraded("2009-01-10"), want{serious: true}},
		{"degradation under 2004 on request", "2004", degraded("2020-01-10"), want{}},
	})

	r, err := catalog(t).Classify(degraded("2005-01-10"), "")
	require.NoError(t, err)
	assert.False(t, r.Impacts[0].Counted)
	assert.Contains(t, strings.Join(r.Explanation, " "), "degradation does not count under rule set 2004")
}

// The quarterly-report threshold: ≥30,000 users or ≥2 h, when not serious.
func TestQuarterly(t *testing.T) {
	runScenarios(t, []scenario{
		{"2 h with few users", "", window(internet, "2021-05-01", 120, 100), want{quarterly: true}},
		{"a moment at 30,000", "", window(internet, "2021-05-01", 5, 30000), want{quarterly: true}},
		{"small and short", "", window(internet, "2021-05-01", 119, 29999), want{}},
		{"serious is not quarterly", "", window(internet, "2021-05-01", 120, 30000), want{serious: true}},
		{"uncountable users for 2 h", "", with(window(internet, "2021-05-01", 120, 0), func(c *caseformat.Case) { c.Impacts[0].Timeline[0].Users = nil }),
			want{quarterly: true}},
	})
}

// The 2025 draft: internet access split out of "other" with a 1 h / 100,000
// line; large free services that mediate communications get their own.
func TestProposal2025(t *testing.T) {
	free := func(minutes int, users, mau int64, mediates bool) caseformat.Case {
		c := window(freeNet, "2024-02-01", minutes, users)
		c.Impacts[0].MonthlyActiveUsers = &mau
		c.Impacts[0].MediatesCommunications = &mediates
		return c
	}
	runScenarios(t, []scenario{
		{"internet 60 min at 100,000 under the draft", "proposal-2025", window(internet, "2024-02-01", 60, 100000), want{serious: true, met: "≥60 min at ≥100,000 users"}},
		{"internet 60 min at 100,000 under 2019", "", window(internet, "2024-02-01", 60, 100000), want{quarterly: true}},
		{"internet 59 min at 100,000 under the draft", "proposal-2025", window(internet, "2024-02-01", 59, 100000), want{quarterly: true}},
		{"other keeps the 2019 lines in the draft", "proposal-2025", window(other, "2024-02-01", 60, 100000), want{quarterly: true}},
		{"messaging with 10M MAU: 2 h at 1,000,000", "proposal-2025", free(120, 1000000, 10000000, true), want{serious: true, met: "≥120 min at ≥1,000,000 users"}},
		{"messaging with 10M MAU: 4 h at 100,000", "proposal-2025", free(240, 100000, 10000000, true), want{serious: true, met: "≥240 min at ≥100,000 users"}},
		{"messaging with 10M MAU: 239 min at 100,000", "proposal-2025", free(239, 100000, 10000000, true), want{quarterly: true, missing: "had 239 min"}},
		{"messaging just under 10M MAU falls back to free services", "proposal-2025", free(120, 1000000, 9999999, true), want{quarterly: true, missing: "had 120 min"}},
		{"search with 50M MAU does not mediate", "proposal-2025", free(120, 1000000, 50000000, false), want{quarterly: true}},
		{"messaging with 10M MAU under 2019", "", free(120, 1000000, 10000000, true), want{quarterly: true}},
	})
	r, err := catalog(t).Classify(free(120, 1000000, 10000000, true), "proposal-2025")
	require.NoError(t, err)
	assert.Equal(t, "large_free_mediating", r.Impacts[0].Category)
	assert.Equal(t, rules.SelectedByRequest, r.SelectedBy)
}

// Foreign regimes, for what-if comparison of data services.
func TestForeignRegimes(t *testing.T) {
	subs := func(c caseformat.Case, total int64) caseformat.Case {
		c.Impacts[0].TotalSubscribers = &total
		return c
	}
	mvno := func(c caseformat.Case) caseformat.Case {
		c.Operators = []caseformat.Operator{{Name: "MVNO", Role: caseformat.RoleWholesaleCustomer}}
		return c
	}
	day := "2021-09-01"
	runScenarios(t, []scenario{
		// UK fixed: ≥8 h and (≥10,000 or ≥25 %); ≥1 h and ≥100,000.
		{"uk 8 h at 10,000", "uk", window(internet, day, 480, 10000), want{serious: true, met: "≥480 min at ≥10,000 users"}},
		{"uk 479 min at 10,000", "uk", window(internet, day, 479, 10000), want{missing: "had 479 min"}},
		{"uk 1 h at 100,000", "uk", window(internet, day, 60, 100000), want{serious: true}},
		{"uk 8 h at 25 % of a small operator", "uk", subs(window(internet, day, 480, 2500), 10000), want{serious: true, met: "≥25 % of subscribers"}},
		// UK MVNO: ≥8 h and ≥25 % only.
		{"uk MVNO 8 h at 10,000 but 10 %", "uk", mvno(subs(window(internet, day, 480, 10000), 100000)), want{missing: "≥25 % of subscribers"}},
		{"uk MVNO 8 h at 25 %", "uk", mvno(subs(window(internet, day, 480, 25000), 100000)), want{serious: true}},
		{"uk MVNO without subscriber numbers", "uk", mvno(window(internet, day, 480, 25000)), want{missing: "needs total_subscribers"}},
		// A wholesale accident reported by the network operator and its MVNO
		// is judged by the fixed lines.
		{"uk wholesale provider and customer", "uk", with(window(internet, day, 600, 500000), func(c *caseformat.Case) {
			c.Operators = []caseformat.Operator{{Name: "MNO", Role: caseformat.RoleWholesaleProvider}, {Name: "MVNO", Role: caseformat.RoleWholesaleCustomer}}
		}), want{serious: true}},
		{"uk does not judge voice", "uk", window(voiceEm, day, 600, 1000000), want{}},
		// EU: hours × users ≥ 1,000,000 (outages under 1 h or 25,000 users excluded).
		{"eu 4 h × 250,000", "eu", window(internet, day, 240, 250000), want{serious: true, met: "1,000,000 user-hours"}},
		{"eu just under a million user-hours", "eu", window(internet, day, 240, 249999), want{missing: "had 999,996"}},
		{"eu under 1 h is excluded", "eu", window(internet, day, 59, 5000000), want{missing: "outages under 60 min are excluded"}},
		{"eu under 25,000 users is excluded", "eu", window(internet, day, 6000, 24999), want{missing: "outages under 25,000 users are excluded"}},
		// EU share bands: more than 6 h at 2–5 % of subscribers.
		{"eu 361 min at 2 %", "eu", subs(window(internet, day, 361, 20000), 1000000), want{serious: true, met: ">360 min at ≥2 % of subscribers"}},
		{"eu exactly 6 h at 2 % is not more than 6 h", "eu", subs(window(internet, day, 360, 20000), 1000000), want{}},
		// The last band is "more than 15 %".
		{"eu 61 min at just over 15 %", "eu", subs(window(internet, day, 61, 15001), 100000), want{serious: true, met: "61 min at >15,000 users"}},
		{"eu 61 min at exactly 15 %", "eu", subs(window(internet, day, 61, 15000), 100000), want{missing: ">15 % of subscribers"}},
		{"eu 121 min at exactly 15 % falls in the 10–15 % band", "eu", subs(window(internet, day, 121, 15000), 100000), want{serious: true, met: ">120 min at ≥10 % of subscribers"}},
		// Germany: hours × users ≥ 1,000,000, no exclusions.
		{"de 30 min × 2,000,000", "de", window(internet, day, 30, 2000000), want{serious: true}},
		{"de 30 min × 1,999,999", "de", window(internet, day, 30, 1999999), want{}},
		// France: ≥2 h and ≥50,000 users (or ≥50 base stations).
		{"fr 2 h at 50,000", "fr", window(internet, day, 120, 50000), want{serious: true}},
		{"fr 2 h at 49,999", "fr", window(internet, day, 120, 49999), want{missing: "peak was 49,999 users"}},
		{"fr 2 h of 50 base stations", "fr", with(window(internet, day, 120, 50), func(c *caseformat.Case) {
			c.Impacts[0].Extra = caseformat.Extra{"line_type": []byte(`"base_stations"`)}
		}), want{serious: true}},
		// USA: data services are not reportable.
		{"us data never serious", "us", window(internet, day, 6000, 50000000), want{}},
	})
	r, err := catalog(t).Classify(window(internet, day, 6000, 50000000), "us")
	require.NoError(t, err)
	assert.Contains(t, strings.Join(r.Impacts[0].Notes, " "), "not reportable")
	assert.Equal(t, rules.StatusForeign, r.RuleSetStatus)
}

// Where a report leaves out something that changes the judgement, the
// result says so.
func TestNotesOnMissingOrOddFacts(t *testing.T) {
	c := catalog(t)
	notes := func(cs caseformat.Case, id string) string {
		r, err := c.Classify(cs, id)
		require.NoError(t, err)
		return strings.Join(r.Impacts[0].Notes, "\n")
	}
	// A free service with no MAU cannot be put in the draft's large-service line.
	free := window(freeNet, "2024-02-01", 240, 100000)
	free.Impacts[0].MediatesCommunications = boolp(true)
	assert.Contains(t, notes(free, "proposal-2025"), "category large_free_mediating (free internet services with 10M+ monthly active users that mediate communications) was not considered: monthly_active_users not given")
	// LPWA numbers in the default unit are counted as contracts, with a word.
	assert.Contains(t, notes(window(lpwa, "2021-01-10", 800, 40000), ""), "given in people and are counted as contracts")
	// A timeline above the reported peak.
	odd := window(internet, "2021-01-10", 100, 50000)
	odd.Impacts[0].PeakUsers = n(40000)
	assert.Contains(t, notes(odd, ""), "the timeline reaches 50,000 users, more than peak_users (40,000)")
	// Rule sets without a quarterly category say so.
	r, err := c.Classify(window(voice, "1990-01-10", 300, 20000), "")
	require.NoError(t, err)
	assert.Contains(t, strings.Join(r.Explanation, "\n"), "which has no quarterly-report category")
}
