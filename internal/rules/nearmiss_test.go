package rules_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/caseformat"
)

func nearMiss(date string, nm *caseformat.NearMiss) caseformat.Case {
	return caseformat.Case{Ref: "nm", Kind: caseformat.KindNearMiss, Operators: []caseformat.Operator{{Name: "A"}},
		OccurredAt: jst(date + " 09:00"), NearMiss: nm}
}

// Near-miss reportability under the rules in force since 2023-06 and under
// the 2025 draft (SPEC §4).
func TestNearMissRules(t *testing.T) {
	T, F := boolp(true), boolp(false)
	const day = "2024-08-01"
	tests := []struct {
		name       string
		rules      string
		nm         *caseformat.NearMiss
		date       string
		reportable bool
		reason     string
	}{
		{"failover: not noticed, not switched", "", &caseformat.NearMiss{Situation: "failover_failure", NoticedPromptly: F, SwitchedPromptly: F}, day, true, "not noticed promptly"},
		{"failover: noticed but not switched (2023)", "", &caseformat.NearMiss{Situation: "failover_failure", NoticedPromptly: T, SwitchedPromptly: F}, day, false, "noticed promptly"},
		{"failover: noticed but not switched (draft)", "proposal-2025", &caseformat.NearMiss{Situation: "failover_failure", NoticedPromptly: T, SwitchedPromptly: F}, day, true, "drops the condition"},
		{"failover: switched promptly", "proposal-2025", &caseformat.NearMiss{Situation: "failover_failure", SwitchedPromptly: T}, day, false, "took over promptly"},
		{"failover: facts missing", "", &caseformat.NearMiss{Situation: "failover_failure", NoticedPromptly: F}, day, false, "cannot be judged without switched_promptly"},
		{"before near-miss reporting began", "", &caseformat.NearMiss{Situation: "failover_failure", NoticedPromptly: F, SwitchedPromptly: F}, "2023-05-31", false, "began on 2023-06-01"},
		{"on the first day", "", &caseformat.NearMiss{Situation: "failover_failure", NoticedPromptly: F, SwitchedPromptly: F}, "2023-06-01", true, "under near-miss rules 2023"},
		{"capacity, internal, removed by restart", "proposal-2025", &caseformat.NearMiss{Situation: "capacity_exceeded", CauseOrigin: "internal", CauseRemovedPromptly: T}, day, false, "removed promptly"},
		{"capacity, internal, not removed", "proposal-2025", &caseformat.NearMiss{Situation: "capacity_exceeded", CauseOrigin: "internal", CauseRemovedPromptly: F}, day, true, "not removed promptly"},
		{"voice congestion, priority calls failed too", "proposal-2025", &caseformat.NearMiss{Situation: "capacity_exceeded", CauseOrigin: "legitimate_crowd", Traffic: "voice", PriorityCallsFailed: T}, day, true, "priority calls failed"},
		{"voice congestion, priority calls kept flowing", "proposal-2025", &caseformat.NearMiss{Situation: "capacity_exceeded", CauseOrigin: "legitimate_crowd", Traffic: "voice", PriorityCallsFailed: F}, day, false, "kept priority calls flowing"},
		{"DDoS not blocked, legitimate traffic degraded", "proposal-2025", &caseformat.NearMiss{Situation: "capacity_exceeded", CauseOrigin: "attack", Traffic: "data", AttackBlocked: F, LegitTrafficDegraded: T}, day, true, "could not be blocked"},
		{"DDoS blocked, quality kept", "proposal-2025", &caseformat.NearMiss{Situation: "capacity_exceeded", CauseOrigin: "attack", Traffic: "data", AttackBlocked: T, LegitTrafficDegraded: F}, day, false, "kept its quality"},
		{"DDoS blocked but not enough", "proposal-2025", &caseformat.NearMiss{Situation: "capacity_exceeded", CauseOrigin: "attack", Traffic: "data", AttackBlocked: T, LegitTrafficDegraded: T}, day, true, "could not be blocked enough"},
		{"capacity: only the branch-choosing fact is asked for", "proposal-2025", &caseformat.NearMiss{Situation: "capacity_exceeded", Traffic: "data"}, day, false, "cannot be judged without cause_origin"},
		{"crowd on a best-effort data service", "proposal-2025", &caseformat.NearMiss{Situation: "capacity_exceeded", CauseOrigin: "legitimate_crowd", Traffic: "data", BestEffort: T}, day, false, "best-effort"},
		{"capacity under the 2023 rules", "", &caseformat.NearMiss{Situation: "capacity_exceeded", CauseOrigin: "legitimate_crowd", Traffic: "data", BestEffort: T}, day, true, "no exception by cause"},
		{"wrong config, rollback restored service (draft)", "proposal-2025", &caseformat.NearMiss{Situation: "wrong_config_or_software", RolledBackPromptly: T}, day, false, "rollback"},
		{"wrong config, no prompt rollback (draft)", "proposal-2025", &caseformat.NearMiss{Situation: "wrong_config_or_software", RolledBackPromptly: F}, day, true, "did not restore"},
		{"wrong config, rolled back (2023)", "", &caseformat.NearMiss{Situation: "wrong_config_or_software", RolledBackPromptly: T}, day, true, "no exception for a prompt rollback"},
		{"satellite (draft)", "proposal-2025", &caseformat.NearMiss{Situation: "satellite"}, day, true, "under study"},
		{"not a near-miss situation", "", &caseformat.NearMiss{Situation: "other"}, day, false, "is none of the near-miss situations"},
		{"no facts at all", "", nil, day, false, "were not reported"},
		{"a foreign regime has none", "uk", &caseformat.NearMiss{Situation: "satellite"}, day, false, "has no near-miss reporting"},
		{"an older rule set on request uses the rules in force", "2015", &caseformat.NearMiss{Situation: "satellite"}, day, true, "under near-miss rules 2023"},
	}
	c := catalog(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := c.Classify(nearMiss(tt.date, tt.nm), tt.rules)
			require.NoError(t, err)
			require.NotNil(t, r.NearMissReportable)
			assert.Equal(t, tt.reportable, *r.NearMissReportable, r.NearMissReason)
			assert.Contains(t, r.NearMissReason, tt.reason)
			assert.False(t, r.Serious)
		})
	}

	// An accident carries no near-miss verdict.
	r, err := c.Classify(window(voice, day, 10, 10), "")
	require.NoError(t, err)
	assert.Nil(t, r.NearMissReportable)
	assert.Empty(t, r.NearMissReason)
}

// A verdict that awaits facts names just the facts that would decide it.
func TestNearMissMissingFacts(t *testing.T) {
	c := catalog(t)
	r, err := c.Classify(nearMiss("2024-08-01", &caseformat.NearMiss{Situation: "capacity_exceeded", Traffic: "data"}), "proposal-2025")
	require.NoError(t, err)
	assert.Equal(t, []string{"cause_origin"}, r.NearMissMissingFacts)
	r, err = c.Classify(nearMiss("2024-08-01", &caseformat.NearMiss{Situation: "failover_failure", SwitchedPromptly: boolp(false)}), "")
	require.NoError(t, err)
	assert.Equal(t, []string{"noticed_promptly"}, r.NearMissMissingFacts)
	assert.False(t, *r.NearMissReportable)
}
