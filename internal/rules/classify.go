package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"kensho/internal/caseformat"
	"kensho/internal/jpdate"
)

// How the rule set of a judgement was chosen.
const (
	SelectedByDate      = "occurrence_date"
	SelectedByRequest   = "requested"
	serviceCriticalFac  = "critical_facility"
	nearMissRulesNone   = "none"
	closenessUnknowable = 0.0
)

// Result is the judgement of one case under one rule set. It explains
// itself: Met names every threshold met, Closest the nearest one missed.
type Result struct {
	RuleSet       string `json:"rule_set"`
	RuleSetTitle  string `json:"rule_set_title"`
	RuleSetStatus Status `json:"rule_set_status"`
	SelectedBy    string `json:"selected_by"`
	OccurredOn    string `json:"occurred_on"`
	FiscalYear    int    `json:"fiscal_year"`
	Serious       bool   `json:"serious"`
	Quarterly     bool   `json:"quarterly"`
	Basis         string `json:"basis"`
	Met           []Met  `json:"met"`
	// Closest is the threshold nearest to being met, when none was.
	Closest          *Unmet                  `json:"closest,omitempty"`
	Impacts          []ImpactResult          `json:"impacts"`
	CriticalFacility *CriticalFacilityResult `json:"critical_facility,omitempty"`
	// Near-miss judgement, for near_miss cases only.
	NearMissReportable *bool  `json:"near_miss_reportable,omitempty"`
	NearMissReason     string `json:"near_miss_reason,omitempty"`
	NearMissRules      string `json:"near_miss_rules,omitempty"`
	// NearMissMissingFacts names the facts a near-miss verdict awaits.
	NearMissMissingFacts []string `json:"near_miss_missing_facts,omitempty"`
	Explanation          []string `json:"explanation"`
}

// Met is one threshold met: Minutes is the time during which at least Users
// users were affected (for a share threshold, Users is that share of the
// subscribers).
type Met struct {
	Impact    int          `json:"impact"`
	Service   string       `json:"service"`
	Category  string       `json:"category,omitempty"`
	Minutes   float64      `json:"minutes"`
	Users     *int64       `json:"users"`
	PeakUsers *int64       `json:"peak_users,omitempty"`
	UserHours *float64     `json:"user_hours,omitempty"`
	Threshold *Threshold   `json:"threshold,omitempty"`
	Product   *ProductRule `json:"product,omitempty"`
	Text      string       `json:"text"`
}

// Unmet is a threshold not met and what was missing.
type Unmet struct {
	Impact     int          `json:"impact"`
	Service    string       `json:"service"`
	Category   string       `json:"category"`
	Threshold  *Threshold   `json:"threshold,omitempty"`
	Product    *ProductRule `json:"product,omitempty"`
	HadMinutes float64      `json:"had_minutes"`
	PeakUsers  *int64       `json:"peak_users"`
	Missing    string       `json:"missing"`
	closeness  float64
}

// ImpactResult is the judgement of one impact.
type ImpactResult struct {
	Impact       int    `json:"impact"`
	Service      string `json:"service"`
	Category     string `json:"category,omitempty"`
	CategoryName string `json:"category_name,omitempty"`
	// Counted is false when the rule set does not judge this impact at all
	// (degradation before 2008, a service outside a foreign regime).
	Counted         bool     `json:"counted"`
	Basis           string   `json:"basis"`
	Serious         bool     `json:"serious"`
	Quarterly       bool     `json:"quarterly"`
	AffectedMinutes float64  `json:"affected_minutes"`
	PeakUsers       *int64   `json:"peak_users"`
	DeemedUsers     bool     `json:"deemed_users,omitempty"`
	Met             []Met    `json:"met"`
	Closest         *Unmet   `json:"closest,omitempty"`
	Notes           []string `json:"notes,omitempty"`
}

