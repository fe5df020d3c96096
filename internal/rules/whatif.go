package rules

import (
	"fmt"
	"time"

	"kensho/internal/caseformat"
	"kensho/internal/jpdate"
)

// WhatIfYear compares, for one fiscal year, the serious accidents under the
// rule sets in force with those under another rule set.
type WhatIfYear struct {
	FiscalYear int `json:"fiscal_year"`
	Cases      int `json:"cases"`
	InForce    int `json:"in_force"`
	Under      int `json:"under"`
	Difference int `json:"difference"`
	// Added are the refs serious only under the other rule set, Removed
	// those serious only under the rule sets in force.
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
}

// Study is a what-if study in progress: feed it cases with Add, read the
// table with Years. It holds counts and refs only, so a case base of any
// size can stream through it.
type Study struct {
	catalog  *Catalog
	under    *RuleSet
	from, to time.Time
	years    []WhatIfYear
	firstFY  int
	// service keeps only the cases with an impact on it ("" keeps all).
	service caseformat.Service
}

// Outcome is one case judged both ways by a study.
type Outcome struct {
	// Counted: the case belongs in the study (its span and service).
	Counted    bool
	FiscalYear int
	// InForce and Under: serious under the rule sets in force and under
	// the study's rule set.
	InForce, Under bool
}

// Added is a case serious only under the study's rule set.
func (o Outcome) Added() bool { return o.Under && !o.InForce }

// Removed is a case serious only under the rule sets in force.
func (o Outcome) Removed() bool { return o.InForce && !o.Under }

// NewStudy starts a study of the cases that occurred from the date from to
// the date to, both inclusive (JST), re-judged under rule set id.
func (c *Catalog) NewStudy(id string, from, to time.Time) (*Study, error) {
	rs, err := c.Get(id)
	if err != nil {
		return nil, err
	}
	if to.Before(from) {
		return nil, fmt.Errorf("--to %s is before --from %s", jpdate.DateOf(to), jpdate.DateOf(from))
	}
	s := &Study{catalog: c, under: rs, from: from, to: to.AddDate(0, 0, 1), firstFY: jpdate.FiscalYear(from)}
	for fy := s.firstFY; fy <= jpdate.FiscalYear(to); fy++ {
		s.years = append(s.years, WhatIfYear{FiscalYear: fy, Added: []string{}, Removed: []string{}})
	}
	return s, nil
}

// OnlyService keeps in the study only the cases with an impact on service
// svc ("" keeps every case): the ministry's "data services" line is the
// study of internet_access alone. A case counts whole — serious in force
// or under the other rule set for whatever impact — once it hit svc.
func (s *Study) OnlyService(svc caseformat.Service) { s.service = svc }

// Covers reports whether a case that occurred at t belongs in the study.
func (s *Study) Covers(t time.Time) bool { return !t.Before(s.from) && t.Before(s.to) }

// HasImpactOn reports whether case cs affected service svc.
func HasImpactOn(cs caseformat.Case, svc caseformat.Service) bool {
	for _, im := range cs.Impacts {
		if im.Service == svc {
			return true
		}
	}
	return false
}

// Judge judges one case both ways and counts it in its fiscal year. Cases
// outside the span or the service are not counted (Outcome.Counted false).
func (s *Study) Judge(cs caseformat.Case) (Outcome, error) {
	if !s.Covers(cs.OccurredAt) || (s.service != "" && !HasImpactOn(cs, s.service)) {
		return Outcome{}, nil
	}
	o := Outcome{Counted: true, FiscalYear: jpdate.FiscalYear(cs.OccurredAt)}
	under, err := s.catalog.Classify(cs, s.under.ID)
	if err != nil {
		return Outcome{}, err
	}
	o.Under = under.Serious
	// A case from before the first rule set counts as not serious in force.
	if now, err := s.catalog.Classify(cs, ""); err == nil {
		o.InForce = now.Serious
	}
	y := &s.years[o.FiscalYear-s.firstFY]
	y.Cases++
	if o.InForce {
		y.InForce++
	}
	if o.Under {
		y.Under++
	}
	switch {
	case o.Added():
		y.Added = append(y.Added, cs.Ref)
	case o.Removed():
		y.Removed = append(y.Removed, cs.Ref)
	}
	y.Difference = y.Under - y.InForce
	return o, nil
}

// Add judges one case both ways (Judge, without the outcome).
func (s *Study) Add(cs caseformat.Case) error {
	_, err := s.Judge(cs)
	return err
}

// Years returns one row per fiscal year of the span, in order.
func (s *Study) Years() []WhatIfYear { return s.years }
