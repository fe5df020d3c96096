package webui

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kensho/internal/caseformat"
	"kensho/internal/rules"
)

// judgement is the rules engine's verdict on a report form as it stands,
// for the panel beside the form: serious, quarterly or neither under the
// rule set in force on the occurrence date, and for a near-miss whether it
// must be reported (under the rules in force, and under the draft rules
// for comparison). The page decides nothing: it shows rules.Result.
type judgement struct {
	Kind caseformat.Kind
	// Waiting: no occurrence date yet, so no rule set can be chosen.
	Waiting bool
	// Problems keep the engine from judging: the fields at fault.
	Problems []formError
	// Error is why no rule set applies (a date before the first one).
	Error string
	// Verdict is serious, quarterly or none.
	Verdict      string
	RuleSet      string
	RuleSetTitle string
	Occurred     time.Time
	// PeakOnly: judged on peak × duration, for want of a timeline.
	PeakOnly    bool
	Met         []string
	Closest     string
	Explanation []string
	NearMiss    []nearMissVerdict
	// QuickNotSerious: a quick report of an accident that does not look
	// serious (the operator may want the quarterly form instead).
	QuickNotSerious bool
}

// nearMissVerdict is one near-miss judgement: under the rules in force or
// under a proposal.
type nearMissVerdict struct {
	Rules, Title string
	InForce      bool
	Reportable   bool
	Reason       string
	Missing      []string
}

// reportJudge answers the judgement panel's htmx round trip: the form's
// fields in, the verdict fragment out. Nothing is saved.
func (p *pages) reportJudge(c echo.Context) error {
	if err := mayFill(c); err != nil {
		return err
	}
	values, err := c.FormParams()
	if err != nil {
		return err
	}
	d := p.reportPage(c, parseReportForm(values))
	d.Judgement = p.judge(d)
	return p.renderFragment(c, http.StatusOK, "report-form.html", "rf-judgement", d)
}

// judge runs the engine on the part of the form that decides a verdict:
// dates, impacts and their timelines, critical facility, near-miss facts.
// Problems in those parts (a period ending before it starts) are shown
// instead of a verdict; the rest of the form does not matter here.
func (p *pages) judge(d *reportPage) *judgement {
	f := d.F
	j := &judgement{Kind: f.CaseKind}
	if f.CaseKind == caseformat.KindInformation {
		return nil
	}
	org := d.org
	if org == "" {
		// The secretariat's edit of a case without operator context: the
		// operator decides nothing in a verdict.
		org = "—"
	}
	doc := f.doc(org)
	for _, pr := range f.problems {
		if judged(pr.Path) {
			j.Problems = append(j.Problems, formError{Path: pr.Path, Field: pr.Path, ID: fieldID(pr.Path), Label: d.fieldLabel(pr.Path), Message: d.T(pr.Key)})
		}
	}
	if doc.OccurredAt == "" {
		j.Waiting = len(j.Problems) == 0
		return j
	}
	judged := caseDoc{Ref: "judgement", Kind: doc.Kind, Operators: doc.Operators, OccurredAt: doc.OccurredAt, RecoveredAt: doc.RecoveredAt,
		Impacts: doc.Impacts, CriticalFacility: doc.CriticalFacility, NearMiss: doc.NearMiss}
	body, _ := json.Marshal(judged)
	cs, err := caseformat.DecodeCase(body)
	if err != nil {
		j.Problems = append(j.Problems, d.formErrors(err)...)
	}
	if len(j.Problems) > 0 {
		return j
	}
	res, err := p.Catalog.Classify(cs, "")
	var none *rules.ErrNoRuleSetInForce
	if errors.As(err, &none) {
		j.Error = d.Tf("rf.j.norules", d.Date(cs.OccurredAt))
		return j
	}
	if err != nil {
		j.Error = err.Error()
		return j
	}
	j.RuleSet, j.RuleSetTitle, j.Occurred = res.RuleSet, res.RuleSetTitle, cs.OccurredAt
	j.PeakOnly = res.Basis == rules.BasisPeakXDuration
	switch {
	case res.Serious:
		j.Verdict = "serious"
	case res.Quarterly:
		j.Verdict = "quarterly"
	default:
		j.Verdict = "none"
	}
	for _, m := range res.Met {
		j.Met = append(j.Met, m.Text)
	}
	if res.Closest != nil {
		j.Closest = res.Closest.Missing
	}
	j.Explanation = res.Explanation
	j.QuickNotSerious = f.Kind == formQuick && !res.Serious && len(cs.Impacts)+boolInt(cs.CriticalFacility != nil) > 0
	if cs.Kind == caseformat.KindNearMiss {
		titles := map[string]string{}
		for _, nm := range p.Catalog.NearMissRuleSets() {
			titles[nm.ID] = nm.Title
			if d.Lang == langEN {
				titles[nm.ID] = nm.TitleEN
			}
		}
		j.NearMiss = append(j.NearMiss, nearMissOf(res, titles, true))
		// The draft rules answer differently in places (a DDoS that was
		// blocked, a prompt rollback): show them beside the law in force.
		for _, rs := range p.Catalog.RuleSets() {
			if rs.Status != rules.StatusProposal || rs.NearMiss == "" || rs.NearMiss == "none" {
				continue
			}
			if r, err := p.Catalog.Classify(cs, rs.ID); err == nil && r.NearMissReportable != nil {
				j.NearMiss = append(j.NearMiss, nearMissOf(r, titles, false))
			}
		}
	}
	return j
}

func nearMissOf(r *rules.Result, titles map[string]string, inForce bool) nearMissVerdict {
	v := nearMissVerdict{Rules: r.NearMissRules, Title: titles[r.NearMissRules], InForce: inForce, Reason: r.NearMissReason,
		Missing: r.NearMissMissingFacts}
	if r.NearMissReportable != nil {
		v.Reportable = *r.NearMissReportable
	}
	return v
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// judged reports whether a field takes part in the judgement.
func judged(path string) bool {
	return path == "occurred_at" || path == "recovered_at" || strings.HasPrefix(path, "impacts") ||
		strings.HasPrefix(path, "critical_facility") || strings.HasPrefix(path, "near_miss")
}

// FactLabel names a near-miss fact the engine asks for.
func (d *reportPage) FactLabel(fact string) string { return d.fieldLabel("near_miss." + fact) }