// CriticalFacilityResult is the judgement of a critical-facility outage.
type CriticalFacilityResult struct {
	Type            string  `json:"type"`
	Minutes         float64 `json:"all_traffic_down_minutes"`
	RequiredMinutes float64 `json:"required_minutes,omitempty"`
	Serious         bool    `json:"serious"`
	Text            string  `json:"text"`
}

// Classify judges a case under the rule set named by id, or under the one in
// force on its occurrence date (JST) when id is empty.
func (c *Catalog) Classify(cs caseformat.Case, id string) (*Result, error) {
	var rs *RuleSet
	var err error
	selected := SelectedByRequest
	if id == "" {
		selected = SelectedByDate
		rs, err = c.InForceOn(cs.OccurredAt)
	} else {
		rs, err = c.Get(id)
	}
	if err != nil {
		return nil, err
	}
	r := &Result{
		RuleSet: rs.ID, RuleSetTitle: rs.Title, RuleSetStatus: rs.Status, SelectedBy: selected,
		OccurredOn: jpdate.DateOf(cs.OccurredAt), FiscalYear: jpdate.FiscalYear(cs.OccurredAt),
		Basis: BasisTimeline, Met: []Met{}, Impacts: []ImpactResult{},
	}
	if selected == SelectedByDate {
		r.explain("Rule set %s (%s), in force on %s, the occurrence date in JST.", rs.ID, rs.TitleEN, r.OccurredOn)
	} else {
		r.explain("Rule set %s (%s), as requested.", rs.ID, rs.TitleEN)
	}

	var closest []*Unmet
	for i := range cs.Impacts {
		ir := judgeImpact(&cs, i, rs)
		if ir.Basis == BasisPeakXDuration {
			r.Basis = BasisPeakXDuration
		}
		r.Serious = r.Serious || ir.Serious
		r.Quarterly = r.Quarterly || ir.Quarterly
		r.Met = append(r.Met, ir.Met...)
		if ir.Closest != nil {
			closest = append(closest, ir.Closest)
		}
		r.explainImpact(ir)
		r.Impacts = append(r.Impacts, ir)
	}
	if cf := cs.CriticalFacility; cf != nil {
		res, met, unmet := judgeCriticalFacility(cf, rs)
		if met != nil {
			r.Serious = true
			r.Met = append(r.Met, *met)
		}
		if unmet != nil {
			closest = append(closest, unmet)
		}
		r.explain("%s.", capitalise(res.Text))
		r.CriticalFacility = res
	}
	if r.Serious {
		r.Quarterly = false // a serious accident is reported as such, not quarterly
	} else {
		for _, u := range closest {
			if r.Closest == nil || u.closeness > r.Closest.closeness {
				r.Closest = u
			}
		}
	}
	switch {
	case r.Serious:
		r.explain("Serious accident (重大な事故) under rule set %s.", rs.ID)
	case r.Quarterly:
		r.explain("Not serious under rule set %s; a quarterly-report accident (四半期報告事故).", rs.ID)
	case rs.Quarterly == nil:
		r.explain("Not serious under rule set %s, which has no quarterly-report category.", rs.ID)
	default:
		r.explain("Not serious under rule set %s, and below the quarterly-report threshold.", rs.ID)
	}
	if u := r.Closest; u != nil {
		where := "critical facility"
		if u.Impact >= 0 {
			where = fmt.Sprintf("impact %d (%s)", u.Impact, u.Service)
		}
		r.explain("Closest threshold not met: %s: %s.", where, u.Missing)
	}
	if cs.Kind == caseformat.KindNearMiss {
		c.judgeNearMiss(&cs, rs, r)
	}
	return r, nil
}

