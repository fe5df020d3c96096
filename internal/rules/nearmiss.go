package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"kensho/internal/caseformat"
)

// judgeNearMiss decides whether a near_miss case must be reported: under the
// near-miss rules the rule set names, or those in force on the occurrence
// date.
func (c *Catalog) judgeNearMiss(cs *caseformat.Case, rs *RuleSet, r *Result) {
	no := false
	r.NearMissReportable = &no
	var nm *NearMissRules
	switch rs.NearMiss {
	case nearMissRulesNone:
		r.NearMissReason = fmt.Sprintf("rule set %s has no near-miss reporting", rs.ID)
	case "":
		nm = c.nearMissInForceOn(cs.OccurredAt)
		if nm == nil {
			first := "a later date"
			if len(c.nmDated) > 0 {
				first = c.nmDated[0].InForceFrom.String()
			}
			r.NearMissReason = fmt.Sprintf("near-miss reporting began on %s; this occurred on %s", first, r.OccurredOn)
		}
	default:
		nm = c.nearMiss[rs.NearMiss]
	}
	if nm != nil {
		r.NearMissRules = nm.ID
		rep, reason, lacking := nm.judge(cs.NearMiss)
		r.NearMissReportable = &rep
		r.NearMissReason = reason
		r.NearMissMissingFacts = lacking
	}
	verdict := "not reportable"
	if *r.NearMissReportable {
		verdict = "reportable"
	}
	r.explain("Near-miss %s: %s.", verdict, r.NearMissReason)
}

// judge applies the first rule of the situation whose facts all hold. When
// no rule decides for want of facts, the answer is "not reportable" with the
// facts that would decide it: those every undecided rule lacks, if any,
// else all that any of them lacks.
func (nm *NearMissRules) judge(n *caseformat.NearMiss) (bool, string, []string) {
	if n == nil {
		return false, fmt.Sprintf("under near-miss rules %s: the near_miss facts (situation and what happened) were not reported", nm.ID), []string{"situation"}
	}
	i := slices.IndexFunc(nm.Situations, func(s SituationRules) bool { return s.Situation == n.Situation })
	if i < 0 {
		return false, fmt.Sprintf("under near-miss rules %s: %s is none of the near-miss situations; not reportable as a near-miss unless the secretariat decides otherwise", nm.ID, n.Situation), nil
	}
	sit := nm.Situations[i]
	var undecided [][]string
	for _, rule := range sit.Rules {
		holds, lacking := rule.holds(n)
		if len(lacking) > 0 {
			undecided = append(undecided, lacking)
			continue
		}
		if holds {
			return rule.Reportable, fmt.Sprintf("under near-miss rules %s (%s): %s", nm.ID, sit.NameEN, rule.Reason), nil
		}
	}
	if len(undecided) == 0 {
		return false, fmt.Sprintf("under near-miss rules %s (%s): no rule makes this situation reportable", nm.ID, sit.NameEN), nil
	}
	facts := decidingFacts(undecided)
	return false, fmt.Sprintf("under near-miss rules %s (%s): cannot be judged without %s", nm.ID, sit.NameEN, strings.Join(facts, ", ")), facts
}

// decidingFacts picks, from the facts each undecided rule lacks, those all
// of them lack (they choose the branch); failing that, every one.
func decidingFacts(undecided [][]string) []string {
	count := map[string]int{}
	for _, lacking := range undecided {
		for _, f := range lacking {
			count[f]++
		}
	}
	var all, common []string
	for f, n := range count {
		all = append(all, f)
		if n == len(undecided) {
			common = append(common, f)
		}
	}
	if len(common) > 0 {
		all = common
	}
	sort.Strings(all)
	return all
}

// holds reports whether every fact of the rule holds, and which facts the
// report lacks.
func (r NearMissRule) holds(n *caseformat.NearMiss) (bool, []string) {
	var lacking []string
	ok := true
	for fact, want := range r.When {
		got, known := n.Fact(fact)
		if !known {
			lacking = append(lacking, fact)
			continue
		}
		if got != want {
			ok = false
		}
	}
	if !ok {
		return false, nil // a known fact contradicts the rule: missing facts would not change that
	}
	return ok, lacking
}
