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
}

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

// Covers reports whether a case that occurred at t belongs in the study.
func (s *Study) Covers(t time.Time) bool { return !t.Before(s.from) && t.Before(s.to) }

// Add judges one case both ways. Cases outside the span are ignored.
func (s *Study) Add(cs caseformat.Case) error {
	if !s.Covers(cs.OccurredAt) {
		return nil
	}
	y := &s.years[jpdate.FiscalYear(cs.OccurredAt)-s.firstFY]
	y.Cases++
	under, err := s.catalog.Classify(cs, s.under.ID)
	if err != nil {
		return err
	}
	// A case from before the first rule set counts as not serious in force.
	inForce := false
	if now, err := s.catalog.Classify(cs, ""); err == nil {
		inForce = now.Serious
	}
	if inForce {
		y.InForce++
	}
	if under.Serious {
		y.Under++
	}
	switch {
	case under.Serious && !inForce:
		y.Added = append(y.Added, cs.Ref)
	case inForce && !under.Serious:
		y.Removed = append(y.Removed, cs.Ref)
	}
	y.Difference = y.Under - y.InForce
	return nil
}

// Years returns one row per fiscal year of the span, in order.
func (s *Study) Years() []WhatIfYear { return s.years }