// judgeCriticalFacility applies the critical-facility rule: all traffic
// through the facility down long enough, whatever the number of users.
func judgeCriticalFacility(cf *caseformat.CriticalFacility, rs *RuleSet) (*CriticalFacilityResult, *Met, *Unmet) {
	res := &CriticalFacilityResult{Type: cf.Type, Minutes: cf.AllTrafficDownMinutes}
	rule := rs.CriticalFacility
	if rule == nil {
		res.Text = fmt.Sprintf("rule set %s has no critical-facility rule", rs.ID)
		return res, nil, nil
	}
	t := Threshold{Minutes: rule.AllTrafficDownMinutes}
	down := time.Duration(cf.AllTrafficDownMinutes * float64(time.Minute))
	res.RequiredMinutes = rule.AllTrafficDownMinutes
	res.Serious = durationMeets(down, t)
	if res.Serious {
		res.Text = fmt.Sprintf("critical facility (%s): all traffic down for %s meets ≥%s, whatever the number of users",
			cf.Type, durationText(down), durationText(need(t)))
		return res, &Met{Impact: -1, Service: serviceCriticalFac, Minutes: minutesOf(down), Threshold: &t, Text: res.Text}, nil
	}
	missing := fmt.Sprintf("needed all traffic down for ≥%s; had %s", durationText(need(t)), durationText(down))
	res.Text = fmt.Sprintf("critical facility (%s): %s", cf.Type, missing)
	return res, nil, &Unmet{Impact: -1, Service: serviceCriticalFac, HadMinutes: minutesOf(down), Threshold: &t, Missing: missing,
		closeness: float64(down) / float64(need(t))}
}

func judgeImpact(cs *caseformat.Case, i int, rs *RuleSet) ImpactResult {
	im := &cs.Impacts[i]
	ir := ImpactResult{Impact: i, Service: string(im.Service), Met: []Met{}, Basis: BasisTimeline}
	if len(im.Timeline) == 0 {
		ir.Basis = BasisPeakXDuration
	}
	if im.Degradation && !rs.DegradationCounts {
		ir.Notes = append(ir.Notes, fmt.Sprintf("quality degradation does not count under rule set %s (suspension only)", rs.ID))
		return ir
	}
	cat, skipped := rs.categoryFor(cs, im)
	ir.Notes = append(ir.Notes, skipped...)
	var countUnit caseformat.UserUnit
	if cat != nil {
		ir.Category, ir.CategoryName, countUnit = cat.ID, cat.NameEN, cat.CountUnit
	}
	pr := buildProfile(cs, im, rs, countUnit)
	ir.Basis, ir.DeemedUsers, ir.Notes = pr.basis, pr.deemed, append(ir.Notes, pr.notes...)
	ir.AffectedMinutes = minutesOf(pr.affected())
	if p, ok := pr.peak(); ok {
		ir.PeakUsers = &p
	}
	if q := rs.Quarterly; q != nil {
		for _, t := range q.AnyOf {
			if meetsQuarterly(pr, t) {
				ir.Quarterly = true
			}
		}
	}
	switch {
	case cat == nil:
		ir.Notes = append(ir.Notes, fmt.Sprintf("rule set %s has no category for service %s", rs.ID, im.Service))
		return ir
	case cat.NotReportable:
		ir.Counted = true
		ir.Notes = append(ir.Notes, fmt.Sprintf("category %s is not reportable under rule set %s: %s", cat.ID, rs.ID, cat.Note))
		return ir
	}
	ir.Counted = true
	var unmet []*Unmet
	for ti := range cat.Serious {
		t := cat.Serious[ti]
		level, why := levelOf(t, im)
		if why != "" {
			unmet = append(unmet, &Unmet{Threshold: &t, Missing: fmt.Sprintf("%s needs %s", thresholdText(t, 0), why), closeness: closenessUnknowable})
			continue
		}
		d := pr.durationAt(level, t.StrictShare)
		if d > 0 && durationMeets(d, t) {
			lv := int64(math.Ceil(level))
			ir.Met = append(ir.Met, Met{Impact: i, Service: string(im.Service), Category: cat.ID, Minutes: minutesOf(d), Users: &lv,
				PeakUsers: ir.PeakUsers, Threshold: &t,
				Text: fmt.Sprintf("%s at %s meets %s", durationText(d), levelText(t, level), thresholdText(t, level))})
			continue
		}
		unmet = append(unmet, missing(pr, t, level))
	}
	for pi := range cat.Products {
		p := cat.Products[pi]
		if m, u := judgeProduct(pr, p); m != nil {
			m.Impact, m.Service, m.Category, m.PeakUsers = i, string(im.Service), cat.ID, ir.PeakUsers
			ir.Met = append(ir.Met, *m)
		} else {
			unmet = append(unmet, u)
		}
	}
	ir.Serious = len(ir.Met) > 0
	if !ir.Serious {
		for _, u := range unmet {
			u.Impact, u.Service, u.Category, u.PeakUsers = i, string(im.Service), cat.ID, ir.PeakUsers
			if ir.Closest == nil || u.closeness > ir.Closest.closeness {
				ir.Closest = u
			}
		}
	}
	return ir
}

// meetsQuarterly applies one line of the quarterly-report rule. A users-only
// line needs only a moment at that level, so a reported peak decides it
// even before the duration is known.
func meetsQuarterly(pr profile, t Threshold) bool {
	if t.Minutes <= 0 && t.Users > 0 {
		peak, ok := pr.peak()
		return ok && peak >= t.Users
	}
	d := pr.durationAt(float64(t.Users), false)
	return d > 0 && durationMeets(d, t)
}

// judgeProduct applies an hours × users rule.
func judgeProduct(pr profile, p ProductRule) (*Met, *Unmet) {
	uh := pr.userHours()
	peak, _ := pr.peak()
	aff := pr.affected()
	u := &Unmet{Product: &p, HadMinutes: minutesOf(aff)}
	switch {
	case p.ExcludedUnderMinutes > 0 && aff < time.Duration(p.ExcludedUnderMinutes*float64(time.Minute)):
		u.Missing = fmt.Sprintf("outages under %s are excluded from the %s user-hours rule; had %s",
			durationText(time.Duration(p.ExcludedUnderMinutes*float64(time.Minute))), Thousands(int64(p.UserHours)), durationText(aff))
		u.closeness = aff.Minutes() / p.ExcludedUnderMinutes * 0.99
	case p.ExcludedUnderUsers > 0 && peak < p.ExcludedUnderUsers:
		u.Missing = fmt.Sprintf("outages under %s users are excluded from the %s user-hours rule; peak was %s",
			Thousands(p.ExcludedUnderUsers), Thousands(int64(p.UserHours)), Thousands(peak))
		u.closeness = float64(peak) / float64(p.ExcludedUnderUsers) * 0.99
	case uh >= p.UserHours:
		uhr := math.Floor(uh*100) / 100
		return &Met{Minutes: minutesOf(aff), Users: &peak, UserHours: &uhr, Product: &p,
			Text: fmt.Sprintf("%s user-hours meets hours × users ≥ %s", Thousands(int64(uh)), Thousands(int64(p.UserHours)))}, nil
	default:
		u.Missing = fmt.Sprintf("needed hours × users ≥ %s; had %s", Thousands(int64(p.UserHours)), Thousands(int64(uh)))
		u.closeness = uh / p.UserHours
	}
	return nil, u
}

// levelOf is the number of users a threshold needs at once, or why it
// cannot be judged.
func levelOf(t Threshold, im *caseformat.Impact) (float64, string) {
	if t.Share > 0 {
		if im.TotalSubscribers == nil || *im.TotalSubscribers == 0 {
			return 0, "total_subscribers (the operator's users of this service)"
		}
		return t.Share * float64(*im.TotalSubscribers), ""
	}
	return float64(t.Users), ""
}

// missing describes how far a profile is from a threshold.
func missing(pr profile, t Threshold, level float64) *Unmet {
	u := &Unmet{Threshold: &t}
	peak, known := pr.peak()
	needText := thresholdText(t, level)
	switch {
	case len(pr.segments) == 0:
		u.Missing = fmt.Sprintf("needed %s; the duration is unknown", needText)
	case !known:
		u.Missing = fmt.Sprintf("needed %s; users were not counted (had %s affected)", needText, durationText(pr.affected()))
	case levelMeets(peak, level, t.StrictShare):
		d := pr.durationAt(level, t.StrictShare)
		u.HadMinutes = minutesOf(d)
		u.Missing = fmt.Sprintf("needed %s; had %s", needText, durationText(d))
		u.closeness = float64(d) / float64(need(t))
		if u.closeness >= 1 {
			u.closeness = 0.999 // a strict duration exactly reached
		}
	default:
		d := pr.durationAt(float64(peak), false)
		u.HadMinutes = minutesOf(d)
		u.Missing = fmt.Sprintf("needed %s; peak was %s users (for %s)", needText, Thousands(peak), durationText(d))
		u.closeness = float64(peak) / level * math.Min(1, float64(d)/float64(need(t)))
	}
	return u
}

// categoryFor returns the first category of rs that selects the impact,
// and notes on categories of its service passed over for want of a fact.
func (rs *RuleSet) categoryFor(cs *caseformat.Case, im *caseformat.Impact) (*Category, []string) {
	var notes []string
	for i := range rs.Categories {
		c := &rs.Categories[i]
		if !slices.Contains(c.Services, im.Service) {
			continue
		}
		ok, lacking := c.When.selects(cs, im)
		if ok {
			return c, notes
		}
		if len(lacking) > 0 {
			notes = append(notes, fmt.Sprintf("category %s (%s) was not considered: %s not given", c.ID, c.NameEN, strings.Join(lacking, ", ")))
		}
	}
	return nil, notes
}

// selects reports whether the selector takes the impact, and which of the
// facts it needs the report lacks.
func (s *Selector) selects(cs *caseformat.Case, im *caseformat.Impact) (bool, []string) {
	if s == nil {
		return true, nil
	}
	var lacking []string
	ok := true
	if s.MinMonthlyActiveUsers != nil {
		if im.MonthlyActiveUsers == nil {
			lacking, ok = append(lacking, "monthly_active_users"), false
		} else if *im.MonthlyActiveUsers < *s.MinMonthlyActiveUsers {
			return false, nil
		}
	}
	if s.MediatesCommunications != nil {
		if im.MediatesCommunications == nil {
			lacking, ok = append(lacking, "mediates_communications"), false
		} else if *im.MediatesCommunications != *s.MediatesCommunications {
			return false, nil
		}
	}
	if s.AllOperatorsRole != "" && (len(cs.Operators) == 0 ||
		slices.ContainsFunc(cs.Operators, func(o caseformat.Operator) bool { return o.Role != s.AllOperatorsRole })) {
		return false, nil
	}
	for k, want := range s.Extension {
		raw, present := im.Extra[k]
		var got string
		if !present || json.Unmarshal(bytes.TrimSpace(raw), &got) != nil || got != want {
			return false, nil
		}
	}
	return ok, lacking
}

func (r *Result) explain(format string, args ...any) {
	r.Explanation = append(r.Explanation, fmt.Sprintf(format, args...))
}

func (r *Result) explainImpact(ir ImpactResult) {
	head := fmt.Sprintf("Impact %d (%s", ir.Impact, ir.Service)
	if ir.Category != "" && ir.Category != ir.Service {
		head += " → " + ir.Category
	}
	head += ")"
	basis := "judged on its timeline"
	if ir.Basis == BasisPeakXDuration {
		basis = "judged on peak × duration, no timeline"
	}
	for _, n := range ir.Notes {
		r.explain("%s: %s.", head, n)
	}
	switch {
	case !ir.Counted:
		r.explain("%s: not judged.", head)
	case ir.Serious:
		for _, m := range ir.Met {
			r.explain("%s, %s: %s.", head, basis, m.Text)
		}
	case ir.Closest != nil:
		r.explain("%s, %s: no threshold met; closest: %s.", head, basis, ir.Closest.Missing)
	}
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return string(bytes.ToUpper([]byte(s[:1]))) + s[1:]
}
